// The game controls panel: the opponent's draw offer, the buttons for the game under way
// (which ones apply is `gameControls`), and the host's form for the next game.
import { clear, confirmDialog, h } from "../../dom.js"
import { CLIENT } from "../../protocol.js"
import { startDefaults, startSettings } from "./actions.js"

// The frame each control sends: its button waits while that request is pending.
const ACTION_FRAMES = {
  abort: CLIENT.ABORT,
  "cancel-draw": CLIENT.CANCEL_DRAW,
  "offer-draw": CLIENT.OFFER_DRAW,
  takeback: CLIENT.REQUEST_TAKEBACK,
  "ask-takeback": CLIENT.REQUEST_TAKEBACK,
  resign: CLIENT.RESIGN,
}

const COLOURS = [
  ["", "Take turns"],
  ["white", "White"],
  ["black", "Black"],
  ["random", "Random"],
]

const PRESETS = [
  ["1+0", 1, 0],
  ["3+0", 3, 0],
  ["3+2", 3, 2],
  ["5+0", 5, 0],
  ["5+3", 5, 3],
  ["10+0", 10, 0],
  ["10+5", 10, 5],
  ["15+10", 15, 10],
  ["30+0", 30, 0],
]

/** Shows the banner while `offererName` (null: no offer from the opponent) offers a draw. */
export function renderDrawBanner(banner, offererName, send, busy = () => false) {
  renderAsk(banner, offererName && `${offererName} offers a draw.`, send, busy, ["accept-draw", CLIENT.ACCEPT_DRAW], ["decline-draw", CLIENT.DECLINE_DRAW])
}

/** Shows the banner while `requesterName` (null: no request) asks to take back a move. */
export function renderTakebackBanner(banner, requesterName, send, busy = () => false) {
  renderAsk(
    banner,
    requesterName && `${requesterName} asks to take back a move.`,
    send,
    busy,
    ["accept-takeback", CLIENT.ACCEPT_TAKEBACK],
    ["decline-takeback", CLIENT.DECLINE_TAKEBACK],
  )
}

function renderAsk(banner, question, send, busy, [yesId, yes], [noId, no]) {
  banner.hidden = !question
  if (!question) return
  clear(
    banner,
    h("span", {}, question),
    h("button", { class: "btn btn-small btn-primary", type: "button", "data-testid": yesId, disabled: busy(yes), onclick: () => send(yes) }, "Accept"),
    h("button", { class: "btn btn-small", type: "button", "data-testid": noId, disabled: busy(no), onclick: () => send(no) }, "Decline"),
  )
}

/**
 * The buttons for `controls` (from `gameControls`); `onFlip` and `onResult` stay in the
 * view. `premoves` ({on, set}) adds the Premoves switch.
 */
export function renderControls(box, controls, { send, onFlip, onResult, busy = () => false, premoves = null }) {
  clear(
    box,
    controls.map((c) => controlButton(c, { send, onFlip, onResult, busy })),
    premoves &&
      h(
        "label",
        { class: "check premoves" },
        h("input", { type: "checkbox", "data-testid": "premoves", checked: premoves.on, onchange: (e) => premoves.set(e.target.checked) }),
        " Premoves",
      ),
  )
}

function controlButton({ action, disabled: off, left }, { send, onFlip, onResult, busy }) {
  const type = ACTION_FRAMES[action]
  const disabled = Boolean(off) || (type ? busy(type) : false)
  switch (action) {
    case "flip":
      return h("button", { class: "btn btn-small", type: "button", "data-testid": "flip", onclick: onFlip }, "Flip board")
    case "abort":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "abort", onclick: () => send(CLIENT.ABORT) }, "Abort")
    case "cancel-draw":
      return h("button", { class: "btn btn-small", type: "button", "data-testid": "cancel-draw", onclick: () => send(CLIENT.CANCEL_DRAW) }, "Cancel draw offer")
    case "offer-draw":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "offer-draw", onclick: () => send(CLIENT.OFFER_DRAW) }, "Offer draw")
    case "ask-takeback":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "takeback", onclick: () => send(CLIENT.REQUEST_TAKEBACK) }, "Ask to take back")
    case "takeback":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "takeback", onclick: () => send(CLIENT.REQUEST_TAKEBACK) }, `Take back (${left})`)
    case "resign":
      return h(
        "button",
        {
          class: "btn btn-small btn-danger",
          type: "button",
          "data-testid": "resign",
          onclick: async () => (await confirmDialog("Resign this game?", { confirm: "Resign", danger: true })) && send(CLIENT.RESIGN),
        },
        "Resign",
      )
    case "result":
      return h("button", { class: "btn btn-small", type: "button", onclick: onResult }, "Result")
  }
}

/**
 * Shows the start form while `show`; it is filled in once, from `lastSettings`, so what the
 * host has typed survives the redraws. Its button waits while `busy`.
 */
export function renderStartForm(form, { show, lastSettings, send, busy }) {
  form.hidden = !show
  const submit = form.querySelector("[data-testid=start-game]")
  if (submit) submit.disabled = busy
  if (!show || form.childElementCount) return
  const st = startDefaults(lastSettings)
  const minutes = h("input", { id: "tc-minutes", name: "minutes", type: "number", min: "0.05", max: "180", step: "any", required: true, value: st.minutes })
  const inc = h("input", { id: "tc-increment", name: "increment", type: "number", min: "0", max: "60", step: "1", required: true, value: st.increment })
  const allow = h("input", { id: "tc-takebacks", name: "takebacks", type: "checkbox", checked: st.allowTakebacks })
  const count = h("input", { id: "tc-takeback-count", name: "takebackCount", type: "number", min: "1", max: "10", value: st.takebackCount })
  const mode = h(
    "select",
    { id: "tc-takeback-mode", name: "takebackMode" },
    h("option", { value: "unilateral", selected: st.takebackMode === "unilateral" }, "Own last move, up to the count"),
    h("option", { value: "consent", selected: st.takebackMode === "consent" }, "Ask the opponent each time"),
  )
  const presetButtons = PRESETS.map(([label, m, i]) =>
    h("button", { class: "btn btn-small", type: "button", "aria-pressed": "false", "data-m": m, "data-i": i, onclick: () => ((minutes.value = m), (inc.value = i), markPreset()) }, label),
  )
  // The preset that matches the time typed in shows as chosen.
  const markPreset = () => {
    for (const b of presetButtons) b.setAttribute("aria-pressed", String(Number(b.dataset.m) === Number(minutes.value) && Number(b.dataset.i) === Number(inc.value)))
  }
  minutes.addEventListener("input", markPreset)
  inc.addEventListener("input", markPreset)
  const colours = h(
    "fieldset",
    { class: "colours" },
    h("legend", {}, "You play"),
    COLOURS.map(([value, label]) =>
      h("label", { class: "check" }, h("input", { type: "radio", name: "color", value, checked: value === st.color }), ` ${label}`),
    ),
  )
  const takebackMore = h(
    "div",
    { class: "grid2", hidden: !st.allowTakebacks },
    h("label", { for: "tc-takeback-count" }, "Takebacks each"),
    h("label", { for: "tc-takeback-mode" }, "Takebacks"),
    count,
    mode,
  )
  allow.addEventListener("change", () => (takebackMore.hidden = !allow.checked))
  clear(
    form,
    h("h2", {}, "New game"),
    h("div", { class: "presets", role: "group", "aria-label": "Time control presets" }, presetButtons),
    h("div", { class: "grid2" }, h("label", { for: "tc-minutes" }, "Minutes each"), minutes, h("label", { for: "tc-increment" }, "Increment (s)"), inc),
    colours,
    h("label", { class: "check" }, allow, " Allow takebacks"),
    takebackMore,
    h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "start-game" }, "Start game"),
  )
  markPreset()
  form.onsubmit = (event) => {
    event.preventDefault()
    const color = form.querySelector("input[name=color]:checked")?.value || ""
    send(CLIENT.START_GAME, {
      settings: startSettings({
        minutes: minutes.value,
        increment: inc.value,
        allowTakebacks: allow.checked,
        takebackCount: count.value,
        takebackMode: mode.value,
        color,
      }),
    })
  }
}
