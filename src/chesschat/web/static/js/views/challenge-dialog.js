// The challenge dialog: the game proposed to a friend (time per side, takebacks, colour),
// and a challenge's settings said in words.
import { api, plainError } from "../api.js"
import { h } from "../dom.js"

/** Time controls a friend is most likely to want: [minutes, increment seconds]. */
export const PRESETS = [
  [1, 0],
  [3, 2],
  [5, 0],
  [10, 0],
  [15, 10],
]
const DEFAULT_PRESET = "5+0"
const COLOURS = [
  ["random", "Random"],
  ["white", "I play white"],
  ["black", "I play black"],
]

const CHALLENGE_ERRORS = {
  NOT_FOUND: "You can only challenge your friends.",
  CONFLICT: "You can't challenge yourself.",
  INVALID_PAYLOAD: "Those settings don't make a game: check the minutes, increment and takebacks.",
}

/** "5+3", the way players name a time control. */
export function timeControl(minutes, increment) {
  return `${Number(minutes.toFixed(2))}+${Number(increment.toFixed(2))}`
}

/**
 * A challenge's settings (the server's map) for one of its two players:
 * "5+3, you play white, 2 takebacks". `challengerIsMe`: the colour asked is the viewer's.
 */
export function settingsInWords(settings, challengerIsMe) {
  const s = settings || {}
  const clock = timeControl((s.timeWhiteSeconds ?? 300) / 60, s.incrementSeconds ?? 0)
  const asked = s.color === "white" || s.color === "black" ? s.color : null
  const other = { white: "black", black: "white" }
  const colour = asked ? `you play ${challengerIsMe ? asked : other[asked]}` : "random colours"
  const takebacks = s.allowTakebacks === false ? 0 : s.takebacksWhite ?? 0
  const allowed = takebacks === 0 ? "no takebacks" : takebacks === 1 ? "1 takeback" : `${takebacks} takebacks`
  return `${clock}, ${colour}, ${allowed}`
}

/**
 * Asks for the game to propose to `username` and sends the challenge. Resolves with the
 * challenge made, or null when the person closes the dialog.
 */
export function openChallengeDialog(username) {
  return new Promise((resolve) => {
    let made = null
    const error = h("p", { class: "form-error", role: "alert", "data-testid": "challenge-error" })
    const choice = (name, value, label, checked) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name, value, checked }), h("span", {}, label))
    const minutes = h("input", { id: "ch-minutes", name: "minutes", type: "number", min: "0.5", max: "180", step: "any", value: "5", required: true })
    const increment = h("input", { id: "ch-increment", name: "increment", type: "number", min: "0", max: "60", step: "1", value: "0", required: true })
    const custom = h(
      "div",
      { class: "grid2", hidden: true },
      h("label", { for: "ch-minutes" }, "Minutes each"),
      minutes,
      h("label", { for: "ch-increment" }, "Increment (s)"),
      increment,
    )
    const takebacks = h("input", { id: "ch-takebacks", name: "takebacks", type: "number", min: "0", max: "10", step: "1", value: "0", required: true })
    const send = h("button", { class: "btn btn-primary", type: "submit", "data-testid": "send-challenge" }, "Send challenge")
    const cancel = h("button", { class: "btn", type: "button" }, "Cancel")
    const form = h(
      "form",
      { class: "challenge-form" },
      h("h2", { id: "challenge-title" }, `Challenge ${username}`),
      h(
        "fieldset",
        {},
        h("legend", {}, "Time per side"),
        h(
          "div",
          { class: "choices" },
          PRESETS.map(([m, i]) => choice("preset", timeControl(m, i), timeControl(m, i), timeControl(m, i) === DEFAULT_PRESET)),
          choice("preset", "custom", "Custom", false),
        ),
        custom,
      ),
      h("label", { for: "ch-takebacks" }, "Takebacks each (0 for none)"),
      takebacks,
      h("fieldset", {}, h("legend", {}, "Colour"), h("div", { class: "choices" }, COLOURS.map(([v, label]) => choice("colour", v, label, v === "random")))),
      error,
      h("div", { class: "row" }, cancel, send),
    )
    const dialog = h("dialog", { class: "dialog challenge-dialog", "aria-labelledby": "challenge-title", "data-testid": "challenge-dialog" }, form)

    form.addEventListener("change", () => {
      custom.hidden = form.elements.preset.value !== "custom"
    })
    cancel.addEventListener("click", () => dialog.close())
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      error.textContent = ""
      const preset = form.elements.preset.value
      const [m, i] = preset === "custom" ? [Number(minutes.value), Number(increment.value)] : preset.split("+").map(Number)
      const count = Math.max(0, Math.floor(Number(takebacks.value) || 0))
      send.disabled = true
      try {
        const { challenge } = await api.challenge(username, {
          timeWhiteSeconds: m * 60,
          incrementSeconds: i,
          allowTakebacks: count > 0,
          takebacksWhite: count,
          color: form.elements.colour.value,
        })
        made = challenge
        dialog.close()
      } catch (e) {
        error.textContent = plainError(e, CHALLENGE_ERRORS)
      } finally {
        send.disabled = false
      }
    })
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(made)
    })
    document.body.append(dialog)
    dialog.showModal()
    form.querySelector("input[name=preset]:checked").focus()
  })
}
