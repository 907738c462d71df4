// What the room reads out, from its state: the status line, the result, the player bars,
// the clocks, the reconnect countdown and the connection badge. No DOM.
import { formatClock, isLowTime, remainingAt, secondsUntil } from "../../clock.js"
import { REASONS } from "../../protocol.js"
import { bothHere, firstMoveDeadline, isHost, myColour, nameOf, opponentId, person } from "./state.js"

/** The line under the board's side panel, and whose turn it says (`mine`, `theirs` or ""). */
export function statusLine(s, viewer) {
  const me = viewer.userId
  const g = s.game
  const mine = myColour(s, me)
  const name = (id) => nameOf(s, id, viewer)
  let text
  if (!s.joined) text = "Joining the room…"
  else if (s.ended) text = endLine(s, s.ended, viewer)
  else if (s.closed) text = closedNote(s, viewer).text
  else if (g && s.pause && s.pause.userId === me) text = "You were disconnected — the game is paused."
  else if (g && s.pause) text = `${name(s.pause.userId)} ${s.leftUserId === s.pause.userId ? "left the room" : "lost connection"} — the game is paused.`
  else if (g) text = g.turn === mine ? "Your move" : `${name(g.turn === "white" ? g.whitePlayerId : g.blackPlayerId)} to move`
  else if (s.participants.length < 2) text = "Waiting for your friend — send them the link."
  else if (!bothHere(s)) text = "Waiting for your friend to reconnect…"
  else text = isHost(s, me) ? "Choose the time control and start the game." : `Waiting for ${name(s.hostUserId)} to start the game.`
  return { text, turn: g && !s.ended ? (g.turn === mine ? "mine" : "theirs") : "" }
}

/** What the watcher reads under the board, from the room's state. */
export function watchLine(s, viewer) {
  if (!s.joined) return "Opening the game…"
  if (!s.watching) return "The players have turned watching off."
  if (s.closed) return "This room has closed."
  if (s.ended) return endLine(s, s.ended, viewer)
  if (s.game) return statusLine(s, viewer).text
  if (s.participants.length < 2) return `Waiting for ${nameOf(s, s.hostUserId, viewer)}'s friend to join.`
  return `Waiting for ${nameOf(s, s.hostUserId, viewer)} to start the game.`
}

/** "alice vs bob" for the page's heading (white first once a game has started). */
export function matchTitle(s, viewer) {
  const ids = s.game ? [s.game.whitePlayerId, s.game.blackPlayerId] : s.participants.map((p) => p.userId)
  return ids.length ? ids.map((id) => nameOf(s, id, viewer)).join(" vs ") : "A friends' game"
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
  return `They have ${secondsUntil(s.pause.graceEndsAt, nowMs)} s to come back before forfeiting.`
}

/** The first-move countdown while neither clock runs yet, or null. */
export function firstMoveText(s, viewer, nowMs) {
  const deadline = firstMoveDeadline(s)
  if (!deadline) return null
  const left = secondsUntil(deadline, nowMs)
  const g = s.game
  if (g.turn === myColour(s, viewer.userId)) return `Make your first move: ${left} s left, or the game is aborted.`
  return `${nameOf(s, g.turn === "white" ? g.whitePlayerId : g.blackPlayerId, viewer)} has ${left} s for their first move.`
}

/** What the friend's video tile says over the picture, or "" when it has nothing to say. */
export function peerNote(s, viewer) {
  const them = opponentId(s, viewer.userId)
  if (!them) return ""
  if (s.leftUserId === them || (s.closed && !person(s, them)?.connected)) return "left the room"
  if (s.pause?.userId === them || (s.joined && !person(s, them)?.connected)) return "reconnecting"
  const notes = [!s.peerMedia.camera && "camera off", !s.peerMedia.mic && "muted"].filter(Boolean)
  return notes.join(" · ")
}

/** The note once the room has closed around this page: `{text}`, or null while it is open. */
export function closedNote(s, viewer) {
  if (!s.closed) return null
  const them = opponentId(s, viewer.userId)
  const name = them ? nameOf(s, them, viewer) : "Your friend"
  const reason = s.closed.reason
  const text =
    reason === "reconnect_expired"
      ? `${name} didn't come back.`
      : reason === "left"
        ? `${name} left the room.`
        : reason === "expired"
          ? "This room has expired."
          : "This room has closed."
  return { text, opponentName: them ? nameOf(s, them, viewer) : null }
}

/** The badge for the socket's status. */
export function connectionLabel(status) {
  return status === "open" ? "● online" : status === "reconnecting" ? "● reconnecting" : "● connecting"
}
