// What each server frame does to a room's state. No DOM: `reduce` returns the next state
// and the effects (toasts, sounds, the board, the result dialog, video) the view carries
// out in order before it redraws.
import { clockSnapshot, freeze } from "../../clock.js"
import { normalizeFen } from "../../moves.js"
import { CLIENT, SERVER, errorText } from "../../protocol.js"
import { pauseFromFrame } from "../../reconnect.js"
import { soundFor } from "../../sounds.js"

// Refusals that mean this page cannot be in the room at all (while it is still joining).
const JOIN_FATAL = new Set([
  "ROOM_NOT_FOUND",
  "ROOM_FULL",
  "ROOM_TERMINATED",
  "INVALID_ROOM_CODE",
  "RECONNECT_WINDOW_EXPIRED",
  "WATCHING_OFF",
  "WATCHERS_FULL",
])
// Refusals of a move the board already shows: the board goes back to the server's position.
const REVERT_ON = new Set(["ILLEGAL_MOVE", "NOT_YOUR_TURN", "GAME_PAUSED", "NO_ACTIVE_GAME"])

export function initialState() {
  return {
    joined: false,
    hostUserId: null,
    participants: [],
    game: null, // the current or last game
    clock: null,
    pause: null,
    ended: null, // game_ended frame of the last game
    fatal: null,
    closed: null, // room_closed after this page was in the room: {reason}
    flipped: false,
    lastSettings: null,
    rematch: null, // the open rematch offer: {byUserId, whitePlayerId, blackPlayerId}
    leftUserId: null, // the friend who left the room on purpose (not a dropped network)
    peerMedia: { mic: true, camera: true }, // the friend's own mic and camera switches
    chat: { lines: [], unread: 0, error: null }, // lines: {from, username, text, at}, oldest first
    watchers: 0, // how many follow the game through the watch link
    watching: true, // whether the host lets them
    watchCode: null, // the code of the room's watch link (never the room's own)
  }
}

// ---- what the state says ----------------------------------------------------------------
// `viewer` is the person looking at the room: `{userId, username}`.

export const person = (s, id) => s.participants.find((p) => p.userId === id)

export function nameOf(s, id, viewer) {
  const p = person(s, id)
  return p ? p.displayName || p.username : id === viewer.userId ? viewer.username : "Opponent"
}

export const opponentId = (s, me) => s.participants.find((p) => p.userId !== me)?.userId ?? null

export const myColour = (s, me) =>
  !s.game ? null : s.game.whitePlayerId === me ? "white" : s.game.blackPlayerId === me ? "black" : null

export const isLive = (s) => Boolean(s.game && !s.ended)

export const isHost = (s, me) => s.hostUserId === me

export const bothHere = (s) => s.participants.length === 2 && s.participants.every((p) => p.connected)

/** The game's first-move deadline (epoch ms) while it is running, or null. */
export const firstMoveDeadline = (s) => (isLive(s) && !s.pause ? s.game.firstMoveDeadlineMs || null : null)

/** How the board marks game `g`'s position: its last move, and the side in check (or null). */
export function boardMarks(g) {
  const lastMove = g.moves.length ? g.moves[g.moves.length - 1] : null
  const lastSan = g.moveSans.length ? g.moveSans[g.moveSans.length - 1] : ""
  const inCheck = g.isCheck ?? /[+#]$/.test(lastSan)
  return { lastMove, check: inCheck ? g.turn : null }
}

/** The chat with no line unread: the person is looking at it (or has muted it). */
export const chatRead = (s) => ({ ...s, chat: { ...s.chat, unread: 0 } })

const chatLine = ({ from, username, text, at }) => ({ from, username, text, at })

/** The pause while the opponent is away during a game, or null. */
export const opponentAway = (s, me) => (isLive(s) && s.pause && s.pause.userId !== me ? s.pause : null)

// ---- frames -------------------------------------------------------------------------------

/**
 * The room after server frame `f`: `{state, effects, render}`. `render` is false when the
 * frame is not for this view (another room, stale, unknown) or leads away from it.
 * `tracker` (a ReconnectTracker) remembers the newest reconnectVersion across calls;
 * `serverNow()` is the server's clock in epoch ms.
 *
 * Effects, each `{do, ...}`: `toast` {text, kind?}, `closeEndDialog`, `showGame` {gameId,
 * sound} (a position from the server), `orient`, `endGame` {ended}, `revertBoard`,
 * `videoReady` {frame}, `videoUnavailable` {reason}, `videoSignal` {data}, `videoClose`,
 * `navigate` {path}, `chatHeard` (a line from the friend), `chatRefused` (a line of mine).
 */
export function reduce(s, f, { code, viewer, serverNow, tracker }) {
  const ignored = { state: s, effects: [], render: false }
  if (f.roomCode && f.roomCode !== code && f.type !== SERVER.ERROR) return ignored
  const me = viewer.userId
  const effects = []
  const toast = (text, kind) => effects.push(kind ? { do: "toast", text, kind } : { do: "toast", text })
  let next = s
  switch (f.type) {
    case SERVER.ROOM_JOINED:
    case SERVER.WATCH_STATE: {
      // A watcher's view of the room is the players' one without their chat.
      if (!tracker.accept(f)) return ignored
      next = { ...s, joined: true, fatal: null, hostUserId: f.hostUserId ?? s.hostUserId, participants: f.participants || [] }
      if (typeof f.watching === "boolean") next = { ...next, watching: f.watching }
      if (typeof f.watchCode === "string") next = { ...next, watchCode: f.watchCode }
      if (Array.isArray(f.chat)) {
        // Back in the room: the friend's lines said since the last one this page has are new.
        const lines = f.chat.map(chatLine)
        const lastAt = s.chat.lines.at(-1)?.at ?? -Infinity
        const missed = s.joined ? lines.filter((l) => l.at > lastAt && l.from !== me).length : 0
        next = { ...next, chat: { ...s.chat, lines, unread: s.chat.unread + missed } }
      }
      if ("rematchOfferBy" in f) next = { ...next, rematch: f.rematchOfferBy ? { ...s.rematch, byUserId: f.rematchOfferBy } : null }
      const active = f.activeGame
      if (active) {
        next = { ...next, ended: null }
        effects.push({ do: "closeEndDialog" })
        next = withGame(next, active, null, effects)
        const pause =
          active.disconnectedUserId && active.disconnectDeadlineMs
            ? { userId: active.disconnectedUserId, graceEndsAt: active.disconnectDeadlineMs }
            : null
        next = { ...next, pause }
        if (pause || active.paused) next = { ...next, clock: { ...next.clock, running: false } }
      } else if (isLive(next) && f.lastGame?.gameId === next.game.gameId) {
        // The game ended while this page could not hear it (its server's link to Redis
        // was cut), and the server has resent the room: show how the game ended.
        next = endGame(next, { type: SERVER.GAME_ENDED, ...f.lastGame, pgn: null }, next.game, serverNow, effects)
      }
      break
    }
    case SERVER.PARTICIPANT_JOINED:
    case SERVER.PARTICIPANT_LEFT: {
      const known = Boolean(person(s, f.userId))
      next = { ...s, participants: f.participants || s.participants }
      const fresh = f.type === SERVER.PARTICIPANT_JOINED && !known // a rejoin says "is back" later
      if (fresh && f.userId !== me && next.joined) toast(`${nameOf(next, f.userId, viewer)} joined.`)
      if (f.type === SERVER.PARTICIPANT_JOINED && f.userId !== me) next = { ...next, leftUserId: null }
      if (f.type === SERVER.PARTICIPANT_LEFT) next = { ...next, rematch: null }
      break
    }
    case SERVER.RECONNECT_STATE: {
      if (!tracker.accept(f)) return ignored
      next = { ...s, pause: pauseFromFrame(f) }
      if (next.pause && next.clock) next = { ...next, clock: freeze(next.clock, serverNow()) }
      if (!next.pause && f.disconnectedUserId && f.disconnectedUserId !== me) {
        toast(`${nameOf(next, f.disconnectedUserId, viewer)} is back.`)
        next = { ...next, leftUserId: null }
      }
      break
    }
    case SERVER.GAME_STARTED:
      next = { ...s, ended: null, pause: null, flipped: false, rematch: null }
      effects.push({ do: "closeEndDialog" })
      next = withGame(next, f, "start", effects)
      effects.push({ do: "orient" })
      break
    case SERVER.MOVE_MADE:
      next = withGame(s, f, soundFor(f), effects)
      break
    case SERVER.TAKEBACK_APPLIED:
      next = withGame(s, { ...f, isCheck: false }, null, effects)
      toast(f.byUserId === me ? "Your move was taken back." : `${nameOf(next, f.byUserId, viewer)} took back a move.`)
      break
    case SERVER.DRAW_OFFER_PENDING:
    case SERVER.DRAW_OFFER_STATE:
      if (s.game) next = { ...s, game: { ...s.game, drawOffer: f.drawOffer } }
      break
    case SERVER.DRAW_ACCEPTED:
      toast("Draw agreed.")
      break
    case SERVER.DRAW_DECLINED:
      if (f.byUserId !== me) toast(`${nameOf(s, f.byUserId, viewer)} declined your draw offer.`)
      break
    case SERVER.TAKEBACK_REQUESTED:
      if (s.game) next = { ...s, game: { ...s.game, takebackRequestBy: f.byUserId, takebackAllowed: { white: false, black: false } } }
      break
    case SERVER.TAKEBACK_DECLINED:
      if (s.game) next = { ...s, game: { ...s.game, takebackRequestBy: null } }
      if (f.byUserId !== me) toast(`${nameOf(s, f.byUserId, viewer)} declined your takeback request.`)
      break
    case SERVER.REMATCH_OFFERED:
      next = { ...s, rematch: { byUserId: f.byUserId, whitePlayerId: f.whitePlayerId, blackPlayerId: f.blackPlayerId } }
      if (f.byUserId !== me) toast(`${nameOf(s, f.byUserId, viewer)} offers a rematch.`)
      break
    case SERVER.REMATCH_DECLINED:
      next = { ...s, rematch: null }
      if (f.byUserId !== me) toast(`${nameOf(s, f.byUserId, viewer)} declined the rematch.`)
      break
    case SERVER.GAME_ENDED:
      if (!tracker.accept(f)) return ignored
      next = endGame(s, f, f, serverNow, effects)
      break
    case SERVER.VIDEO_READY:
      if (f.provider && !["webrtc", "chime"].includes(f.provider)) effects.push({ do: "videoUnavailable", reason: "This server's video provider is not supported by this page." })
      else effects.push({ do: "videoReady", frame: f })
      break
    case SERVER.VIDEO_UNAVAILABLE:
      effects.push({ do: "videoUnavailable", reason: f.reason })
      break
    case SERVER.SIGNAL:
      // The friend's own words about their side of the call, beside WebRTC's signalling.
      if (f.data?.left) next = { ...s, leftUserId: f.from || opponentId(s, me) }
      else if (f.data?.media) next = { ...s, peerMedia: { mic: f.data.media.mic !== false, camera: f.data.media.camera !== false } }
      else effects.push({ do: "videoSignal", data: f.data })
      break
    case SERVER.CHAT: {
      const mine = f.from === me
      const lines = [...s.chat.lines, chatLine(f)].slice(-100)
      next = { ...s, chat: { lines, unread: s.chat.unread + (mine ? 0 : 1), error: mine ? null : s.chat.error } }
      if (!mine) effects.push({ do: "chatHeard" })
      break
    }
    case SERVER.WATCHERS:
      next = { ...s, watchers: f.count }
      break
    case SERVER.WATCHING_CHANGED:
      next = { ...s, watching: f.allowed, watchers: f.allowed ? s.watchers : 0 }
      break
    case SERVER.ROOM_CLOSED:
      // Before this page was in the room it cannot show it; after, the room (and the game's
      // end) stays on the screen with a note that it has closed.
      if (s.joined) next = { ...s, closed: { reason: f.reason ?? null }, rematch: null, pause: null }
      else next = { ...s, fatal: "This room has closed. Open a new one from the lobby." }
      effects.push({ do: "videoClose" })
      break
    case SERVER.ROOM_LEFT:
      return { state: s, effects: [{ do: "navigate", path: "/" }], render: false }
    case SERVER.ERROR: {
      const ctxRoom = f.context?.roomCode
      if (ctxRoom && ctxRoom !== code) break
      if (!s.joined && JOIN_FATAL.has(f.code)) {
        next = { ...s, fatal: errorText(f) }
        break
      }
      if (f.context?.type === CLIENT.CHAT) {
        // Said in the chat panel, where the line was typed.
        next = { ...s, chat: { ...s.chat, error: errorText(f) } }
        effects.push({ do: "chatRefused" })
        break
      }
      if (REVERT_ON.has(f.code)) effects.push({ do: "revertBoard" })
      effects.push({ do: "toast", text: errorText(f), kind: f.retryable ? "info" : "error", code: f.code })
      break
    }
    default:
      return ignored
  }
  return { state: next, effects, render: true }
}

/** Takes in a game frame (or activeGame); a frame of the same game keeps what it omits. */
function withGame(s, g, sound, effects) {
  const previous = s.game
  const game = {
    ...(previous && previous.gameId === g.gameId ? previous : {}),
    ...g,
    fen: normalizeFen(g.fen),
    moveSans: g.moveSans ?? previous?.moveSans ?? [],
    moves: g.moves ?? previous?.moves ?? [],
  }
  effects.push({ do: "showGame", gameId: g.gameId, sound })
  return {
    ...s,
    game,
    lastSettings: g.settings ? g.settings : s.lastSettings,
    clock: clockSnapshot(g, { running: !s.ended }),
  }
}

/** `f` says how the game ended; `clocks` has the final `timeWhite` and `timeBlack` (seconds). */
function endGame(s, f, clocks, serverNow, effects) {
  const { timeWhite, timeBlack } = clocks
  let next = { ...s, ended: f, pause: null }
  if (s.game) {
    const game = { ...s.game, legalMoves: [], drawOffer: null }
    next = { ...next, game, clock: clockSnapshot({ ...game, timeWhite, timeBlack, serverTimestampMs: serverNow() }, { running: false }) }
  }
  effects.push({ do: "endGame", ended: f })
  return next
}
