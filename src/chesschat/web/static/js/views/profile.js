// The player's own page: record and account facts, a new username, and deleting the account.
import { api, plainError } from "../api.js"
import { clear, confirmDialog, h, toast } from "../dom.js"
import { rememberUsername } from "./auth.js"
import { when } from "./common.js"

const RENAME_ERRORS = {
  CONFLICT: "That username is taken.",
  INVALID_PAYLOAD: "A username is 3 to 24 letters, digits, dots, dashes or underscores.",
}

export function profileView(main, app) {
  const render = (u) => {
    const total = u.total_games || u.wins + u.losses + u.draws || 0
    const score = total ? Math.round(((u.wins + u.draws / 2) / total) * 100) : 0
    clear(
      main,
      h(
        "section",
        { class: "card narrow" },
        h("h1", { "data-testid": "profile-name" }, u.display_name || u.username),
        h("p", { class: "muted", "data-testid": "profile-username" }, `@${u.username}`, u.created_at ? ` · member since ${when(u.created_at)}` : ""),
        h(
          "dl",
          { class: "stats" },
          ...[
            ["Games", total],
            ["Wins", u.wins],
            ["Losses", u.losses],
            ["Draws", u.draws],
            ["Score", `${score}%`],
          ].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v ?? 0)))),
        ),
        h("div", { class: "bar", role: "img", "aria-label": `Wins ${u.wins}, draws ${u.draws}, losses ${u.losses}` },
          h("span", { class: "bar-win", style: `flex:${u.wins || 0}` }),
          h("span", { class: "bar-draw", style: `flex:${u.draws || 0}` }),
          h("span", { class: "bar-loss", style: `flex:${u.losses || 0}` }),
        ),
        h(
          "div",
          { class: "row" },
          h("a", { class: "btn", href: "#/history" }, "See every game"),
          h("button", { class: "btn btn-ghost", type: "button", onclick: () => app.signOut() }, "Sign out"),
        ),
        renameForm(u, (user) => {
          app.user = user
          rememberUsername(user.username)
          render(user)
          toast(`You are now ${user.username}.`)
        }),
        h(
          "section",
          { class: "danger-zone" },
          h("h2", {}, "Delete account"),
          h("p", { class: "muted" }, "Your account, friends, challenges and notifications go for good. Games already played stay in your opponents' history."),
          h("button", { class: "btn btn-danger", type: "button", "data-testid": "delete-account", onclick: () => deleteAccount(app) }, "Delete account…"),
        ),
      ),
    )
  }
  render(app.user)
  app.refreshUser().then((u) => u && render(u))
}

function renameForm(u, renamed) {
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "rename-error" })
  const name = h("input", {
    id: "rename-username",
    name: "username",
    required: true,
    minlength: 3,
    maxlength: 24,
    pattern: "[A-Za-z0-9._\\-]{3,24}",
    title: "3 to 24 letters, digits, dots, dashes or underscores",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    value: u.username,
  })
  const save = h("button", { class: "btn", type: "submit", "data-testid": "rename" }, "Change username")
  async function onSubmit(event) {
    event.preventDefault()
    error.textContent = ""
    const wanted = name.value.trim()
    if (wanted === u.username) return
    save.disabled = true
    try {
      renamed((await api.rename(wanted)).user)
    } catch (e) {
      error.textContent = plainError(e, RENAME_ERRORS)
      save.disabled = false
    }
  }
  return h(
    "form",
    { class: "rename", onsubmit: onSubmit },
    h("h2", {}, "Username"),
    h("label", { for: "rename-username" }, "New username"),
    h("div", { class: "row nowrap" }, name, save),
    error,
  )
}

/** Twice confirmed: a question, then typing the username. */
async function deleteAccount(app) {
  const username = app.user.username
  const sure = await confirmDialog("Delete your account? This cannot be undone.", { confirm: "Continue", danger: true })
  if (!sure || !(await typedConfirmation(username))) return
  try {
    await api.deleteAccount()
  } catch (e) {
    toast(plainError(e), { kind: "error" })
    return
  }
  rememberUsername(null)
  toast("Your account is deleted.")
  app.signedOut()
}

/** Resolves true once the person has typed `username` and pressed Delete. */
function typedConfirmation(username) {
  return new Promise((resolve) => {
    const typed = h("input", { id: "delete-confirm", name: "confirm", autocomplete: "off", autocapitalize: "none", spellcheck: "false" })
    const remove = h("button", { class: "btn btn-danger", value: "yes", disabled: true, "data-testid": "confirm-delete" }, "Delete my account")
    const keep = h("button", { class: "btn", value: "no", formnovalidate: true }, "Keep my account")
    typed.addEventListener("input", () => (remove.disabled = typed.value.trim() !== username))
    const dialog = h(
      "dialog",
      { class: "dialog", "aria-labelledby": "delete-title" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: "delete-title" }, "Delete your account"),
        h("label", { for: "delete-confirm" }, `Type your username, ${username}, to confirm`),
        typed,
        h("div", { class: "row" }, keep, remove),
      ),
    )
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes" && typed.value.trim() === username)
      dialog.remove()
    })
    document.body.append(dialog)
    dialog.showModal()
    typed.focus()
  })
}
