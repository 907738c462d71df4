import { test } from "node:test"
import assert from "node:assert/strict"
import { MARKS, evaluationText, pawns } from "../../src/chesschat/web/static/js/views/review.js"

test("the graph's value is White's advantage in pawns, within ten either way", () => {
  assert.equal(pawns({ cp: 35, mate: null }), 0.35)
  assert.equal(pawns({ cp: -250, mate: null }), -2.5)
  assert.equal(pawns({ cp: 1800, mate: null }), 10)
  assert.equal(pawns({ cp: -10000, mate: null }), -10, "a mate given sits at the edge")
  assert.equal(pawns({ cp: null, mate: 3 }), 10, "a mate to come too")
  assert.equal(pawns({ cp: null, mate: -1 }), -10)
  assert.equal(pawns({ cp: null, mate: null }), 0)
})

test("an evaluation in words is from White's side", () => {
  assert.equal(evaluationText({ cp: 42, mate: null }), "+0.4")
  assert.equal(evaluationText({ cp: -130, mate: null }), "−1.3")
  assert.equal(evaluationText({ cp: 0, mate: null }), "0.0")
  assert.equal(evaluationText({ cp: null, mate: 1 }), "White mates in 1")
  assert.equal(evaluationText({ cp: null, mate: -4 }), "Black mates in 4")
  assert.equal(evaluationText({ cp: 10000, mate: null }), "Checkmate")
})

test("judged moves are marked as annotators do", () => {
  assert.deepEqual(MARKS, { inaccuracy: "?!", mistake: "?", blunder: "??" })
})
