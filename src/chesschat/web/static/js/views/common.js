// Pieces shared by the pages over finished games.
import { plainError } from "../api.js"
import { REASONS } from "../protocol.js"

/** How each game ended, precisely (as a PGN's Termination says it, where it has a word). */
const ENDINGS = {
  checkmate: "checkmate",
  resign: "resignation",
  timeout: "time forfeit",
  stalemate: "stalemate",
  draw: "draw",
  draw_agreed: "draw by agreement",
  forfeit_disconnect: "abandoned: a player left and did not come back",
  room_expired: "abandoned: the room expired",
  insufficient_material: "insufficient material",
  threefold_repetition: "threefold repetition",
  fivefold_repetition: "fivefold repetition",
  fifty_moves: "the fifty-move rule",
  seventyfive_moves: "the seventy-five-move rule",
  timeout_vs_insufficient_material: "time forfeit, drawn for lack of mating material",
  aborted: "aborted before both sides had moved",
}

export function gameId(g) {
  return g.game_id ?? g.gameId ?? g.id
}

/** "Win", "Loss", "Draw" (or "Aborted") from the viewer's side. */
export function verdict(g, userId) {
  if (g.result === "aborted") return "Aborted"
  if (g.winner === "draw" || g.winner == null) return "Draw"
  return g.winner === userId ? "Win" : "Loss"
}

export function opponentName(g, userId) {
  const white = g.white_player_id === userId
  return (white ? g.black_username : g.white_username) || (white ? g.black_player_id : g.white_player_id) || "?"
}

export function colourOf(g, userId) {
  return g.white_player_id === userId ? "white" : "black"
}

export function reasonText(result) {
  return REASONS[result] || result || ""
}

export function when(iso) {
  if (!iso) return ""
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
}

export function endingText(result) {
  return ENDINGS[result] || REASONS[result] || result || ""
}

/** "won by checkmate", "lost on time", "drawn by agreement", "aborted". */
export function outcomeText(g, userId) {
  const v = verdict(g, userId)
  if (v === "Aborted") return "aborted"
  return `${{ Win: "won", Loss: "lost", Draw: "drawn" }[v]} ${reasonText(g.result)}`
}

/** A game as a link's accessible name: "Replay: you vs bob, won by checkmate, Dec 3, 2:05 PM". */
export function gameName(g, userId, verb = "Replay") {
  const at = new Date(g.ended_at || g.started_at)
  const day = Number.isNaN(at.getTime())
    ? ""
    : `, ${at.toLocaleString(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" })}`
  return `${verb}: you vs ${opponentName(g, userId)}, ${outcomeText(g, userId)}${day}`
}

/** Makes names unique within one list: a repeated name gets " (2)", " (3)"… */
export function distinctNames() {
  const seen = new Map()
  return (name) => {
    const n = (seen.get(name) || 0) + 1
    seen.set(name, n)
    return n === 1 ? name : `${name} (${n})`
  }
}

/** The room code in what a person typed or pasted: a link to the room, lower case, spaces, dashes. */
export function roomCodeFrom(text) {
  const link = String(text).match(/\/room\/([^/?#]+)/i)
  const code = (link ? decodeURIComponent(link[1]) : String(text)).replace(/[\s-]+/g, "").toUpperCase()
  return /^[A-Z0-9]{8}$/.test(code) ? code : null
}

/** A readable line for a page that could not load: "not there (yet)", else the error in words. */
export function unavailable(e, what, inWords = {}) {
  // Starlette's own 404 (no such route) says "Not Found"; the API's say what is missing.
  return e?.status === 404 && e.message === "Not Found" ? `${what} is not available on this server yet.` : plainError(e, inWords)
}

/** Moves as players count them: a move is one by each side (4 plies are 2 moves). */
export function moveCount(g) {
  const plies = g.total_moves ?? g.move_list_san?.length ?? 0
  return Math.ceil(plies / 2)
}
