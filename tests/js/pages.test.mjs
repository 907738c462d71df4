import { test } from "node:test"
import assert from "node:assert/strict"
import { distinctNames, endingText, gameName, outcomeText, roomCodeFrom } from "../../src/chesschat/web/static/js/views/common.js"

test("a room code is found in a link, in lower case, and among spaces and dashes", () => {
  assert.equal(roomCodeFrom("abcd2345"), "ABCD2345")
  assert.equal(roomCodeFrom(" ABCD-2345 "), "ABCD2345")
  assert.equal(roomCodeFrom("abcd - 2345"), "ABCD2345")
  assert.equal(roomCodeFrom("https://chess.example/#/room/abcd2345"), "ABCD2345")
  assert.equal(roomCodeFrom("https://chess.example/#/room/ABCD2345/"), "ABCD2345")
  assert.equal(roomCodeFrom("abc"), null)
  assert.equal(roomCodeFrom("https://chess.example/#/history"), null)
})

const game = (over) => ({
  white_player_id: "me",
  black_player_id: "bob-id",
  white_username: "me",
  black_username: "bob",
  winner: "me",
  result: "checkmate",
  ended_at: "2026-12-03T14:05:00Z",
  ...over,
})

test("a game's name says the opponent, the outcome and when", () => {
  assert.match(gameName(game(), "me"), /^Replay: you vs bob, won by checkmate, .+/)
  assert.equal(outcomeText(game({ winner: "bob-id", result: "timeout" }), "me"), "lost on time")
  assert.equal(outcomeText(game({ winner: "draw", result: "draw_agreed" }), "me"), "drawn by agreement")
  assert.equal(outcomeText(game({ winner: "draw", result: "aborted" }), "me"), "aborted")
})

test("names in one list are made distinct", () => {
  const named = distinctNames()
  assert.deepEqual(["a", "b", "a", "a"].map(named), ["a", "b", "a (2)", "a (3)"])
})

test("endings in the PGN's words where it has one", () => {
  assert.equal(endingText("timeout"), "time forfeit")
  assert.match(endingText("forfeit_disconnect"), /^abandoned/)
  assert.match(endingText("room_expired"), /^abandoned/)
  assert.match(endingText("aborted"), /^aborted/)
  assert.equal(endingText("checkmate"), "checkmate")
})
