import { test } from "node:test"
import assert from "node:assert/strict"
import { RECIPES, SOUND_NAMES, Sounds, soundFor } from "../../src/chesschat/web/static/js/sounds.js"

test("check has priority over every move type", () => {
  for (const moveType of ["move", "capture", "castle", "promotion"]) {
    assert.equal(soundFor({ type: "move_made", moveType, isCheck: true }), "check")
  }
})

test("each move type has its own sound", () => {
  assert.equal(soundFor({ type: "move_made", moveType: "move", isCheck: false }), "move")
  assert.equal(soundFor({ type: "move_made", moveType: "capture", isCheck: false }), "capture")
  assert.equal(soundFor({ type: "move_made", moveType: "castle", isCheck: false }), "castle")
  assert.equal(soundFor({ type: "move_made", moveType: "promotion", isCheck: false }), "promotion")
  assert.equal(soundFor({ type: "move_made", moveType: "something new", isCheck: false }), "move")
})

test("game start and end sound; other frames do not", () => {
  assert.equal(soundFor({ type: "game_ended" }), "end")
  assert.equal(soundFor({ type: "game_started" }), "start")
  assert.equal(soundFor({ type: "heartbeat_ack" }), null)
  assert.equal(soundFor(null), null)
})

test("every sound has a recipe", () => {
  for (const name of SOUND_NAMES) assert.ok(RECIPES[name]?.length > 0, name)
})

test("mute is remembered and silences play", () => {
  const store = new Map()
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) }
  const sounds = new Sounds(storage)
  assert.equal(sounds.muted, false)
  sounds.setMuted(true)
  assert.equal(new Sounds(storage).muted, true)
  sounds.play("move") // no AudioContext in Node, and muted: must not throw
})
