// What the viewer can do in the room right now: the game controls that apply, the start
// form's settings on the wire, and the local check of a typed move. No DOM.
import { bothHere, isHost, isLive, myColour } from "./state.js"

/**
 * The controls panel, in order, each `{action, disabled?, left?}`: `flip` always; while the
 * viewer plays a live game `abort` (before both sides have moved), `cancel-draw` or
 * `offer-draw`, `takeback` (when allowed, with how many are `left`) and `resign`; `result`
 * once a game has ended.
 */
export function gameControls(s, me) {
  const g = s.game
  const mine = myColour(s, me)
  const controls = [{ action: "flip" }]
  if (isLive(s) && mine) {
    const paused = Boolean(s.pause)
    if ((g.ply ?? g.moves.length) < 2) controls.push({ action: "abort", disabled: paused })
    if (g.drawOffer?.offered_by_user_id === me) controls.push({ action: "cancel-draw" })
    else if (!g.drawOffer) controls.push({ action: "offer-draw", disabled: paused })
    const st = g.settings || {}
    if (st.allow_takebacks) {
      // The server says whether a request would be taken now; an older server only counts.
      const allowed = g.takebackAllowed ? g.takebackAllowed[mine] : true
      if (st.takeback_mode === "consent") {
        controls.push({ action: "ask-takeback", disabled: paused || !allowed || Boolean(g.takebackRequestBy) })
      } else {
        const used = mine === "white" ? g.takebacksWhiteUsed : g.takebacksBlackUsed
        const max = mine === "white" ? st.takebacks_white_max : st.takebacks_black_max
        controls.push({ action: "takeback", disabled: paused || used >= max || !allowed, left: Math.max(0, max - used) })
      }
    }
    controls.push({ action: "resign" })
  }
  if (s.ended) controls.push({ action: "result" })
  return controls
}

/** The opponent's pending draw offer in a live game, or null. */
export function drawOfferFromOpponent(s, me) {
  const offer = isLive(s) ? s.game.drawOffer : null
  return offer && offer.offered_by_user_id !== me ? offer : null
}

/** The opponent's unanswered takeback request in a live game, or null (its user id). */
export function takebackRequestFromOpponent(s, me) {
  const by = isLive(s) ? s.game.takebackRequestBy : null
  return by && by !== me ? by : null
}

/** The host may start a game once both players are here and none is on. */
export const canStartGame = (s, me) => s.joined && !isLive(s) && isHost(s, me) && bothHere(s)

/** The start form's first values: the last game's settings, else 5+0 without takebacks. */
export function startDefaults(settings) {
  return {
    minutes: settings ? settings.initial_time_white / 60 : 5,
    increment: settings ? settings.increment_seconds : 0,
    allowTakebacks: Boolean(settings?.allow_takebacks),
    takebackCount: settings?.takebacks_white_max || 1,
    takebackMode: settings?.takeback_mode === "consent" ? "consent" : "unilateral",
    color: "",
  }
}

/** start_game's settings from the form's values (strings from the inputs, a checkbox). */
export function startSettings({ minutes, increment, allowTakebacks, takebackCount, takebackMode, color }) {
  // Whole milliseconds: 0.03 minutes would otherwise go out as 1.7999999999999998 s.
  const seconds = Math.round(Number(minutes) * 60 * 1000) / 1000
  const n = allowTakebacks ? Math.max(1, Number(takebackCount) || 1) : 0
  return {
    timeWhiteSeconds: seconds,
    timeBlackSeconds: seconds,
    incrementSeconds: Number(increment) || 0,
    allowTakebacks,
    takebacksWhite: n,
    takebacksBlack: n,
    ...(allowTakebacks && takebackMode ? { takebackMode } : {}),
    ...(color ? { color } : {}),
  }
}

/**
 * True for a move typed in coordinates that is not among `legalMoves` (a missing
 * promotion piece means a queen). Anything else, SAN included, is the server's to judge.
 */
export function typedMoveIsIllegal(text, legalMoves) {
  const uci = text.toLowerCase()
  return /^[a-h][1-8][a-h][1-8][qrbn]?$/.test(uci) && !legalMoves.some((m) => m === uci || m === `${uci}q`)
}
