import { test } from "node:test"
import assert from "node:assert/strict"
import { START_FEN, checkMove, kingSquare, moveRows, normalizeFen, parseUci, targetsFrom, turnOf, withPromotion } from "../../src/chesschat/web/static/js/moves.js"

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
