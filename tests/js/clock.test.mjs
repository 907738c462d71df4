import { test } from "node:test"
import assert from "node:assert/strict"
import { ServerTime, clockSnapshot, formatClock, freeze, isLowTime, remainingAt, secondsUntil } from "../../src/chesschat/web/static/js/clock.js"

test("formatClock shows minutes and seconds from ten seconds up", () => {
  assert.equal(formatClock(300), "5:00")
  assert.equal(formatClock(61.9), "1:01")
  assert.equal(formatClock(10), "0:10")
  assert.equal(formatClock(3725), "1:02:05")
})

test("formatClock shows tenths under ten seconds, never rounding up", () => {
  assert.equal(formatClock(9.99), "9.9")
  assert.equal(formatClock(0.05), "0.0")
  assert.equal(formatClock(-3), "0.0")
  assert.equal(formatClock(Number.NaN), "0.0")
})

test("isLowTime is a tenth of the start, clamped to 10..30 s", () => {
  assert.equal(isLowTime(25, 600), true)
  assert.equal(isLowTime(31, 600), false)
  assert.equal(isLowTime(9, 60), true)
  assert.equal(isLowTime(11, 60), false)
  assert.equal(isLowTime(2, 3), true)
})

test("remainingAt runs only the side to move's clock, from the server stamp", () => {
  const snap = clockSnapshot({ timeWhite: 60, timeBlack: 30.5, turn: "white", serverTimestampMs: 1_000_000 })
  assert.equal(remainingAt(snap, "white", 1_002_500), 57.5)
  assert.equal(remainingAt(snap, "black", 1_002_500), 30.5)
  assert.equal(remainingAt(snap, "white", 1_000_000 + 120_000), 0)
  assert.equal(remainingAt(snap, "white", 999_000), 60, "a stamp from the future never adds time")
})

test("a paused snapshot does not run, and freeze stops a running one", () => {
  const paused = clockSnapshot({ timeWhite: 60, timeBlack: 60, turn: "white", serverTimestampMs: 0, paused: true })
  assert.equal(remainingAt(paused, "white", 10_000), 60)
  const running = clockSnapshot({ timeWhite: 60, timeBlack: 60, turn: "black", serverTimestampMs: 0 })
  const frozen = freeze(running, 4_000)
  assert.equal(frozen.black, 56)
  assert.equal(remainingAt(frozen, "black", 50_000), 56)
})

test("ServerTime keeps the offset of the shortest round trip", () => {
  let now = 0
  const st = new ServerTime(() => now)
  st.sample(1000, 6050, 1100) // rtt 100 → offset 6050 - 1050 = 5000
  st.sample(2000, 9000, 2600) // rtt 600: ignored
  assert.equal(st.offsetMs, 5000)
  now = 10_000
  assert.equal(st.serverNow(), 15_000)
})

test("secondsUntil counts down whole seconds to a deadline", () => {
  assert.equal(secondsUntil(10_000, 0), 10)
  assert.equal(secondsUntil(10_000, 9_001), 1)
  assert.equal(secondsUntil(10_000, 12_000), 0)
})

test("no clock runs while the first-move deadline counts", () => {
  const snap = clockSnapshot({ timeWhite: 300, timeBlack: 300, turn: "white", serverTimestampMs: 0, firstMoveDeadlineMs: 30_000 })
  assert.equal(snap.running, false)
  assert.equal(remainingAt(snap, "white", 10_000), 300)
  assert.equal(clockSnapshot({ timeWhite: 300, timeBlack: 300, turn: "white", serverTimestampMs: 0, firstMoveDeadlineMs: null }).running, true)
})
