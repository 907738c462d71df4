// Every finished game, newest first, paged by the server's cursor, with PGN downloads.
import { api } from "../api.js"
import { clear, download, h, toast } from "../dom.js"
import { colourOf, gameId, moveCount, opponentName, reasonText, unavailable, verdict, when } from "./common.js"

export async function downloadPgn(id) {
  try {
    download(`chesschat-${id}.pgn`, await api.pgn(id))
  } catch (e) {
    toast(e.message, { kind: "error" })
  }
}

export function historyView(main, app) {
  const me = app.user.user_id
  const body = h("tbody")
  const status = h("p", { class: "muted", role: "status" }, "Loading…")
  const more = h("button", { class: "btn", type: "button", hidden: true }, "Load more")
  let cursor = null

  async function load() {
    more.disabled = true
    try {
      const page = await api.history(cursor)
      cursor = page.nextCursor || null
      for (const g of page.games || []) body.append(row(g))
      status.textContent = body.children.length ? "" : "No finished games yet."
      more.hidden = !cursor
    } catch (e) {
      status.textContent = unavailable(e, "Game history")
    } finally {
      more.disabled = false
    }
  }

  function row(g) {
    const id = gameId(g)
    const v = verdict(g, me)
    return h(
      "tr",
      {},
      h("td", {}, when(g.ended_at || g.started_at)),
      h("td", {}, opponentName(g, me)),
      h("td", {}, colourOf(g, me)),
      h("td", {}, h("span", { class: `pill pill-${v.toLowerCase()}` }, v), " ", h("span", { class: "muted" }, reasonText(g.result))),
      h("td", { class: "num" }, String(moveCount(g))),
      h(
        "td",
        { class: "actions" },
        h("a", { class: "btn btn-small", href: `#/games/${id}` }, "Replay"),
        h("button", { class: "btn btn-small", type: "button", onclick: () => downloadPgn(id) }, "PGN"),
      ),
    )
  }

  more.addEventListener("click", load)
  clear(
    main,
    h(
      "section",
      { class: "card wide" },
      h("h1", {}, "Game history"),
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "history" },
          h("thead", {}, h("tr", {}, ["Date", "Opponent", "Colour", "Result", "Moves", ""].map((t) => h("th", { scope: "col" }, t)))),
          body,
        ),
      ),
      status,
      more,
    ),
  )
  load()
}
