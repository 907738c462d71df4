// The players' side of the watch link: how many friends watch, the link to send them, and
// the host's switch that lets them watch or stops them.
import { clear, h } from "../../dom.js"

/** The words for `count` watchers, or "" when nobody watches. */
export function watchersText(count) {
  return count > 0 ? `${count} watching` : ""
}

/** A room's watch link: the read-only page for its watch code (never the room's own code). */
export function watchLink(watchCode, where = location) {
  return `${where.origin}${where.pathname}#/watch/${watchCode}`
}

/**
 * Draws the bar into `el`: `{count, allowed, host, closed, linked}` from the room's state
 * (`linked`: the room has a watch link); `on.copy()` copies the watch link,
 * `on.allow(allowed)` sends the host's choice.
 */
export function renderWatchBar(el, { count, allowed, host, closed, linked = true }, on) {
  if (closed) {
    clear(el)
    return
  }
  const parts = []
  const text = watchersText(allowed ? count : 0)
  if (text) parts.push(h("span", { class: "watchers", title: "Friends following the game through the watch link", "data-testid": "watchers" }, text))
  if (allowed && linked) parts.push(h("button", { class: "btn btn-small", type: "button", onclick: on.copy, "data-testid": "copy-watch-link" }, "Copy watch link"))
  if (host) {
    const box = h("input", { type: "checkbox", checked: allowed, "data-testid": "allow-watching", onchange: (e) => on.allow(e.target.checked) })
    parts.push(h("label", { class: "watch-switch", title: "Friends with the watch link can follow the game, without video or chat" }, box, " Let friends watch"))
  } else if (!allowed) {
    parts.push(h("span", { class: "muted", "data-testid": "watching-off" }, "Watching off"))
  }
  clear(el, ...parts)
}
