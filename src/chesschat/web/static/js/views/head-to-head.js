// The score between the signed-in player and one other, from the records: wins, draws and
// losses from the viewer's side, and the last games between them, each a link to its replay.
// The friends page shows one per friend; the room can mount one for its opponent.
import { api } from "../api.js"
import { clear, h } from "../dom.js"
import { gameId, gameName, verdict } from "./common.js"

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`

/**
 * An answer of GET /api/users/{id}/head-to-head in words: the score "3–1–2" (wins, draws,
 * losses, the viewer's first) with its sentence, and a row per game for its replay link.
 */
export function headToHeadWords(answer) {
  const { opponent, wins = 0, draws = 0, losses = 0, games = [] } = answer
  const them = opponent.username
  const record = `${plural(wins, "win", "wins")}, ${plural(draws, "draw", "draws")}, ${plural(losses, "loss", "losses")}`
  const rows = games.map((g) => {
    // The answer is from the caller's side: the caller is whoever is not the opponent.
    const me = g.white_player_id === opponent.userId ? g.black_player_id : g.white_player_id
    const v = verdict(g, me)
    return { id: gameId(g), href: `#/games/${encodeURIComponent(gameId(g))}`, verdict: v, label: `${v}. ${gameName(g, me)}` }
  })
  return {
    score: `${wins}–${draws}–${losses}`,
    sentence: wins + draws + losses ? `Against ${them}: ${record}` : `No games against ${them} yet`,
    gamesLabel: `Last games against ${them}`,
    rows,
  }
}

/** The score against `opponentId` as an element (class "head-to-head") that fills itself from the API. */
export function headToHead(opponentId) {
  const el = h("div", { class: "head-to-head", "data-testid": "head-to-head", "aria-busy": "true" })
  api
    .headToHead(opponentId)
    .then((answer) => {
      const words = headToHeadWords(answer)
      clear(
        el,
        h("span", { class: "h2h-score", title: `${words.sentence} (wins–draws–losses)`, "aria-hidden": "true", "data-testid": "h2h-score" }, words.score),
        h("span", { class: "sr-only" }, words.sentence),
        words.rows.length
          ? h(
              "ul",
              { class: "h2h-games", "aria-label": words.gamesLabel },
              words.rows.map((r) =>
                h(
                  "li",
                  {},
                  h("a", { class: `pill pill-${r.verdict.toLowerCase()}`, href: r.href, "aria-label": r.label, title: r.label, "data-game": r.id }, r.verdict),
                ),
              ),
            )
          : "",
      )
    })
    .catch(() => {
      // A score is a nicety beside the page: it stays out of the way when it cannot be had.
      el.hidden = true
    })
    .finally(() => el.removeAttribute("aria-busy"))
  return el
}
