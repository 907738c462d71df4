// A tiny DOM builder and the toasts; no framework.

/** h("button", {class: "x", onclick}, "text", child) → Element */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value)
    else if (key === "class") el.className = value
    else if (key === "dataset") Object.assign(el.dataset, value)
    else if (value === true) el.setAttribute(key, "")
    else el.setAttribute(key, String(value))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

export function clear(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

/** A short message that goes away by itself; errors stay a little longer. */
export function toast(message, { kind = "info", ms } = {}) {
  const host = document.getElementById("toasts")
  if (!host) return
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, message)
  host.append(el)
  setTimeout(() => el.remove(), ms ?? (kind === "error" ? 6000 : 3500))
}

/** Resolves true when the person confirms, with a real <dialog>. */
export function confirmDialog(question, { confirm = "Yes", cancel = "Cancel", danger = false } = {}) {
  return new Promise((resolve) => {
    const yes = h("button", { class: danger ? "btn btn-danger" : "btn btn-primary", value: "yes" }, confirm)
    const no = h("button", { class: "btn", value: "no" }, cancel)
    const dialog = h(
      "dialog",
      { class: "dialog", "aria-label": question },
      h("form", { method: "dialog" }, h("p", { class: "dialog-text" }, question), h("div", { class: "row" }, no, yes)),
    )
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes")
      dialog.remove()
    })
    document.body.append(dialog)
    dialog.showModal()
    no.focus()
  })
}

/** Saves text as a file. */
export function download(filename, text, type = "application/x-chess-pgn") {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = h("a", { href: url, download: filename })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
