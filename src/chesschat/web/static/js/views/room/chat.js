// The room's chat: a "Chat" button with the count of unread lines, and a panel (a sheet on a
// phone) with the lines, a box to type in and the mute switch. Lines are shown as text only.
import { clear, h } from "../../dom.js"

const MUTE_KEY = "chesschat.chatMuted"

/** The chat's elements and drawing; `send(text)` returns whether the line went out. */
export function chatPanel({ send, storage = globalThis.localStorage }) {
  const el = {}
  let open = false
  let muted = storage?.getItem(MUTE_KEY) === "1"
  let changed = () => {}

  el.badge = h("span", { class: "chat-badge", hidden: true, "data-testid": "chat-unread" })
  el.toggle = h(
    "button",
    { class: "btn btn-small chat-toggle", type: "button", "aria-expanded": "false", "aria-controls": "chat-panel", "data-testid": "chat-toggle" },
    "Chat",
    el.badge,
  )
  el.list = h("ol", { class: "chat-lines", "aria-label": "Chat", "aria-live": "polite", "data-testid": "chat-lines" })
  el.error = h("p", { class: "chat-error", role: "alert", "data-testid": "chat-error" })
  el.input = h("input", { id: "chat-input", class: "chat-input", maxlength: "500", autocomplete: "off", placeholder: "Say something", "data-testid": "chat-input" })
  el.mute = h("button", { class: "btn btn-small", type: "button", "aria-pressed": String(muted), "data-testid": "chat-mute" }, "Mute chat")
  el.close = h("button", { class: "btn btn-small", type: "button", "aria-label": "Close chat" }, "Close")
  el.form = h(
    "form",
    { class: "row chat-form" },
    h("label", { for: "chat-input", class: "sr-only" }, "Chat message"),
    el.input,
    h("button", { class: "btn btn-small", type: "submit", "data-testid": "chat-send" }, "Send"),
  )
  el.panel = h(
    "section",
    { id: "chat-panel", class: "chat-panel", hidden: true, "aria-label": "Chat", "data-testid": "chat-panel" },
    h("div", { class: "chat-head" }, h("strong", {}, "Chat"), h("div", { class: "row" }, el.mute, el.close)),
    el.list,
    el.error,
    el.form,
  )

  let lastSent = ""
  el.form.addEventListener("submit", (event) => {
    event.preventDefault()
    const text = el.input.value.trim()
    if (!text) return
    if (send(text)) {
      lastSent = text
      el.input.value = ""
    }
  })
  const setOpen = (value) => {
    open = value
    changed()
    if (open) el.input.focus()
  }
  el.toggle.addEventListener("click", () => setOpen(!open))
  el.close.addEventListener("click", () => setOpen(false))
  el.panel.addEventListener("keydown", (event) => event.key === "Escape" && setOpen(false))
  el.mute.addEventListener("click", () => {
    muted = !muted
    storage?.setItem(MUTE_KEY, muted ? "1" : "0")
    changed()
  })

  return {
    el,
    get open() {
      return open
    },
    get muted() {
      return muted
    },
    /** `fn` runs when the panel opens or closes or the mute switch changes. */
    onChange(fn) {
      changed = fn
    },
    /** A refused line goes back into an empty box, to be sent again. */
    restore() {
      if (!el.input.value && lastSent) el.input.value = lastSent
    },
    /** Draws `chat` (the room state's) for `nameOf(userId, username)`. */
    render(chat, nameOf) {
      el.panel.hidden = !open
      el.toggle.setAttribute("aria-expanded", String(open))
      el.mute.setAttribute("aria-pressed", String(muted))
      const unread = open || muted ? 0 : chat.unread
      el.badge.hidden = unread === 0
      el.badge.textContent = unread ? String(unread) : ""
      el.toggle.setAttribute("aria-label", unread ? `Chat, ${unread} unread` : "Chat")
      el.error.textContent = chat.error || ""
      if (el.list.childElementCount !== chat.lines.length || el.list.dataset.last !== String(chat.lines.at(-1)?.at)) {
        clear(
          el.list,
          chat.lines.map((line) => h("li", {}, h("span", { class: "chat-name" }, `${nameOf(line.from, line.username)}: `), h("span", { class: "chat-text" }, line.text))),
        )
        el.list.dataset.last = String(chat.lines.at(-1)?.at)
      }
      if (open) el.list.scrollTop = el.list.scrollHeight
    },
  }
}
