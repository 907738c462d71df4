// Local move checks against the server's legalMoves (UCI, side to move). Instant feedback
// only: the server decides.

export const START_FEN = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"

/** The original server sends "start" for the initial position. */
export function normalizeFen(fen) {
  return !fen || fen === "start" ? START_FEN : fen
}

export function parseUci(uci) {
  return { from: uci.slice(0, 2), to: uci.slice(2, 4), promotion: uci.slice(4, 5) || null }
}

/** Squares the piece on `from` may go to. */
export function targetsFrom(legalMoves, from) {
  const out = new Set()
  for (const m of legalMoves || []) if (m.startsWith(from)) out.add(m.slice(2, 4))
  return [...out]
}

/**
 * Check from→to: `{ok: false}`, or `{ok: true, uci, promotion}` where `promotion` says the
 * player must pick a piece (then send `withPromotion(uci, piece)`).
 */
export function checkMove(legalMoves, from, to) {
  const matches = (legalMoves || []).filter((m) => m.slice(0, 4) === from + to)
  if (matches.length === 0) return { ok: false }
  const promotion = matches.some((m) => m.length === 5)
  return { ok: true, uci: from + to, promotion }
}

/** Add the chosen piece (q, r, b, n; any case, or a piece code like "wq"). */
export function withPromotion(uci, piece) {
  const letter = String(piece).slice(-1).toLowerCase()
  if (!"qrbn".includes(letter) || letter === "") throw new Error(`bad promotion piece ${piece}`)
  return uci.slice(0, 4) + letter
}

/** The square of `colour`'s king in `fen` (for the check highlight), or null. */
export function kingSquare(fen, colour) {
  const king = colour === "white" ? "K" : "k"
  const rows = normalizeFen(fen).split(" ")[0].split("/")
  for (let r = 0; r < rows.length; r++) {
    let file = 0
    for (const ch of rows[r]) {
      if (/\d/.test(ch)) {
        file += Number(ch)
        continue
      }
      if (ch === king) return "abcdefgh"[file] + String(8 - r)
      file++
    }
  }
  return null
}

/** "white" or "black" from a FEN's side-to-move field. */
export function turnOf(fen) {
  return normalizeFen(fen).split(" ")[1] === "b" ? "black" : "white"
}

/** SAN list → rows of [moveNumber, white, black]. */
export function moveRows(sans) {
  const rows = []
  for (let i = 0; i < (sans || []).length; i += 2) rows.push([i / 2 + 1, sans[i], sans[i + 1] ?? ""])
  return rows
}
