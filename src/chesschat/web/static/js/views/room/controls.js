// The game controls panel: the opponent's draw offer, the buttons for the game under way
// (which ones apply is `gameControls`), and the host's form for the next game.
import { clear, confirmDialog, h } from "../../dom.js"
import { CLIENT } from "../../protocol.js"
import { startDefaults, startSettings } from "./actions.js"

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
export function renderDrawBanner(banner, offererName, send) {
  const fromThem = offererName !== null
  banner.hidden = !fromThem
  if (fromThem) {
    clear(
      banner,
      h("span", {}, `${offererName} offers a draw.`),
      h("button", { class: "btn btn-small btn-primary", type: "button", "data-testid": "accept-draw", onclick: () => send(CLIENT.ACCEPT_DRAW) }, "Accept"),
      h("button", { class: "btn btn-small", type: "button", "data-testid": "decline-draw", onclick: () => send(CLIENT.DECLINE_DRAW) }, "Decline"),
    )
  }
}

/** The buttons for `controls` (from `gameControls`); `onFlip` and `onResult` stay in the view. */
export function renderControls(box, controls, { send, onFlip, onResult }) {
  clear(
    box,
    controls.map((c) => controlButton(c, { send, onFlip, onResult })),
  )
}

function controlButton({ action, disabled, left }, { send, onFlip, onResult }) {
  switch (action) {
    case "flip":
      return h("button", { class: "btn btn-small", type: "button", "data-testid": "flip", onclick: onFlip }, "Flip board")
    case "abort":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "abort", onclick: () => send(CLIENT.ABORT) }, "Abort")
    case "cancel-draw":
      return h("button", { class: "btn btn-small", type: "button", "data-testid": "cancel-draw", onclick: () => send(CLIENT.CANCEL_DRAW) }, "Cancel draw offer")
    case "offer-draw":
      return h("button", { class: "btn btn-small", type: "button", disabled, "data-testid": "offer-draw", onclick: () => send(CLIENT.OFFER_DRAW) }, "Offer draw")
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
 * host has typed survives the redraws.
 */
export function renderStartForm(form, { show, lastSettings, send }) {
  form.hidden = !show
  if (!show || form.childElementCount) return
  const st = startDefaults(lastSettings)
  const minutes = h("input", { id: "tc-minutes", name: "minutes", type: "number", min: "0.05", max: "180", step: "any", required: true, value: st.minutes })
  const inc = h("input", { id: "tc-increment", name: "increment", type: "number", min: "0", max: "60", step: "1", required: true, value: st.increment })
  const allow = h("input", { id: "tc-takebacks", name: "takebacks", type: "checkbox", checked: st.allowTakebacks })
  const count = h("input", { id: "tc-takeback-count", name: "takebackCount", type: "number", min: "1", max: "10", value: st.takebackCount })
  const presets = h(
    "div",
    { class: "presets", role: "group", "aria-label": "Time control presets" },
    PRESETS.map(([label, m, i]) =>
      h("button", { class: "btn btn-small", type: "button", onclick: () => ((minutes.value = m), (inc.value = i)) }, label),
    ),
  )
  clear(
    form,
    h("h2", {}, "New game"),
    presets,
    h("div", { class: "grid2" }, h("label", { for: "tc-minutes" }, "Minutes each"), minutes, h("label", { for: "tc-increment" }, "Increment (s)"), inc),
    h("label", { class: "check" }, allow, " Allow takebacks"),
    h("div", { class: "grid2" }, h("label", { for: "tc-takeback-count" }, "Takebacks each"), count),
    h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "start-game" }, "Start game"),
  )
  form.onsubmit = (event) => {
    event.preventDefault()
    send(CLIENT.START_GAME, {
      settings: startSettings({ minutes: minutes.value, increment: inc.value, allowTakebacks: allow.checked, takebackCount: count.value }),
    })
  }
}
