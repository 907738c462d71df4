// A finished game, replayed move by move from its record.
import { api } from "../api.js"
import { Board } from "../board.js"
import { clear, h } from "../dom.js"
import { moveRows } from "../moves.js"
import { downloadPgn } from "./history.js"
import { colourOf, opponentName, reasonText, unavailable, verdict, when } from "./common.js"

export function gameView(main, app, id) {
  const me = app.user.user_id
  const status = h("p", { class: "muted", role: "status" }, "Loading…")
  clear(main, h("section", { class: "card narrow" }, status))
  let board = null
  const onKey = (e) => {
    if (e.target.closest("input, textarea")) return
    if (e.key === "ArrowLeft") step(-1)
    if (e.key === "ArrowRight") step(1)
  }
  let record = null
  let ply = 0
  let list = null

  function step(delta) {
    if (!record) return
    ply = Math.max(0, Math.min(record.move_list_uci.length, ply + delta))
    show()
  }

  function show() {
    const fens = record.fen_history
    // fen_history holds the start position first when it has one entry more than the moves.
    const offset = fens.length > record.move_list_uci.length ? 0 : -1
    const fen = ply + offset < 0 ? "start" : fens[ply + offset]
    board.show(fen, { lastMove: ply ? record.move_list_uci[ply - 1] : null })
    for (const el of list.querySelectorAll("[data-ply]")) el.classList.toggle("current", Number(el.dataset.ply) === ply)
  }

  api
    .game(id)
    .then(({ game: g }) => {
      record = g
      ply = g.move_list_uci?.length || 0
      const boardEl = h("div", { class: "board", "data-testid": "replay-board" })
      list = h(
        "ol",
        { class: "moves" },
        moveRows(g.move_list_san).map(([n, w, b]) =>
          h(
            "li",
            {},
            h("span", { class: "move-no" }, `${n}.`),
            h("button", { class: "move", type: "button", "data-ply": 2 * n - 1, onclick: () => ((ply = 2 * n - 1), show()) }, w),
            b ? h("button", { class: "move", type: "button", "data-ply": 2 * n, onclick: () => ((ply = 2 * n), show()) }, b) : "",
          ),
        ),
      )
      clear(
        main,
        h(
          "section",
          { class: "replay" },
          h("div", { class: "replay-board" }, boardEl),
          h(
            "aside",
            { class: "card" },
            h("h1", {}, `${verdict(g, me)} vs ${opponentName(g, me)}`),
            h("p", { class: "muted" }, `${g.outcome || ""} ${reasonText(g.result)} · ${when(g.ended_at)} · you played ${colourOf(g, me)}`),
            h(
              "div",
              { class: "row" },
              h("button", { class: "btn step", type: "button", "aria-label": "First move", onclick: () => step(-1e9) }, "«"),
              h("button", { class: "btn step", type: "button", "aria-label": "Previous move", onclick: () => step(-1) }, "‹"),
              h("button", { class: "btn step", type: "button", "aria-label": "Next move", onclick: () => step(1) }, "›"),
              h("button", { class: "btn step", type: "button", "aria-label": "Last move", onclick: () => step(1e9) }, "»"),
            ),
            list,
            h("button", { class: "btn btn-primary", type: "button", onclick: () => downloadPgn(id) }, "Download PGN"),
          ),
        ),
      )
      board = new Board(boardEl)
      board.setOrientation(colourOf(g, me))
      show()
      addEventListener("keydown", onKey)
    })
    .catch((e) => {
      status.textContent = unavailable(e, "This game")
    })
  return () => {
    removeEventListener("keydown", onKey)
    board?.destroy()
  }
}
