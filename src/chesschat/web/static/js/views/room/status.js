// What the room reads out, from its state: the status line, the result, the player bars,
// the clocks, the reconnect countdown and the connection badge. No DOM.
import { formatClock, isLowTime, remainingAt, secondsUntil } from "../../clock.js"
import { REASONS } from "../../protocol.js"
import { bothHere, isHost, myColour, nameOf, person } from "./state.js"

/** The line under the board's side panel, and whose turn it says (`mine`, `theirs` or ""). */
export function statusLine(s, viewer) {
  const me = viewer.userId
  const g = s.game
  const mine = myColour(s, me)
  const name = (id) => nameOf(s, id, viewer)
  let text
  if (!s.joined) text = "Joining the room…"
  else if (s.ended) text = endLine(s, s.ended, viewer)
  else if (g && s.pause) text = s.pause.userId === me ? "You were disconnected — the game is paused." : `${name(s.pause.userId)} lost connection — the game is paused.`
  else if (g) text = g.turn === mine ? "Your move" : `${name(g.turn === "white" ? g.whitePlayerId : g.blackPlayerId)} to move`
  else if (s.participants.length < 2) text = "Waiting for your friend — send them the link."
  else if (!bothHere(s)) text = "Waiting for your friend to reconnect…"
  else text = isHost(s, me) ? "Choose the time control and start the game." : `Waiting for ${name(s.hostUserId)} to start the game.`
  return { text, turn: g && !s.ended ? (g.turn === mine ? "mine" : "theirs") : "" }
}

/** How game_ended frame `f` reads to the viewer. */
export function endLine(s, f, viewer) {
  const reason = REASONS[f.result] || f.result
  if (f.result === "aborted") return "Game aborted."
  if (f.winner === "draw") return `Draw ${reason}.`
  return f.winner === viewer.userId ? `You won ${reason}!` : `${nameOf(s, f.winner, viewer)} won ${reason}.`
}

/** A player bar's words for `userId` (null: the seat is empty). */
export function seat(s, userId, viewer) {
  const p = userId ? person(s, userId) : null
  return {
    name: userId ? nameOf(s, userId, viewer) + (userId === viewer.userId ? " (you)" : "") : "Waiting for a friend…",
    connected: Boolean(p?.connected),
    note: s.game?.drawOffer?.offered_by_user_id === userId && userId ? "offers a draw" : "",
  }
}

/** `colour`'s clock at server time `nowMs`, or null before there is a game. */
export function clockFace(s, colour, nowMs) {
  if (!s.clock || !s.game) return null
  const left = remainingAt(s.clock, colour, nowMs)
  const initial = colour === "white" ? s.game.settings?.initial_time_white : s.game.settings?.initial_time_black
  return {
    text: formatClock(left),
    running: s.clock.running && s.clock.turn === colour && !s.ended && !s.pause,
    low: isLowTime(left, initial) && !s.ended,
    flagged: left <= 0,
  }
}

/** The countdown while the opponent is away, or null. */
export function graceText(s, me, nowMs) {
  if (!s.pause?.graceEndsAt || s.pause.userId === me) return null
  return `They have ${formatClock(secondsUntil(s.pause.graceEndsAt, nowMs))} to come back before forfeiting.`
}

/** The badge for the socket's status. */
export function connectionLabel(status) {
  return status === "open" ? "● online" : status === "reconnecting" ? "● reconnecting" : "● connecting"
}
