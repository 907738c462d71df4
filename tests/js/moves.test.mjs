import { test } from "node:test"
import assert from "node:assert/strict"
import { START_FEN, checkMove, kingSquare, moveRows, normalizeFen, parseUci, sanSquares, targetsFrom, turnOf, withPromotion } from "../../src/chesschat/web/static/js/moves.js"

const opening = ["e2e3", "e2e4", "g1f3", "g1h3", "b1c3", "b1a3"]

test("checkMove accepts only moves in legalMoves", () => {
  assert.deepEqual(checkMove(opening, "e2", "e4"), { ok: true, uci: "e2e4", promotion: false })
  assert.deepEqual(checkMove(opening, "e2", "e5"), { ok: false })
  assert.deepEqual(checkMove([], "e2", "e4"), { ok: false })
  assert.deepEqual(checkMove(undefined, "e2", "e4"), { ok: false })
})

test("a pawn reaching the last rank asks for a piece", () => {
  const legal = ["a7a8q", "a7a8r", "a7a8b", "a7a8n", "b7b8q"]
  assert.deepEqual(checkMove(legal, "a7", "a8"), { ok: true, uci: "a7a8", promotion: true })
  assert.equal(withPromotion("a7a8", "n"), "a7a8n")
  assert.equal(withPromotion("a7a8", "wq"), "a7a8q")
  assert.throws(() => withPromotion("a7a8", "k"))
})

test("targetsFrom lists each destination once", () => {
  assert.deepEqual(targetsFrom(opening, "e2"), ["e3", "e4"])
  assert.deepEqual(targetsFrom(["a7a8q", "a7a8n"], "a7"), ["a8"])
  assert.deepEqual(targetsFrom(opening, "d2"), [])
})

test("kingSquare finds each king, for the check highlight", () => {
  assert.equal(kingSquare(START_FEN, "white"), "e1")
  assert.equal(kingSquare("start", "black"), "e8")
  assert.equal(kingSquare("rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3", "white"), "e1")
  assert.equal(kingSquare("8/8/8/8/8/8/6k1/K7 w - - 0 1", "black"), "g2")
})

test("FEN helpers read the side to move and accept the literal start", () => {
  assert.equal(normalizeFen("start"), START_FEN)
  assert.equal(turnOf("start"), "white")
  assert.equal(turnOf("8/8/8/8/8/8/6k1/K7 b - - 0 1"), "black")
  assert.deepEqual(parseUci("e7e8q"), { from: "e7", to: "e8", promotion: "q" })
  assert.deepEqual(moveRows(["e4", "e5", "Nf3"]), [[1, "e4", "e5"], [2, "Nf3", ""]])
})

test("sanSquares finds where a SAN move goes from and to", () => {
  const scholar = "r1bqkbnr/pppp1ppp/2n5/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR b KQkq - 3 3"
  assert.deepEqual(sanSquares(scholar, "Qe7"), { from: "d8", to: "e7" })
  assert.deepEqual(sanSquares(scholar, "g6"), { from: "g7", to: "g6" })
  assert.deepEqual(sanSquares(scholar, "Nf6"), { from: "g8", to: "f6" })
  assert.deepEqual(sanSquares("start", "e4"), { from: "e2", to: "e4" })
  assert.deepEqual(sanSquares("start", "Nf3"), { from: "g1", to: "f3" })
  assert.deepEqual(sanSquares("rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3", "exf6"), { from: "e5", to: "f6" })
  assert.deepEqual(sanSquares("8/4P1k1/8/8/8/8/8/4K2R w K - 0 1", "e8=Q+"), { from: "e7", to: "e8" })
  assert.deepEqual(sanSquares("8/4P1k1/8/8/8/8/8/4K2R w K - 0 1", "O-O"), { from: "e1", to: "g1" })
  assert.deepEqual(sanSquares("7k/8/8/8/8/8/8/R6R w - - 0 1", "Rhd1"), { from: "h1", to: "d1" })
  assert.deepEqual(sanSquares("7k/8/8/8/8/8/8/R6R w - - 0 1", "Rad1+"), { from: "a1", to: "d1" })
})

test("sanSquares leaves out a pinned piece, which SAN does not name", () => {
  assert.deepEqual(sanSquares("4k3/8/8/8/4r3/8/N3N3/4K3 w - - 0 1", "Nc3"), { from: "a2", to: "c3" })
})

test("sanSquares is null for what the side to move cannot play", () => {
  assert.equal(sanSquares("start", "e5"), null)
  assert.equal(sanSquares("start", "Nd4"), null)
  assert.equal(sanSquares("start", "hello"), null)
})
