// The engine's review on the replay page: asked for, followed while the engine works, then
// an evaluation graph (click a point to go to that move), each side's accuracy, and a note
// on the current move. The replay marks the judged moves and draws the engine's move.
import { api, plainError } from "../api.js"
import { h } from "../dom.js"

export const MARKS = { inaccuracy: "?!", mistake: "?", blunder: "??" }
const LIMIT = 10
const MATE_CP = 10000
const NO_ENGINE = "Game review needs the Stockfish engine, which this server doesn't have."
const W = 300
const H = 80
const SVG = "http://www.w3.org/2000/svg"

/** White's advantage after a ply in pawns, within ±10; a mate sits at the edge. */
export function pawns({ cp, mate }) {
  if (mate) return mate > 0 ? LIMIT : -LIMIT
  return Math.max(-LIMIT, Math.min(LIMIT, (cp || 0) / 100))
}

/** The evaluation in words, from White's side: "+0.4", "−1.2", "Black mates in 2", "Checkmate". */
export function evaluationText({ cp, mate }) {
  if (mate) return `${mate > 0 ? "White" : "Black"} mates in ${Math.abs(mate)}`
  if (Math.abs(cp || 0) >= MATE_CP) return "Checkmate"
  const value = (Math.abs(cp || 0) / 100).toFixed(1)
  return cp > 0 ? `+${value}` : cp < 0 ? `−${value}` : value
}

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value))
  return el
}

/** The graph of `plies`; `jump(ply)` on a click. `mark(ply)` moves its current-ply line. */
function graph(plies, jump, name) {
  const n = Math.max(1, plies.length)
  const x = (ply) => (ply / n) * W
  // A mate's point keeps a little room above or below it.
  const y = (p) => H / 2 - (p / LIMIT) * (H / 2 - 4)
  const points = [[0, y(0)], ...plies.map((p) => [x(p.ply), y(pawns(p))])]
  const line = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
  const el = svg("svg", {
    class: "review-graph",
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": "Evaluation graph: White's advantage after each move, up to ten pawns either way",
    "data-testid": "review-graph",
  })
  el.append(
    svg("rect", { class: "graph-black", width: W, height: H }),
    svg("polygon", { class: "graph-white", points: `0,${H} ${line} ${x(plies.length)},${H}` }),
    svg("line", { class: "graph-mid", x1: 0, x2: W, y1: H / 2, y2: H / 2 }),
    svg("polyline", { class: "graph-line", points: line }),
  )
  for (const p of plies) {
    if (p.judgement) el.append(svg("circle", { class: `graph-${p.judgement}`, cx: x(p.ply), cy: y(pawns(p)), r: 3 }))
  }
  const current = svg("line", { class: "graph-current", y1: 0, y2: H })
  el.append(current)
  // A band over each ply takes its clicks, so a point need not be hit exactly.
  for (let ply = 0; ply <= plies.length; ply++) {
    const band = svg("rect", { class: "graph-band", x: Math.max(0, x(ply - 0.5)), width: W / n, height: H, "data-ply": ply })
    const title = svg("title")
    title.textContent = ply ? `${name(ply)}: ${evaluationText(plies[ply - 1])}` : "Starting position"
    band.append(title)
    band.addEventListener("click", () => jump(ply))
    el.append(band)
  }
  const mark = (ply) => {
    const at = x(Math.min(ply, plies.length))
    current.setAttribute("x1", at)
    current.setAttribute("x2", at)
    el.dataset.ply = ply
  }
  return { el, mark }
}

function accuracyText(value) {
  return value == null ? "–" : `${Math.round(value)}%`
}

/**
 * The review of game `id`: `ask` asks for it at once; `jump(ply)` goes to a move; `name(ply)`
 * says it ("3… Nf6"); `done(review)` is called once it is ready. Returns {el, at(ply), stop()}.
 */
export function reviewPanel(id, { ask = false, jump, name, done }) {
  const button = h("button", { class: "btn", type: "button", hidden: true, "data-testid": "review-button" }, "Review this game")
  const status = h("p", { class: "muted review-status", role: "status", "data-testid": "review-status" })
  const el = h("section", { class: "review", "aria-label": "Engine review" }, button, status)
  let stopped = false
  let timer = null
  let review = null
  let chart = null
  let note = null
  let shown = 0

  function follow(answer) {
    if (stopped) return
    button.hidden = true
    if (answer.status === "done") draw(answer)
    else if (answer.status === "failed") {
      // Asking again queues it afresh.
      status.textContent = "The engine couldn't review this game."
      button.textContent = "Try the review again"
      button.disabled = false
      button.hidden = false
    } else {
      status.textContent = "Reviewing…"
      timer = setTimeout(poll, 1000)
    }
  }

  async function poll() {
    try {
      follow(await api.review(id))
    } catch (e) {
      if (stopped) return
      status.textContent = plainError(e)
      if (e.retryable) timer = setTimeout(poll, 3000)
    }
  }

  async function request() {
    button.disabled = true
    status.textContent = "Reviewing…"
    try {
      follow(await api.requestReview(id))
    } catch (e) {
      if (stopped) return
      button.disabled = false
      button.hidden = false
      status.textContent = plainError(e, { NOT_READY: NO_ENGINE })
    }
  }

  function draw(answer) {
    review = answer
    status.textContent = ""
    chart = graph(answer.plies, jump, name)
    note = h("p", { class: "review-note", "data-testid": "review-note" })
    const side = (colour, value) => h("div", {}, h("dt", {}, colour), h("dd", {}, accuracyText(value)))
    el.append(
      h("h2", {}, "Engine review"),
      chart.el,
      h("dl", { class: "stats review-accuracy", "data-testid": "review-accuracy", "aria-label": "Accuracy" }, side("White accuracy", answer.accuracy.white), side("Black accuracy", answer.accuracy.black)),
      note,
    )
    done(answer)
    at(shown)
  }

  /** Marks `ply` on the graph and says what the engine made of it. */
  function at(ply) {
    shown = ply
    if (!review) return
    chart.mark(ply)
    const p = review.plies[ply - 1]
    if (!p) note.textContent = ply ? "The engine did not review this move." : "Click the graph to go to a move."
    else {
      const judged = p.judgement ? ` was ${p.judgement === "inaccuracy" ? "an" : "a"} ${p.judgement}` : ""
      const best = p.best ? ` The engine's move was ${p.best}.` : ""
      note.textContent = `${name(ply)}${judged}: ${evaluationText(p)}.${best}`
    }
  }

  button.addEventListener("click", request)
  api
    .review(id)
    .then(follow)
    .catch((e) => {
      if (stopped) return
      if (e.code === "NOT_FOUND" && ask) request()
      else button.hidden = false
    })

  return {
    el,
    at,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
