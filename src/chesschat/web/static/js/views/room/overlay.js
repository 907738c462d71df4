// The overlay on the board while this page is offline or the opponent is away, with the
// countdown of the opponent's grace.
import { clear, h } from "../../dom.js"

/**
 * `offline`: this page's socket is not open; `awayName`: the opponent who is away during
 * the game, or null; `left`: they left on purpose. When both hold, the overlay says this page is reconnecting.
 */
export function renderOverlay(overlay, { offline, awayName, left = false, onRetry }) {
  const away = awayName !== null
  overlay.hidden = !(offline || away)
  overlay.dataset.kind = offline ? "self" : away ? "opponent" : ""
  if (offline) {
    clear(
      overlay,
      h("div", { class: "spinner", "aria-hidden": "true" }),
      h("strong", {}, "Reconnecting…"),
      h("span", { class: "grace" }),
      h("button", { class: "btn btn-small", type: "button", onclick: onRetry }, "Retry now"),
    )
  } else if (away) {
    clear(
      overlay,
      h("div", { class: "spinner", "aria-hidden": "true" }),
      h("strong", {}, left ? `${awayName} left the room` : `${awayName} lost connection`),
      h("span", { class: "grace", "data-testid": "grace" }),
      h("span", { class: "muted" }, "The game is paused; nobody's clock runs."),
    )
  }
}

/** Writes the grace countdown `text` (null: nobody is away) into the overlay. */
export function showGrace(overlay, text) {
  const grace = overlay.querySelector(".grace")
  if (grace && text !== null) grace.textContent = text
}
