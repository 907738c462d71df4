import { test } from "node:test"
import assert from "node:assert/strict"
import { ReconnectTracker } from "../../src/chesschat/web/static/js/reconnect.js"
import { START_FEN } from "../../src/chesschat/web/static/js/moves.js"
import { bothHere, chatRead, initialState, isLive, myColour, nameOf, opponentAway, reduce } from "../../src/chesschat/web/static/js/views/room/state.js"

const ALICE = { userId: "u1", username: "alice" }
const alice = { userId: "u1", username: "alice", displayName: "Alice", connected: true }
const bob = { userId: "u2", username: "bob", displayName: "Bob", connected: true }
const NOW = 1_000_000

function room() {
  const tracker = new ReconnectTracker()
  const ctx = { code: "ABCD2345", viewer: ALICE, serverNow: () => NOW, tracker }
  return (s, f) => reduce(s, f, ctx)
}

const game = (fields = {}) => ({
  gameId: "g1",
  fen: "start",
  turn: "white",
  whitePlayerId: "u1",
  blackPlayerId: "u2",
  timeWhite: 300,
  timeBlack: 300,
  serverTimestampMs: NOW,
  legalMoves: ["e2e4"],
  moves: [],
  moveSans: [],
  settings: { initial_time_white: 300, initial_time_black: 300, increment_seconds: 0 },
  ...fields,
})

function joinedWithGame(apply, fields = {}) {
  return apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", hostUserId: "u1", participants: [alice, bob], activeGame: game(fields) }).state
}

test("a frame for another room changes nothing and redraws nothing", () => {
  const apply = room()
  const s = initialState()
  const out = apply(s, { type: "move_made", roomCode: "ZZZZ9999", ...game() })
  assert.deepEqual(out, { state: s, effects: [], render: false })
})

test("an unknown frame changes nothing", () => {
  const apply = room()
  const s = initialState()
  assert.equal(apply(s, { type: "heartbeat_ack" }).render, false)
})

test("room_joined with an active game shows it, closes the last result and takes the settings", () => {
  const apply = room()
  const out = apply(initialState(), { type: "room_joined", hostUserId: "u1", participants: [alice, bob], activeGame: game() })
  assert.equal(out.render, true)
  assert.deepEqual(out.effects, [{ do: "closeEndDialog" }, { do: "showGame", gameId: "g1", sound: null }])
  const s = out.state
  assert.equal(s.joined, true)
  assert.equal(s.game.fen, START_FEN, "the initial position arrives as 'start'")
  assert.equal(s.lastSettings.initial_time_white, 300)
  assert.equal(s.clock.running, true)
  assert.equal(s.pause, null)
  assert.equal(myColour(s, "u1"), "white")
  assert.equal(isLive(s), true)
  assert.equal(bothHere(s), true)
})

test("room_joined during a disconnect pauses the game and stops the clocks", () => {
  const apply = room()
  const s = joinedWithGame(apply, { disconnectedUserId: "u2", disconnectDeadlineMs: NOW + 30_000 })
  assert.deepEqual(s.pause, { userId: "u2", graceEndsAt: NOW + 30_000 })
  assert.equal(s.clock.running, false)
  assert.deepEqual(opponentAway(s, "u1"), s.pause)
  assert.equal(opponentAway(s, "u2"), null, "the one who is away is not told their opponent is")
})

test("a room_joined older than the newest version seen is dropped", () => {
  const apply = room()
  const s = apply(initialState(), { type: "room_joined", participants: [alice], reconnectVersion: 5 }).state
  const out = apply(s, { type: "room_joined", participants: [alice, bob], reconnectVersion: 4 })
  assert.equal(out.render, false)
  assert.equal(out.state, s)
})

test("room_joined without the game this page was playing ends it, on the clocks this page last had", () => {
  const apply = room()
  const s = joinedWithGame(apply, { timeWhite: 280, timeBlack: 290 })
  const out = apply(s, {
    type: "room_joined",
    hostUserId: "u1",
    participants: [alice, bob],
    lastGame: { gameId: "g1", result: "resign", winner: "u2", timeWhite: 250, timeBlack: 280 },
  })
  assert.deepEqual(out.state.ended, { type: "game_ended", gameId: "g1", result: "resign", winner: "u2", timeWhite: 250, timeBlack: 280, pgn: null })
  assert.deepEqual(out.state.clock, { white: 280, black: 290, turn: "white", stampMs: NOW, running: false })
  assert.deepEqual(out.state.game.legalMoves, [])
  assert.deepEqual(out.effects, [{ do: "endGame", ended: out.state.ended }])
})

test("a newcomer is announced once; a rejoin is not, and neither is the viewer", () => {
  const apply = room()
  let s = apply(initialState(), { type: "room_joined", hostUserId: "u1", participants: [alice] }).state
  let out = apply(s, { type: "participant_joined", userId: "u2", participants: [alice, bob] })
  assert.deepEqual(out.effects, [{ do: "toast", text: "Bob joined." }])
  s = out.state
  out = apply(s, { type: "participant_joined", userId: "u2", participants: [alice, bob] })
  assert.deepEqual(out.effects, [])
  out = apply(s, { type: "participant_left", userId: "u2", participants: [alice, { ...bob, connected: false }] })
  assert.deepEqual(out.effects, [])
  assert.equal(bothHere(out.state), false)
})

test("reconnect_state pauses and freezes the clocks; restored says who is back", () => {
  const apply = room()
  const s = joinedWithGame(apply, { serverTimestampMs: NOW - 10_000 })
  const paused = apply(s, { type: "reconnect_state", status: "paused", disconnectedUserId: "u2", graceEndsAt: NOW + 30_000 })
  assert.deepEqual(paused.state.pause, { userId: "u2", graceEndsAt: NOW + 30_000 })
  assert.equal(paused.state.clock.running, false)
  assert.equal(paused.state.clock.white, 290, "white's ten seconds on move are charged up to the pause")
  const back = apply(paused.state, { type: "reconnect_state", status: "restored", disconnectedUserId: "u2" })
  assert.equal(back.state.pause, null)
  assert.deepEqual(back.effects, [{ do: "toast", text: "Bob is back." }])
})

test("game_started clears the last result, the pause and the flip, plays the start and orients the board", () => {
  const apply = room()
  const s = { ...joinedWithGame(apply), flipped: true, ended: { result: "resign" }, pause: { userId: "u2" } }
  const out = apply(s, { type: "game_started", ...game({ gameId: "g2", whitePlayerId: "u2", blackPlayerId: "u1" }) })
  assert.equal(out.state.ended, null)
  assert.equal(out.state.pause, null)
  assert.equal(out.state.flipped, false)
  assert.equal(myColour(out.state, "u1"), "black")
  assert.deepEqual(out.effects, [{ do: "closeEndDialog" }, { do: "showGame", gameId: "g2", sound: "start" }, { do: "orient" }])
})

test("move_made keeps the move lists a frame leaves out, and sounds like the move", () => {
  const apply = room()
  const s = joinedWithGame(apply, { moves: ["e2e4"], moveSans: ["e4"] })
  const out = apply(s, { type: "move_made", gameId: "g1", fen: "f", turn: "white", timeWhite: 299, timeBlack: 298, serverTimestampMs: NOW, moveType: "capture" })
  assert.deepEqual(out.state.game.moves, ["e2e4"])
  assert.deepEqual(out.state.game.moveSans, ["e4"])
  assert.equal(out.state.game.whitePlayerId, "u1", "fields of the same game are kept")
  assert.deepEqual(out.effects, [{ do: "showGame", gameId: "g1", sound: "capture" }])
})

test("a frame of another game starts from nothing", () => {
  const apply = room()
  const s = joinedWithGame(apply, { moves: ["e2e4"], moveSans: ["e4"], drawOffer: { offered_by_user_id: "u2" } })
  const out = apply(s, { type: "move_made", gameId: "g9", fen: "start", turn: "white" })
  assert.equal(out.state.game.drawOffer, undefined)
  assert.deepEqual(out.state.game.moves, ["e2e4"], "the move lists still fall back to the last ones")
})

test("takeback_applied clears the check and says who took back", () => {
  const apply = room()
  const s = joinedWithGame(apply, { isCheck: true })
  const theirs = apply(s, { type: "takeback_applied", ...game({ isCheck: true }), byUserId: "u2" })
  assert.equal(theirs.state.game.isCheck, false)
  assert.deepEqual(theirs.effects, [{ do: "showGame", gameId: "g1", sound: null }, { do: "toast", text: "Bob took back a move." }])
  const mine = apply(s, { type: "takeback_applied", ...game(), byUserId: "u1" })
  assert.deepEqual(mine.effects[1], { do: "toast", text: "Your move was taken back." })
})

test("draw offer frames replace the game's offer without touching anything else", () => {
  const apply = room()
  const s = joinedWithGame(apply)
  const offer = { offered_by_user_id: "u2" }
  const out = apply(s, { type: "draw_offer_pending", drawOffer: offer })
  assert.deepEqual(out.state.game.drawOffer, offer)
  assert.equal(out.state.clock, s.clock)
  assert.equal(s.game.drawOffer, undefined, "the previous state is left as it was")
  assert.equal(apply(out.state, { type: "draw_offer_state", drawOffer: null }).state.game.drawOffer, null)
  assert.equal(apply(initialState(), { type: "draw_offer_state", drawOffer: offer }).state.game, null)
})

test("game_ended stops the clocks at the frame's times and closes the game to input", () => {
  const apply = room()
  const s = { ...joinedWithGame(apply, { drawOffer: { offered_by_user_id: "u2" } }), pause: { userId: "u2" } }
  const ended = { type: "game_ended", result: "timeout", winner: "u2", timeWhite: 0, timeBlack: 12.5, reconnectVersion: 3 }
  const out = apply(s, ended)
  assert.equal(out.state.ended, ended)
  assert.equal(out.state.pause, null)
  assert.equal(out.state.game.drawOffer, null)
  assert.deepEqual(out.state.game.legalMoves, [])
  assert.deepEqual(out.state.clock, { white: 0, black: 12.5, turn: "white", stampMs: NOW, running: false })
  assert.equal(isLive(out.state), false)
  assert.deepEqual(out.effects, [{ do: "endGame", ended }])
  assert.equal(apply(out.state, { ...ended, reconnectVersion: 2 }).render, false, "an overtaken game_ended is dropped")
})

test("video frames become video effects; another provider than WebRTC is unavailable", () => {
  const apply = room()
  const s = initialState()
  const ready = { type: "video_ready", provider: "webrtc", iceServers: [] }
  assert.deepEqual(apply(s, ready).effects, [{ do: "videoReady", frame: ready }])
  assert.deepEqual(apply(s, { type: "video_ready", provider: "livekit" }).effects, [
    { do: "videoUnavailable", reason: "This server's video provider is not supported by this page." },
  ])
  assert.deepEqual(apply(s, { type: "video_unavailable", reason: "No TURN." }).effects, [{ do: "videoUnavailable", reason: "No TURN." }])
  assert.deepEqual(apply(s, { type: "signal", data: { sdp: 1 } }).effects, [{ do: "videoSignal", data: { sdp: 1 } }])
})

test("room_closed before joining is fatal; after, the room stays on screen, closed, and the call ends", () => {
  const apply = room()
  const out = apply(initialState(), { type: "room_closed", reason: "expired" })
  assert.equal(out.state.fatal, "This room has closed. Open a new one from the lobby.")
  assert.deepEqual(out.effects, [{ do: "videoClose" }])
  const joined = joinedWithGame(apply)
  const closed = apply(joined, { type: "room_closed", reason: "reconnect_expired" })
  assert.equal(closed.state.fatal, null)
  assert.deepEqual(closed.state.closed, { reason: "reconnect_expired" })
  assert.deepEqual(closed.effects, [{ do: "videoClose" }])
  assert.deepEqual(apply(joined, { type: "room_closed" }).state.closed, { reason: null })
})

test("room_left goes back to the lobby without redrawing the room", () => {
  const apply = room()
  assert.deepEqual(apply(initialState(), { type: "room_left" }), { state: initialState(), effects: [{ do: "navigate", path: "/" }], render: false })
})

test("a refusal while joining is fatal; after joining it is a toast, in the client's words", () => {
  const apply = room()
  const full = { type: "error", code: "ROOM_FULL", message: "This room already has two players." }
  const refused = apply(initialState(), full)
  assert.equal(refused.state.fatal, "That room already has two players.")
  assert.deepEqual(refused.effects, [])
  const joined = joinedWithGame(apply)
  assert.deepEqual(apply(joined, full).effects, [{ do: "toast", text: "That room already has two players.", kind: "error", code: "ROOM_FULL" }])
})

test("a refused move goes back on the board; a retryable error is only news", () => {
  const apply = room()
  const s = joinedWithGame(apply)
  assert.deepEqual(apply(s, { type: "error", code: "NOT_YOUR_TURN", message: "Not your turn." }).effects, [
    { do: "revertBoard" },
    { do: "toast", text: "Wait for your turn.", kind: "error", code: "NOT_YOUR_TURN" },
  ])
  assert.deepEqual(apply(s, { type: "error", code: "RATE_LIMITED", message: "Slow down.", retryable: true }).effects, [
    { do: "toast", text: "Slow down a little, then try again.", kind: "info", code: "RATE_LIMITED" },
  ])
})

test("an error about another room is not shown, though the room still redraws", () => {
  const apply = room()
  const out = apply(initialState(), { type: "error", code: "ROOM_FULL", context: { roomCode: "ZZZZ9999" } })
  assert.deepEqual(out.effects, [])
  assert.equal(out.state.fatal, null)
  assert.equal(out.render, true)
})

test("names come from the participants, then the viewer's own, else 'Opponent'", () => {
  const s = { ...initialState(), participants: [{ userId: "u2", username: "bob" }] }
  assert.equal(nameOf(s, "u2", ALICE), "bob")
  assert.equal(nameOf(s, "u1", ALICE), "alice")
  assert.equal(nameOf(s, "u3", ALICE), "Opponent")
})

test("a rematch offer is kept until it is declined or a game starts; the offerer hears a decline", () => {
  const apply = room()
  const s = apply(joinedWithGame(apply), { type: "game_ended", gameId: "g1", winner: "u1", result: "resign", timeWhite: 300, timeBlack: 300 }).state
  const offered = apply(s, { type: "rematch_offered", byUserId: "u2", whitePlayerId: "u2", blackPlayerId: "u1" })
  assert.equal(offered.state.rematch.byUserId, "u2")
  assert.deepEqual(offered.effects, [{ do: "toast", text: "Bob offers a rematch." }])
  const mine = apply(s, { type: "rematch_offered", byUserId: "u1", whitePlayerId: "u2", blackPlayerId: "u1" }).state
  const declined = apply(mine, { type: "rematch_declined", byUserId: "u2" })
  assert.equal(declined.state.rematch, null)
  assert.deepEqual(declined.effects, [{ do: "toast", text: "Bob declined the rematch." }])
  assert.equal(apply(offered.state, { type: "game_started", ...game({ gameId: "g2" }) }).state.rematch, null)
  const rejoined = apply(s, { type: "room_joined", hostUserId: "u1", participants: [alice, bob], activeGame: null, rematchOfferBy: "u2" })
  assert.equal(rejoined.state.rematch.byUserId, "u2")
})

test("a takeback request waits for an answer; a declined request and a declined draw are told to the asker", () => {
  const apply = room()
  const s = joinedWithGame(apply, { takebackAllowed: { white: true, black: false } })
  const asked = apply(s, { type: "takeback_requested", gameId: "g1", byUserId: "u1" }).state
  assert.equal(asked.game.takebackRequestBy, "u1")
  assert.deepEqual(asked.game.takebackAllowed, { white: false, black: false })
  const declined = apply(asked, { type: "takeback_declined", gameId: "g1", byUserId: "u2" })
  assert.equal(declined.state.game.takebackRequestBy, null)
  assert.deepEqual(declined.effects, [{ do: "toast", text: "Bob declined your takeback request." }])
  assert.deepEqual(apply(s, { type: "draw_declined", gameId: "g1", byUserId: "u2" }).effects, [{ do: "toast", text: "Bob declined your draw offer." }])
  assert.deepEqual(apply(s, { type: "draw_declined", gameId: "g1", byUserId: "u1" }).effects, [])
})

test("the friend's own signals say they left or switched their mic or camera; the rest goes to the call", () => {
  const apply = room()
  const s = joinedWithGame(apply)
  assert.equal(apply(s, { type: "signal", from: "u2", data: { left: true } }).state.leftUserId, "u2")
  assert.deepEqual(apply(s, { type: "signal", from: "u2", data: { media: { mic: false, camera: true } } }).state.peerMedia, { mic: false, camera: true })
  const sdp = { sid: "x", description: { type: "offer", sdp: "v=0" } }
  assert.deepEqual(apply(s, { type: "signal", from: "u2", data: sdp }).effects, [{ do: "videoSignal", data: sdp }])
  const back = apply({ ...s, leftUserId: "u2", pause: { userId: "u2" } }, { type: "reconnect_state", status: "restored", disconnectedUserId: "u2" })
  assert.equal(back.state.leftUserId, null)
})

const line = (from, text, at) => ({ from, username: from === "u1" ? "alice" : "bob", text, at })

test("room_joined takes the room's chat lines, oldest first, none unread on a first join", () => {
  const apply = room()
  const chat = [line("u2", "hi", 1), line("u1", "hello", 2)]
  const s = apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", participants: [alice, bob], chat }).state
  assert.deepEqual(s.chat, { lines: chat, unread: 0, error: null })
})

test("a chat line from the friend is added, counted unread and heard; my own is not", () => {
  const apply = room()
  let s = apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", participants: [alice, bob], chat: [] }).state
  let out = apply(s, { type: "chat", roomCode: "ABCD2345", ...line("u2", "<b>hi</b>", 5) })
  assert.equal(out.render, true)
  assert.deepEqual(out.effects, [{ do: "chatHeard" }])
  s = out.state
  assert.deepEqual(s.chat.lines, [line("u2", "<b>hi</b>", 5)])
  assert.equal(s.chat.unread, 1)
  out = apply(s, { type: "chat", roomCode: "ABCD2345", ...line("u1", "yes", 6) })
  assert.deepEqual(out.effects, [])
  assert.equal(out.state.chat.unread, 1)
  assert.equal(out.state.chat.lines.length, 2)
  assert.equal(chatRead(out.state).chat.unread, 0)
})

test("a chat line for another room is not shown", () => {
  const apply = room()
  const out = apply(initialState(), { type: "chat", roomCode: "ZZZZ9999", ...line("u2", "hi", 1) })
  assert.equal(out.render, false)
  assert.deepEqual(out.state.chat.lines, [])
})

test("coming back, the friend's lines said while away are unread", () => {
  const apply = room()
  let s = apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", participants: [alice, bob], chat: [line("u2", "hi", 1)] }).state
  const chat = [line("u2", "hi", 1), line("u1", "sent as I dropped", 2), line("u2", "you there?", 3), line("u2", "?", 4)]
  s = apply(s, { type: "room_joined", roomCode: "ABCD2345", participants: [alice, bob], chat }).state
  assert.equal(s.chat.lines.length, 4)
  assert.equal(s.chat.unread, 2)
})

test("a refused chat line is said in the chat, not as a toast, and my next line clears it", () => {
  const apply = room()
  let s = apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", participants: [alice, bob], chat: [] }).state
  const out = apply(s, { type: "error", code: "RATE_LIMITED", retryable: true, context: { roomCode: "ABCD2345", type: "chat" } })
  assert.deepEqual(out.effects, [{ do: "chatRefused" }])
  s = out.state
  assert.equal(s.chat.error, "Slow down a little, then try again.")
  s = apply(s, { type: "chat", roomCode: "ABCD2345", ...line("u1", "ok", 9) }).state
  assert.equal(s.chat.error, null)
})

test("a watcher's watch_state shows the room and its game like room_joined, without any chat", () => {
  const watcher = { userId: "u9", username: "carol" }
  const ctx = { code: "ABCD2345", viewer: watcher, serverNow: () => NOW, tracker: new ReconnectTracker() }
  const out = reduce(initialState(), { type: "watch_state", roomCode: "ABCD2345", hostUserId: "u1", participants: [alice, bob], activeGame: game(), watching: true }, ctx)
  assert.equal(out.render, true)
  assert.equal(out.state.joined, true)
  assert.equal(out.state.game.gameId, "g1")
  assert.deepEqual(out.state.chat.lines, [])
  assert.equal(myColour(out.state, watcher.userId), null, "a watcher plays neither colour")
  const refused = reduce(initialState(), { type: "error", code: "WATCHING_OFF", context: { roomCode: "ABCD2345", type: "watch_room" } }, ctx)
  assert.match(refused.state.fatal, /turned watching off/)
})

test("the watcher count follows the room, and turning watching off clears it", () => {
  const apply = room()
  let s = apply(initialState(), { type: "room_joined", roomCode: "ABCD2345", hostUserId: "u1", participants: [alice, bob], watching: true, watchCode: "WXYZ6789" }).state
  assert.equal(s.watching, true)
  assert.equal(s.watchCode, "WXYZ6789", "the watch link the players may send names the room by its watch code")
  s = apply(s, { type: "watchers", roomCode: "ABCD2345", count: 3 }).state
  assert.equal(s.watchers, 3)
  s = apply(s, { type: "watching_changed", roomCode: "ABCD2345", allowed: false }).state
  assert.deepEqual([s.watching, s.watchers], [false, 0])
  s = apply(s, { type: "room_joined", roomCode: "ABCD2345", hostUserId: "u1", participants: [alice, bob], watching: false }).state
  assert.equal(s.watching, false, "a rejoin keeps the host's choice")
  s = apply(s, { type: "watching_changed", roomCode: "ABCD2345", allowed: true }).state
  assert.equal(s.watching, true)
})
