import { test } from "node:test"
import assert from "node:assert/strict"
import { CLIENT, CLIENT_TAGS, ERRORS, MESSAGES, REASONS, SERVER_TAGS, errorText, frame, isRetryable } from "../../src/chesschat/web/static/js/protocol.js"

test("frames are built only from known client tags", () => {
  assert.deepEqual(frame(CLIENT.MAKE_MOVE, { roomCode: "ABCDEFGH", move: "e2e4" }), {
    type: "make_move",
    roomCode: "ABCDEFGH",
    move: "e2e4",
  })
  assert.throws(() => frame("teleport"))
})

test("tags are unique", () => {
  assert.equal(new Set(CLIENT_TAGS).size, CLIENT_TAGS.length)
  assert.equal(new Set(SERVER_TAGS).size, SERVER_TAGS.length)
})

test("errors read as the client's sentences, never the server's text", () => {
  assert.equal(errorText({ code: "NOT_YOUR_TURN", message: "Not your turn (server)." }), "Wait for your turn.")
  assert.equal(errorText({ code: "X", message: "Custom." }), "Something went wrong. Please try again.")
  assert.equal(errorText(null), "Something went wrong. Please try again.")
  assert.equal(isRetryable({ code: "GAME_PAUSED" }), true)
  assert.equal(isRetryable({ code: "ILLEGAL_MOVE", retryable: true }), true)
  assert.equal(Object.keys(ERRORS).length > 20, true)
})

test("every code of the catalogue has plain words of the client's own", () => {
  assert.deepEqual(Object.keys(MESSAGES).sort(), Object.keys(ERRORS).sort())
  for (const code of Object.keys(ERRORS)) assert.match(MESSAGES[code], /^[A-Z].{8,}[.!?]$/, code)
})

test("every ending reason has words", () => {
  for (const r of ["checkmate", "resign", "timeout", "draw_agreed", "aborted", "forfeit_disconnect"]) {
    assert.ok(REASONS[r], r)
  }
})
