import { test } from "node:test"
import assert from "node:assert/strict"
import { clockSnapshot } from "../../src/chesschat/web/static/js/clock.js"
import { initialState } from "../../src/chesschat/web/static/js/views/room/state.js"
import { closedNote, clockFace, connectionLabel, endLine, firstMoveText, graceText, matchTitle, peerNote, seat, statusLine, watchLine } from "../../src/chesschat/web/static/js/views/room/status.js"

const ALICE = { userId: "u1", username: "alice" }
const alice = { userId: "u1", username: "alice", connected: true }
const bob = { userId: "u2", username: "bob", displayName: "Bob", connected: true }
const NOW = 1_000_000

const waiting = (fields = {}) => ({ ...initialState(), joined: true, hostUserId: "u1", participants: [alice, bob], ...fields })
const playing = (fields = {}) => {
  const game = { gameId: "g1", turn: "white", whitePlayerId: "u1", blackPlayerId: "u2", moves: [], settings: { initial_time_white: 300, initial_time_black: 60 } }
  const clock = clockSnapshot({ timeWhite: 300, timeBlack: 20, turn: "white", serverTimestampMs: NOW })
  return waiting({ game, clock, ...fields })
}

test("the status line before a game says who waits for what", () => {
  assert.deepEqual(statusLine(initialState(), ALICE), { text: "Joining the room…", turn: "" })
  assert.equal(statusLine(waiting({ participants: [alice] }), ALICE).text, "Waiting for your friend — send them the link.")
  assert.equal(statusLine(waiting({ participants: [alice, { ...bob, connected: false }] }), ALICE).text, "Waiting for your friend to reconnect…")
  assert.equal(statusLine(waiting(), ALICE).text, "Choose the time control and start the game.")
  assert.equal(statusLine(waiting({ hostUserId: "u2" }), ALICE).text, "Waiting for Bob to start the game.")
})

test("the status line during a game says whose move it is, or who is away", () => {
  assert.deepEqual(statusLine(playing(), ALICE), { text: "Your move", turn: "mine" })
  const theirs = playing()
  theirs.game = { ...theirs.game, turn: "black" }
  assert.deepEqual(statusLine(theirs, ALICE), { text: "Bob to move", turn: "theirs" })
  assert.equal(statusLine(playing({ pause: { userId: "u2" } }), ALICE).text, "Bob lost connection — the game is paused.")
  assert.equal(statusLine(playing({ pause: { userId: "u1" } }), ALICE).text, "You were disconnected — the game is paused.")
})

test("the result reads from the viewer's side", () => {
  const s = playing()
  assert.equal(endLine(s, { result: "checkmate", winner: "u1" }, ALICE), "You won by checkmate!")
  assert.equal(endLine(s, { result: "timeout", winner: "u2" }, ALICE), "Bob won on time.")
  assert.equal(endLine(s, { result: "draw_agreed", winner: "draw" }, ALICE), "Draw by agreement.")
  assert.equal(endLine(s, { result: "aborted", winner: null }, ALICE), "Game aborted.")
  assert.equal(endLine(s, { result: "something_new", winner: "u2" }, ALICE), "Bob won something_new.")
  assert.deepEqual(statusLine(playing({ ended: { result: "resign", winner: "u2" } }), ALICE), { text: "Bob won by resignation.", turn: "" })
})

test("a player bar names the player, marks the viewer and shows their draw offer", () => {
  const s = playing()
  s.game = { ...s.game, drawOffer: { offered_by_user_id: "u2" } }
  assert.deepEqual(seat(s, "u1", ALICE), { name: "alice (you)", connected: true, note: "" })
  assert.deepEqual(seat(s, "u2", ALICE), { name: "Bob", connected: true, note: "offers a draw" })
  assert.deepEqual(seat(s, null, ALICE), { name: "Waiting for a friend…", connected: false, note: "" })
})

test("only the side to move's clock runs, and low time follows each side's start", () => {
  const s = playing()
  assert.deepEqual(clockFace(s, "white", NOW + 5_000), { text: "4:55", running: true, low: false, flagged: false })
  assert.deepEqual(clockFace(s, "black", NOW + 5_000), { text: "0:20", running: false, low: false, flagged: false })
  assert.equal(clockFace({ ...s, clock: { ...s.clock, black: 9 } }, "black", NOW).low, true)
  assert.equal(clockFace(s, "white", NOW + 400_000).flagged, true)
  assert.equal(clockFace(initialState(), "white", NOW), null)
})

test("clocks stop running while paused and stop warning once the game is over", () => {
  assert.equal(clockFace(playing({ pause: { userId: "u2" } }), "white", NOW).running, false)
  const over = playing({ ended: { result: "resign" } })
  over.clock = { ...over.clock, black: 5 }
  assert.deepEqual(clockFace(over, "black", NOW), { text: "5.0", running: false, low: false, flagged: false })
})

test("the grace countdown shows only while the opponent is away", () => {
  const away = playing({ pause: { userId: "u2", graceEndsAt: NOW + 29_100 } })
  assert.equal(graceText(away, "u1", NOW), "They have 30 s to come back before forfeiting.")
  assert.equal(graceText(playing({ pause: { userId: "u1", graceEndsAt: NOW + 30_000 } }), "u1", NOW), null)
  assert.equal(graceText(playing(), "u1", NOW), null)
})

test("the connection badge says online, reconnecting or connecting", () => {
  assert.equal(connectionLabel("open"), "● online")
  assert.equal(connectionLabel("reconnecting"), "● reconnecting")
  assert.equal(connectionLabel("closed"), "● connecting")
})

test("the first-move countdown shows until both sides have moved, to the mover and to the other", () => {
  const first = playing()
  first.game = { ...first.game, firstMoveDeadlineMs: NOW + 27_500 }
  assert.equal(firstMoveText(first, ALICE, NOW), "Make your first move: 28 s left, or the game is aborted.")
  assert.equal(firstMoveText({ ...first, game: { ...first.game, turn: "black" } }, ALICE, NOW), "Bob has 28 s for their first move.")
  assert.equal(firstMoveText(playing(), ALICE, NOW), null)
  assert.equal(firstMoveText({ ...first, pause: { userId: "u2" } }, ALICE, NOW), null)
})

test("the friend's video tile says left, reconnecting, camera off or muted", () => {
  assert.equal(peerNote(playing(), ALICE), "")
  assert.equal(peerNote(playing({ leftUserId: "u2" }), ALICE), "left the room")
  assert.equal(peerNote(playing({ pause: { userId: "u2" } }), ALICE), "reconnecting")
  assert.equal(peerNote(playing({ peerMedia: { mic: false, camera: false } }), ALICE), "camera off · muted")
  assert.equal(peerNote(waiting({ participants: [alice] }), ALICE), "")
})

test("a closed room's note says why, in calm words", () => {
  assert.equal(closedNote(playing(), ALICE), null)
  assert.deepEqual(closedNote(playing({ closed: { reason: "reconnect_expired" } }), ALICE), { text: "Bob didn't come back.", opponentName: "Bob" })
  assert.equal(closedNote(playing({ closed: { reason: "left" } }), ALICE).text, "Bob left the room.")
  assert.equal(closedNote(playing({ closed: { reason: "expired" } }), ALICE).text, "This room has expired.")
  assert.equal(closedNote(waiting({ participants: [alice], closed: { reason: null } }), ALICE).text, "This room has closed.")
})

test("the watcher's line says what is happening in the friends' room, never 'your move'", () => {
  const CAROL = { userId: "u9", username: "carol" }
  assert.equal(watchLine(initialState(), CAROL), "Opening the game…")
  assert.equal(watchLine(waiting({ participants: [alice] }), CAROL), "Waiting for alice's friend to join.")
  assert.equal(watchLine(waiting(), CAROL), "Waiting for alice to start the game.")
  assert.equal(watchLine(playing(), CAROL), "alice to move")
  assert.equal(watchLine(playing({ ended: { winner: "u2", result: "resign" } }), CAROL), "Bob won by resignation.")
  assert.equal(watchLine(playing({ watching: false }), CAROL), "The players have turned watching off.")
  assert.equal(watchLine(playing({ closed: { reason: "left" } }), CAROL), "This room has closed.")
  assert.equal(matchTitle(playing(), CAROL), "alice vs Bob")
  assert.equal(matchTitle(waiting({ participants: [alice] }), CAROL), "alice")
})
