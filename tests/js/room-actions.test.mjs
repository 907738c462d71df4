import { test } from "node:test"
import assert from "node:assert/strict"
import { initialState } from "../../src/chesschat/web/static/js/views/room/state.js"
import {
  canStartGame,
  drawOfferFromOpponent,
  gameControls,
  startDefaults,
  startSettings,
  typedMoveIsIllegal,
} from "../../src/chesschat/web/static/js/views/room/actions.js"

const alice = { userId: "u1", connected: true }
const bob = { userId: "u2", connected: true }

const playing = (game = {}, fields = {}) => ({
  ...initialState(),
  joined: true,
  hostUserId: "u1",
  participants: [alice, bob],
  game: { gameId: "g1", turn: "white", whitePlayerId: "u1", blackPlayerId: "u2", moves: [], settings: {}, ...game },
  ...fields,
})
const actions = (s, me = "u1") => gameControls(s, me).map((c) => c.action)

test("a player may abort until both sides have moved, then resign", () => {
  assert.deepEqual(actions(playing()), ["flip", "abort", "offer-draw", "resign"])
  assert.deepEqual(actions(playing({ moves: ["e2e4"] })), ["flip", "abort", "offer-draw", "resign"])
  assert.deepEqual(actions(playing({ moves: ["e2e4", "e7e5"] })), ["flip", "offer-draw", "resign"])
  assert.deepEqual(actions(playing({ moves: [], ply: 2 })), ["flip", "offer-draw", "resign"], "the server's ply wins over the list")
})

test("an offer of one's own can be cancelled; while the opponent's is pending there is no second", () => {
  assert.deepEqual(actions(playing({ drawOffer: { offered_by_user_id: "u1" } })), ["flip", "abort", "cancel-draw", "resign"])
  assert.deepEqual(actions(playing({ drawOffer: { offered_by_user_id: "u2" } })), ["flip", "abort", "resign"])
})

test("takebacks show how many are left and run out", () => {
  const settings = { allow_takebacks: true, takebacks_white_max: 2, takebacks_black_max: 1 }
  const white = gameControls(playing({ moves: ["e2e4", "e7e5"], settings, takebacksWhiteUsed: 1, takebacksBlackUsed: 1 }), "u1")
  assert.deepEqual(white[2], { action: "takeback", disabled: false, left: 1 })
  const black = gameControls(playing({ moves: ["e2e4", "e7e5"], settings, takebacksWhiteUsed: 1, takebacksBlackUsed: 1 }), "u2")
  assert.deepEqual(black[2], { action: "takeback", disabled: true, left: 0 })
})

test("a paused game disables abort, offering a draw and taking back, but not resigning", () => {
  const settings = { allow_takebacks: true, takebacks_white_max: 2 }
  const controls = gameControls(playing({ settings, takebacksWhiteUsed: 0 }, { pause: { userId: "u2" } }), "u1")
  assert.deepEqual(controls, [
    { action: "flip" },
    { action: "abort", disabled: true },
    { action: "offer-draw", disabled: true },
    { action: "takeback", disabled: true, left: 2 },
    { action: "resign" },
  ])
})

test("a finished game offers its result; someone who does not play only flips", () => {
  assert.deepEqual(actions(playing({}, { ended: { result: "resign" } })), ["flip", "result"])
  assert.deepEqual(actions(playing(), "u3"), ["flip"])
  assert.deepEqual(actions(initialState()), ["flip"])
})

test("the draw banner is for the opponent's offer in a live game only", () => {
  const offer = { offered_by_user_id: "u2" }
  assert.equal(drawOfferFromOpponent(playing({ drawOffer: offer }), "u1"), offer)
  assert.equal(drawOfferFromOpponent(playing({ drawOffer: offer }), "u2"), null)
  assert.equal(drawOfferFromOpponent(playing({ drawOffer: offer }, { ended: { result: "resign" } }), "u1"), null)
})

test("only the host starts a game, with both players here and none under way", () => {
  const between = playing({}, { ended: { result: "resign" } })
  assert.equal(canStartGame(between, "u1"), true)
  assert.equal(canStartGame(between, "u2"), false)
  assert.equal(canStartGame(playing(), "u1"), false)
  assert.equal(canStartGame({ ...between, participants: [alice, { ...bob, connected: false }] }, "u1"), false)
  assert.equal(canStartGame({ ...between, joined: false }, "u1"), false)
})

test("the start form begins with the last game's settings, else five minutes without takebacks", () => {
  const fresh = { minutes: 5, increment: 0, allowTakebacks: false, takebackCount: 1, takebackMode: "unilateral", color: "" }
  assert.deepEqual(startDefaults(null), fresh)
  const last = { initial_time_white: 180, increment_seconds: 2, allow_takebacks: true, takebacks_white_max: 3 }
  assert.deepEqual(startDefaults(last), { ...fresh, minutes: 3, increment: 2, allowTakebacks: true, takebackCount: 3 })
  assert.equal(startDefaults({ ...last, takeback_mode: "consent" }).takebackMode, "consent")
})

test("start settings go out in whole milliseconds, with takebacks only when allowed", () => {
  assert.deepEqual(startSettings({ minutes: "0.03", increment: "", allowTakebacks: false, takebackCount: "4" }), {
    timeWhiteSeconds: 1.8,
    timeBlackSeconds: 1.8,
    incrementSeconds: 0,
    allowTakebacks: false,
    takebacksWhite: 0,
    takebacksBlack: 0,
  })
  const withTakebacks = startSettings({ minutes: "5", increment: "3", allowTakebacks: true, takebackCount: "" })
  assert.equal(withTakebacks.incrementSeconds, 3)
  assert.equal(withTakebacks.takebacksWhite, 1, "an empty count means one")
  assert.equal(startSettings({ minutes: "5", increment: "0", allowTakebacks: true, takebackCount: "0" }).takebacksBlack, 1)
})

test("the start form's colour and takeback mode go out only when chosen", () => {
  const base = { minutes: "5", increment: "0", takebackCount: "1" }
  const off = startSettings({ ...base, allowTakebacks: false, takebackMode: "consent", color: "" })
  assert.equal("takebackMode" in off, false)
  assert.equal("color" in off, false)
  const on = startSettings({ ...base, allowTakebacks: true, takebackMode: "consent", color: "black" })
  assert.equal(on.takebackMode, "consent")
  assert.equal(on.color, "black")
})

test("the takeback button follows takebackAllowed; consent games ask instead of counting", () => {
  const settings = { allow_takebacks: true, takebacks_white_max: 2, takebacks_black_max: 2 }
  const replied = playing({ moves: ["e2e4", "e7e5"], settings, takebacksWhiteUsed: 0, takebackAllowed: { white: false, black: true } })
  assert.deepEqual(gameControls(replied, "u1")[2], { action: "takeback", disabled: true, left: 2 })
  const consent = { ...settings, takeback_mode: "consent" }
  const asking = playing({ moves: ["e2e4"], settings: consent, takebackAllowed: { white: true, black: false } })
  assert.deepEqual(gameControls(asking, "u1")[3], { action: "ask-takeback", disabled: false })
  const asked = playing({ moves: ["e2e4"], settings: consent, takebackRequestBy: "u1", takebackAllowed: { white: false, black: false } })
  assert.deepEqual(gameControls(asked, "u1")[3], { action: "ask-takeback", disabled: true })
})

test("a typed move in coordinates must be legal here; SAN is left to the server", () => {
  const legal = ["e2e4", "g1f3", "a7a8q", "a7a8n"]
  assert.equal(typedMoveIsIllegal("e2e4", legal), false)
  assert.equal(typedMoveIsIllegal("E2E4", legal), false)
  assert.equal(typedMoveIsIllegal("e2e5", legal), true)
  assert.equal(typedMoveIsIllegal("a7a8", legal), false, "a bare promotion means a queen")
  assert.equal(typedMoveIsIllegal("a7a8n", legal), false)
  assert.equal(typedMoveIsIllegal("Nf3", legal), false)
  assert.equal(typedMoveIsIllegal("Qh5", legal), false)
})
