// Premoves: one move queued while the opponent is to move, sent as soon as their move
// arrives. Which squares a piece may premove to is its movement alone (the position will
// have changed by then); the server decides whether it is still legal.
import { normalizeFen } from "./moves.js"

const FILES = "abcdefgh"
const KNIGHT = [[1, 2], [2, 1], [2, -1], [1, -2], [-1, -2], [-2, -1], [-2, 1], [-1, 2]]
const KING = [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]]
const LINES = { R: [[1, 0], [0, 1], [-1, 0], [0, -1]], B: [[1, 1], [-1, 1], [-1, -1], [1, -1]] }
LINES.Q = [...LINES.R, ...LINES.B]

const at = (f, r) => (f >= 0 && f < 8 && r >= 1 && r <= 8 ? FILES[f] + r : null)

/** The piece on `square` in `fen` ("P", "n", …), or null. */
export function pieceAt(fen, square) {
  const row = normalizeFen(fen).split(" ")[0].split("/")[8 - Number(square[1])] || ""
  const cells = row.replace(/\d/g, (n) => ".".repeat(Number(n)))
  const ch = cells[FILES.indexOf(square[0])]
  return ch && ch !== "." ? ch : null
}

/** Squares `colour`'s piece on `from` could premove to in `fen` (none for another's piece). */
export function premoveTargets(fen, from, colour) {
  const piece = pieceAt(fen, from)
  if (!piece || (piece === piece.toUpperCase()) !== (colour === "white")) return []
  const kind = piece.toUpperCase()
  const f = FILES.indexOf(from[0])
  const r = Number(from[1])
  const out = []
  const add = (sq) => sq && out.push(sq)
  if (kind === "P") {
    const step = colour === "white" ? 1 : -1
    add(at(f, r + step))
    if (r === (colour === "white" ? 2 : 7)) add(at(f, r + 2 * step))
    add(at(f - 1, r + step))
    add(at(f + 1, r + step))
  } else if (kind === "N" || kind === "K") {
    for (const [df, dr] of kind === "N" ? KNIGHT : KING) add(at(f + df, r + dr))
    const home = colour === "white" ? "e1" : "e8"
    if (kind === "K" && from === home) out.push(`c${r}`, `g${r}`)
  } else {
    for (const [df, dr] of LINES[kind]) for (let i = 1; at(f + i * df, r + i * dr); i++) add(at(f + i * df, r + i * dr))
  }
  return out
}

/** The premove from→to as UCI (a pawn reaching the last rank becomes a queen), or null. */
export function premoveUci(fen, from, to, colour) {
  if (!premoveTargets(fen, from, colour).includes(to)) return null
  const pawn = pieceAt(fen, from).toUpperCase() === "P"
  return from + to + (pawn && (to[1] === "8" || to[1] === "1") ? "q" : "")
}

/**
 * The one queued premove. `queue(uci)` replaces any other; `opponentMoved()` returns the
 * move to send now (and forgets it), or null; `cancel()` drops it; `refused(uci)` says
 * whether a refusal was of the premove just sent (to be dropped quietly).
 */
export class Premove {
  constructor() {
    this.move = null
    this.sent = null
  }

  queue(uci) {
    this.move = uci
  }

  cancel() {
    const had = this.move !== null
    this.move = null
    return had
  }

  opponentMoved() {
    const uci = this.move
    this.move = null
    this.sent = uci
    return uci
  }

  /** The server made a move of mine: nothing of the premove is waiting any more. */
  confirmed() {
    this.sent = null
  }

  refused() {
    const was = this.sent !== null
    this.sent = null
    return was
  }
}

const KEY = "chesschat.premoves"

/** Whether premoves are on (the default), as kept in `storage`. */
export function premovesOn(storage = globalThis.localStorage) {
  try {
    return storage?.getItem(KEY) !== "off"
  } catch {
    return true
  }
}

export function setPremovesOn(on, storage = globalThis.localStorage) {
  try {
    storage?.setItem(KEY, on ? "on" : "off")
  } catch {
    // private mode: the choice lasts this page only
  }
}
