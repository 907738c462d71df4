import assert from "node:assert/strict"
import { test } from "node:test"

import { Premove, pieceAt, premoveTargets, premoveUci, premovesOn, setPremovesOn } from "../../src/chesschat/web/static/js/premove.js"

const AFTER_E4 = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"

test("pieces are read from the FEN", () => {
  assert.equal(pieceAt(AFTER_E4, "e4"), "P")
  assert.equal(pieceAt(AFTER_E4, "e2"), null)
  assert.equal(pieceAt(AFTER_E4, "g8"), "n")
})

test("premove targets follow the piece's movement whoever is to move", () => {
  assert.deepEqual(premoveTargets("start", "e7", "black").sort(), ["d6", "e5", "e6", "f6"])
  assert.deepEqual(premoveTargets("start", "g8", "black").sort(), ["e7", "f6", "h6"])
  // A bishop behind its pawns may still premove along its diagonals.
  assert.ok(premoveTargets("start", "f8", "black").includes("b4"))
  assert.ok(premoveTargets("start", "e8", "black").includes("g8"))
  assert.deepEqual(premoveTargets("start", "e2", "black"), [])
  assert.deepEqual(premoveTargets("start", "e4", "white"), [])
})

test("a premove is UCI, a pawn on the last rank becoming a queen", () => {
  assert.equal(premoveUci(AFTER_E4, "e7", "e5", "black"), "e7e5")
  assert.equal(premoveUci(AFTER_E4, "e7", "e4", "black"), null)
  assert.equal(premoveUci("8/P7/8/8/8/8/8/k6K b - - 0 1", "a7", "a8", "white"), "a7a8q")
})

test("one premove is queued and sent once the opponent has moved", () => {
  const p = new Premove()
  assert.equal(p.opponentMoved(), null)
  p.queue("e7e5")
  p.queue("d7d5")
  assert.equal(p.move, "d7d5")
  assert.equal(p.opponentMoved(), "d7d5")
  assert.equal(p.move, null)
  assert.equal(p.opponentMoved(), null)
  p.confirmed()
  assert.equal(p.refused(), false)
})

test("a cancelled premove is not sent", () => {
  const p = new Premove()
  assert.equal(p.cancel(), false)
  p.queue("e7e5")
  assert.equal(p.cancel(), true)
  assert.equal(p.opponentMoved(), null)
})

test("a refused premove is dropped quietly, once", () => {
  const p = new Premove()
  assert.equal(p.refused(), false) // a refusal of some other move is said as usual
  p.queue("f8b4")
  p.opponentMoved()
  assert.equal(p.refused(), true)
  assert.equal(p.refused(), false)
})

test("premoves are on by default and the choice is kept", () => {
  const store = new Map()
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) }
  assert.equal(premovesOn(storage), true)
  setPremovesOn(false, storage)
  assert.equal(premovesOn(storage), false)
  setPremovesOn(true, storage)
  assert.equal(premovesOn(storage), true)
  assert.equal(premovesOn({ getItem: () => { throw new Error("private") } }), true)
})
