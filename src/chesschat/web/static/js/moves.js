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

const FILES = "abcdefgh"
const KNIGHT = [[1, 2], [2, 1], [2, -1], [1, -2], [-1, -2], [-2, -1], [-2, 1], [-1, 2]]
const KING = [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]]
const ROOK = [[1, 0], [0, 1], [-1, 0], [0, -1]]
const BISHOP = [[1, 1], [-1, 1], [-1, -1], [1, -1]]

/** A FEN's pieces by square: {e1: "K", e8: "k", …}. */
function placement(fen) {
  const pieces = {}
  normalizeFen(fen)
    .split(" ")[0]
    .split("/")
    .forEach((row, r) => {
      let file = 0
      for (const ch of row) {
        if (/\d/.test(ch)) file += Number(ch)
        else pieces[FILES[file++] + String(8 - r)] = ch
      }
    })
  return pieces
}

const at = (file, rank) => (file >= 0 && file < 8 && rank >= 1 && rank <= 8 ? FILES[file] + rank : null)

/** Whether the piece on `from` attacks `to` (pawns diagonally), given what stands between. */
function attacks(pieces, from, to) {
  const piece = pieces[from].toUpperCase()
  const df = FILES.indexOf(to[0]) - FILES.indexOf(from[0])
  const dr = Number(to[1]) - Number(from[1])
  if (piece === "P") return Math.abs(df) === 1 && dr === (pieces[from] === "P" ? 1 : -1)
  if (piece === "N") return KNIGHT.some(([f, r]) => f === df && r === dr)
  if (piece === "K") return KING.some(([f, r]) => f === df && r === dr)
  const straight = df === 0 || dr === 0
  const diagonal = Math.abs(df) === Math.abs(dr)
  if (!(df || dr) || !((piece !== "B" && straight) || (piece !== "R" && diagonal))) return false
  const [sf, sr] = [Math.sign(df), Math.sign(dr)]
  for (let i = 1; i < Math.max(Math.abs(df), Math.abs(dr)); i++) {
    if (pieces[at(FILES.indexOf(from[0]) + i * sf, Number(from[1]) + i * sr)]) return false
  }
  return true
}

function kingInCheck(pieces, white) {
  const king = Object.keys(pieces).find((sq) => pieces[sq] === (white ? "K" : "k"))
  if (!king) return false
  return Object.keys(pieces).some((sq) => (pieces[sq] === pieces[sq].toLowerCase()) === white && attacks(pieces, sq, king))
}

/**
 * The squares a SAN move goes from and to in `fen` ({from, to}), or null when it is not
 * a move of the side to move there.
 */
export function sanSquares(fen, san) {
  const pieces = placement(fen)
  const white = turnOf(fen) === "white"
  const text = String(san).replace(/[+#!?]+$/, "")
  const castle = { "O-O": "g", "O-O-O": "c" }[text.replace(/0/g, "O")]
  if (castle) return { from: `e${white ? 1 : 8}`, to: `${castle}${white ? 1 : 8}` }
  const m = text.match(/^([KQRBN])?([a-h])?([1-8])?(x)?([a-h][1-8])(=?[QRBN])?$/)
  if (!m) return null
  const [, letter = "P", file, rank, capture, to] = m
  const own = white ? letter : letter.toLowerCase()
  const reaches = (from) => {
    if (letter !== "P" || capture) return attacks(pieces, from, to)
    const step = white ? 1 : -1
    const ahead = at(FILES.indexOf(from[0]), Number(from[1]) + step)
    if (from[0] !== to[0] || pieces[to] || !ahead) return false
    if (ahead === to) return true
    const home = Number(from[1]) === (white ? 2 : 7)
    return home && !pieces[ahead] && at(FILES.indexOf(from[0]), Number(from[1]) + 2 * step) === to
  }
  const legal = (from) => {
    const after = { ...pieces, [to]: pieces[from] }
    delete after[from]
    return !kingInCheck(after, white)
  }
  const origins = Object.keys(pieces).filter(
    (sq) => pieces[sq] === own && (!file || sq[0] === file) && (!rank || sq[1] === rank) && reaches(sq),
  )
  const from = origins.length > 1 ? origins.find(legal) : origins[0]
  return from ? { from, to } : null
}
