// Every finished game, newest first, paged by the server's cursor: its replay, its engine
// review and its PGN.
import { api, plainError } from "../api.js"
import { clear, download, h, toast } from "../dom.js"
import { colourOf, distinctNames, gameId, gameName, moveCount, opponentName, reasonText, unavailable, verdict, when } from "./common.js"

export async function downloadPgn(id) {
  try {
    download(`chesschat-${id}.pgn`, await api.pgn(id))
  } catch (e) {
    toast(plainError(e, { NOT_FOUND: "That game is no longer in your history." }), { kind: "error" })
  }
}

export function historyView(main, app) {
  const me = app.user.user_id
  const body = h("tbody", { role: "rowgroup" })
  const status = h("p", { class: "muted", role: "status" }, "Loading…")
  const more = h("button", { class: "btn", type: "button", hidden: true }, "Load more")
  let cursor = null
  const named = distinctNames()

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

  // The roles keep the table a table for screen readers where a phone's layout restacks it.
  function row(g) {
    const id = gameId(g)
    const v = verdict(g, me)
    const name = named(gameName(g, me))
    const cell = (attrs, ...content) => h("td", { role: "cell", ...attrs }, ...content)
    return h(
      "tr",
      { role: "row" },
      cell({ class: "when" }, when(g.ended_at || g.started_at)),
      cell({ class: "opponent" }, opponentName(g, me)),
      cell({ class: "colour" }, colourOf(g, me)),
      cell({ class: "result" }, h("span", { class: `pill pill-${v.toLowerCase()}` }, v), " ", h("span", { class: "muted" }, reasonText(g.result))),
      cell({ class: "num", "data-unit": moveCount(g) === 1 ? " move" : " moves" }, String(moveCount(g))),
      cell(
        { class: "actions" },
        h("a", { class: "btn btn-small", href: `#/games/${id}`, "aria-label": name }, "Replay"),
        moveCount(g)
          ? h("a", { class: "btn btn-small", href: `#/games/${id}/review`, "aria-label": name.replace(/^Replay:/, "Review:") }, "Review")
          : "",
        h(
          "button",
          { class: "btn btn-small", type: "button", "aria-label": name.replace(/^Replay:/, "Download PGN:"), onclick: () => downloadPgn(id) },
          "PGN",
        ),
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
          { class: "history", role: "table" },
          h(
            "thead",
            { role: "rowgroup" },
            h(
              "tr",
              { role: "row" },
              ["Date", "Opponent", "Colour", "Result", "Moves"].map((t) => h("th", { scope: "col", role: "columnheader" }, t)),
              h("th", { scope: "col", role: "columnheader" }, h("span", { class: "sr-only" }, "Actions")),
            ),
          ),
          body,
        ),
      ),
      status,
      more,
    ),
  )
  load()
}
