// Pieces shared by the pages over finished games.
import { REASONS } from "../protocol.js"

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

/** A readable line for "this endpoint is not there (yet)". */
export function unavailable(e, what) {
  // Starlette's own 404 (no such route) says "Not Found"; the API's say what is missing.
  return e?.status === 404 && e.message === "Not Found" ? `${what} is not available on this server yet.` : e.message
}

/** Moves as players count them: a move is one by each side (4 plies are 2 moves). */
export function moveCount(g) {
  const plies = g.total_moves ?? g.move_list_san?.length ?? 0
  return Math.ceil(plies / 2)
}
