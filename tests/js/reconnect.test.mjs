import { test } from "node:test"
import assert from "node:assert/strict"
import { ReconnectTracker, backoffDelay, pauseFromFrame } from "../../src/chesschat/web/static/js/reconnect.js"

test("the first retry comes within a second, with jitter", () => {
  assert.ok(backoffDelay(0, () => 0) >= 100)
  assert.ok(backoffDelay(0, () => 0.999) <= 1000)
  assert.notEqual(backoffDelay(0, () => 0), backoffDelay(0, () => 0.9))
})

test("later retries back off and stay under eight seconds", () => {
  const low = [1, 2, 3, 4, 5].map((a) => backoffDelay(a, () => 0))
  assert.deepEqual(low, [500, 1000, 2000, 4000, 4000])
  assert.ok(backoffDelay(20, () => 0.999) <= 8000)
})

test("a reconnect_state older than the newest version seen is stale", () => {
  const t = new ReconnectTracker()
  assert.equal(t.accept({ type: "room_joined", reconnectVersion: 2 }), true)
  assert.equal(t.accept({ type: "reconnect_state", status: "paused", reconnectVersion: 3 }), true)
  assert.equal(t.accept({ type: "reconnect_state", status: "paused", reconnectVersion: 1 }), false)
  assert.equal(t.accept({ type: "reconnect_state", status: "restored", reconnectVersion: 3 }), true)
  assert.equal(t.accept({ type: "move_made" }), true, "frames without a version always pass")
  t.reset()
  assert.equal(t.accept({ reconnectVersion: 0 }), true)
})

test("pauseFromFrame says who is away and until when", () => {
  const paused = { status: "paused", disconnectedUserId: "u2", graceEndsAt: 99 }
  assert.deepEqual(pauseFromFrame(paused), { userId: "u2", graceEndsAt: 99 })
  assert.equal(pauseFromFrame({ status: "restored", disconnectedUserId: "u2" }), null)
})
