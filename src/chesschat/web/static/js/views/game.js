// A finished game, replayed move by move from its record: the board (with the check ring and
// a flip), both clocks as they stood after each move, the move list, keys to step, and the
// engine's review (its judged moves marked in the list, its move for a mistake drawn).
import { api } from "../api.js"
import { Board } from "../board.js"
import { clear, h } from "../dom.js"
import { moveRows, sanSquares, turnOf } from "../moves.js"
import { downloadPgn } from "./history.js"
import { MARKS, reviewPanel } from "./review.js"
import { colourOf, endingText, opponentName, unavailable, verdict, when } from "./common.js"

const KEYS = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }

/** Seconds on each mover's clock after each ply, from the PGN's [%clk h:mm:ss] comments. */
export function clocksFromPgn(pgn, plies) {
  const clocks = [...(pgn || "").matchAll(/\[%clk (\d+):(\d\d):(\d\d(?:\.\d+)?)\]/g)].map(
    ([, hours, minutes, seconds]) => 3600 * Number(hours) + 60 * Number(minutes) + Number(seconds),
  )
  // A game recorded before clocks were kept has none for its first plies.
  return [...Array(Math.max(0, plies - clocks.length)).fill(null), ...clocks]
}

/** 4:05, 1:02:03; under ten seconds with tenths (9.4). */
export function clockText(seconds) {
  if (seconds == null) return "–"
  if (seconds < 10) return (Math.floor(seconds * 10) / 10).toFixed(1)
  const s = Math.floor(seconds)
  const mm = String(Math.floor(s / 60) % 60)
  const ss = String(s % 60).padStart(2, "0")
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, "0")}:${ss}` : `${mm}:${ss}`
}

/** A PGN TimeControl ("300+2", seconds) as players say it: "5+2" (minutes + seconds). */
function timeControlText(tc) {
  const [base, increment] = String(tc || "").split("+").map(Number)
  return Number.isFinite(base) && Number.isFinite(increment) ? `${base / 60}+${increment}` : ""
}

/** "2… Qh4#" for the ply (1 = white's first move). */
function moveName(sans, ply) {
  const n = Math.ceil(ply / 2)
  return `${n}${ply % 2 ? "." : "…"} ${sans[ply - 1]}`
}

/** `review` opens the engine's review at once (asking for it if nobody has). */
export function gameView(main, app, id, { review = false } = {}) {
  const me = app.user.user_id
  const status = h("p", { class: "muted", role: "status" }, "Loading…")
  clear(main, h("section", { class: "card narrow" }, status))
  let board = null
  let record = null
  let ply = 0
  let list = null
  let clocks = []
  let start = null
  let panel = null
  let judged = []
  let left = false
  const bars = {}

  const onKey = (e) => {
    if (!(e.key in KEYS) || e.altKey || e.ctrlKey || e.metaKey || e.target.closest("input, textarea, select, dialog")) return
    e.preventDefault()
    step(KEYS[e.key])
  }

  function step(delta) {
    if (!record) return
    ply = Math.max(0, Math.min(record.move_list_uci.length, ply + delta))
    show()
  }

  /** Seconds left on `colour`'s clock at the current ply. */
  function clockAt(colour) {
    const total = record.move_list_uci.length
    if (ply === total) return colour === "white" ? record.time_white_remaining : record.time_black_remaining
    for (let p = ply; p >= 1; p--) if ((p % 2 === 1) === (colour === "white") && clocks[p - 1] != null) return clocks[p - 1]
    return start
  }

  function bar(testid) {
    const name = h("span", { class: "replay-name" })
    const clock = h("span", { class: "replay-clock", role: "timer", "aria-live": "off" })
    const el = h("div", { class: "replay-player", "data-testid": testid }, name, clock)
    return { el, name, clock }
  }

  function showBars() {
    const bottom = board.orientation()
    const mine = colourOf(record, me)
    for (const [where, colour] of [
      ["bottom", bottom],
      ["top", bottom === "white" ? "black" : "white"],
    ]) {
      const who = colour === mine ? "You" : opponentName(record, me)
      bars[where].name.textContent = `${who} · ${colour}`
      bars[where].clock.setAttribute("aria-label", `${who === "You" ? "Your" : `${who}'s`} clock (${colour})`)
      bars[where].clock.textContent = clockText(clockAt(colour))
    }
  }

  /** The position after `n` plies. */
  function fenAt(n) {
    const fens = record.fen_history
    // fen_history holds the start position first when it has one entry more than the moves.
    const offset = fens.length > record.move_list_uci.length ? 0 : -1
    return n + offset < 0 ? "start" : fens[n + offset]
  }

  /** The review's plies in the move list: "Nf6??", named "3… Nf6, blunder". */
  function markMoves({ plies }) {
    judged = plies
    for (const p of plies) {
      const button = p.judgement && list.querySelector(`[data-ply="${p.ply}"]`)
      if (!button) continue
      button.textContent = `${p.san}${MARKS[p.judgement]}`
      button.classList.add(`judged-${p.judgement}`)
      button.setAttribute("aria-label", `${moveName(record.move_list_san, p.ply)}, ${p.judgement}`)
    }
    show()
  }

  function show() {
    const sans = record.move_list_san
    const fen = fenAt(ply)
    const san = ply ? sans[ply - 1] || "" : ""
    const toMove = turnOf(fen)
    const check = /[+#]$/.test(san) ? toMove : null
    board.show(fen, { lastMove: ply ? record.move_list_uci[ply - 1] : null, check })
    board.element.dataset.check = check || ""
    const state = san.endsWith("#") ? `${toMove} is checkmated` : check ? `${toMove} is in check` : `${toMove} to move`
    board.element.setAttribute("aria-label", ply ? `Board after ${moveName(sans, ply)}, ${state}` : "Board at the starting position, white to move")
    for (const el of list.querySelectorAll("[data-ply]")) {
      const current = Number(el.dataset.ply) === ply
      el.classList.toggle("current", current)
      if (current) {
        el.setAttribute("aria-current", "step")
        keepInView(el)
      } else el.removeAttribute("aria-current")
    }
    showBars()
    const best = ply ? judged[ply - 1]?.best : null
    board.arrow(best ? sanSquares(fenAt(ply - 1), best) : null)
    panel?.at(ply)
  }

  /** Scrolls the move list, not the page, to the current move. */
  function keepInView(el) {
    const box = el.getBoundingClientRect()
    const frame = list.getBoundingClientRect()
    if (box.top < frame.top) list.scrollTop -= frame.top - box.top
    else if (box.bottom > frame.bottom) list.scrollTop += box.bottom - frame.bottom
  }

  api
    .game(id)
    .then(({ game: g }) => {
      if (left) return
      record = g
      const plies = g.move_list_uci?.length || 0
      ply = plies
      clocks = clocksFromPgn(g.pgn_notation, plies)
      const base = Number(String(g.time_control || "").split("+")[0])
      start = Number.isFinite(base) && base > 0 ? base : null
      const boardEl = h("div", { class: "board", role: "img", "data-testid": "replay-board" })
      const goTo = (n) => () => {
        ply = n
        show()
      }
      list = h(
        "ol",
        { class: "moves", "aria-label": "Moves" },
        moveRows(g.move_list_san).map(([n, w, b]) =>
          h(
            "li",
            {},
            h("span", { class: "move-no" }, `${n}.`),
            h("button", { class: "move", type: "button", "data-ply": 2 * n - 1, onclick: goTo(2 * n - 1) }, w),
            b ? h("button", { class: "move", type: "button", "data-ply": 2 * n, onclick: goTo(2 * n) }, b) : "",
          ),
        ),
      )
      if (!plies) list.append(h("li", { class: "muted" }, "No moves were made."))
      if (plies) {
        panel = reviewPanel(id, { ask: review, jump: (n) => goTo(n)(), name: (n) => moveName(g.move_list_san, n), done: markMoves })
      }
      bars.top = bar("replay-top")
      bars.bottom = bar("replay-bottom")
      const stepButton = (label, name, delta) =>
        h("button", { class: "btn step", type: "button", "aria-label": name, title: name, onclick: () => step(delta) }, label)
      const outcome = g.outcome && g.outcome !== "*" ? `${g.outcome} · ` : ""
      clear(
        main,
        h(
          "section",
          { class: "replay" },
          h("div", { class: "replay-board" }, bars.top.el, boardEl, bars.bottom.el),
          h(
            "aside",
            { class: "card" },
            h("h1", {}, `${verdict(g, me)} vs ${opponentName(g, me)}`),
            h("p", { class: "replay-ending", "data-testid": "replay-ending" }, `${outcome}Ending: ${endingText(g.result)}`),
            h("p", { class: "muted" }, [when(g.ended_at), timeControlText(g.time_control), `you played ${colourOf(g, me)}`].filter(Boolean).join(" · ")),
            h(
              "div",
              { class: "row" },
              stepButton("«", "First move", -Infinity),
              stepButton("‹", "Previous move", -1),
              stepButton("›", "Next move", 1),
              stepButton("»", "Last move", Infinity),
              h(
                "button",
                {
                  class: "btn",
                  type: "button",
                  onclick: () => {
                    board.flip()
                    showBars()
                  },
                },
                "Flip the board",
              ),
            ),
            h("p", { class: "muted replay-keys" }, "Keys: ← and → step through the moves, Home and End jump to the start and the end."),
            panel?.el,
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
      status.textContent = unavailable(e, "This game", { NOT_FOUND: "There's no such game in your history." })
    })
  return () => {
    left = true
    removeEventListener("keydown", onKey)
    panel?.stop()
    board?.destroy()
  }
}
