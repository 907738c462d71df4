import { test } from "node:test"
import assert from "node:assert/strict"
import { watchersText, watchLink } from "../../src/chesschat/web/static/js/views/room/watch-bar.js"

test("the watch link opens the read-only page on the room's watch code", () => {
  const where = { origin: "https://chess.example", pathname: "/" }
  assert.equal(watchLink("WXYZ6789", where), "https://chess.example/#/watch/WXYZ6789")
})

test("the players see how many watch, and nothing when nobody does", () => {
  assert.equal(watchersText(0), "")
  assert.equal(watchersText(2), "2 watching")
})
