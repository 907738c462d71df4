import { test } from "node:test"
import assert from "node:assert/strict"
import { headToHeadWords } from "../../src/chesschat/web/static/js/views/head-to-head.js"

const opponent = { userId: "bob-id", username: "bob" }
const names = { me: "ann", "bob-id": "bob" }
const game = (over) => {
  const g = { game_id: "g1", white_player_id: "me", black_player_id: "bob-id", winner: "me", result: "checkmate", ended_at: "2026-12-03T14:05:00Z", ...over }
  return { ...g, white_username: names[g.white_player_id], black_username: names[g.black_player_id] }
}

test("the score is wins, draws and losses from the caller's side, in figures and in words", () => {
  const words = headToHeadWords({ opponent, wins: 3, draws: 1, losses: 2, games: [] })
  assert.equal(words.score, "3–1–2")
  assert.equal(words.sentence, "Against bob: 3 wins, 1 draw, 2 losses")
  assert.equal(words.gamesLabel, "Last games against bob")
  assert.deepEqual(words.rows, [])
  assert.equal(headToHeadWords({ opponent, wins: 1, draws: 0, losses: 1, games: [] }).sentence, "Against bob: 1 win, 0 draws, 1 loss")
})

test("two players who never finished a game have no score yet", () => {
  const words = headToHeadWords({ opponent, wins: 0, draws: 0, losses: 0, games: [game({ result: "aborted", winner: "draw" })] })
  assert.equal(words.score, "0–0–0")
  assert.equal(words.sentence, "No games against bob yet")
  assert.equal(words.rows[0].verdict, "Aborted", "an aborted game is listed, and counts for nobody")
})

test("each game links to its replay with its verdict from the caller's side, whichever colour they had", () => {
  const games = [
    game({ game_id: "won-as-white" }),
    game({ game_id: "lost-as-black", white_player_id: "bob-id", black_player_id: "me", winner: "bob-id", result: "timeout" }),
    game({ game_id: "won-as-black", white_player_id: "bob-id", black_player_id: "me", winner: "me", result: "resign" }),
    game({ game_id: "a/draw", winner: "draw", result: "draw_agreed" }),
  ]
  const { rows } = headToHeadWords({ opponent, wins: 2, draws: 1, losses: 1, games })
  assert.deepEqual(
    rows.map((r) => [r.id, r.href, r.verdict]),
    [
      ["won-as-white", "#/games/won-as-white", "Win"],
      ["lost-as-black", "#/games/lost-as-black", "Loss"],
      ["won-as-black", "#/games/won-as-black", "Win"],
      ["a/draw", "#/games/a%2Fdraw", "Draw"],
    ],
  )
  assert.match(rows[0].label, /^Win\. Replay: you vs bob, won by checkmate, .+/)
  assert.match(rows[1].label, /^Loss\. Replay: you vs bob, lost on time/)
  assert.match(rows[3].label, /^Draw\. Replay: you vs bob, drawn by agreement/)
})
