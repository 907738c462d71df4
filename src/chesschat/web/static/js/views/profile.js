// The player's own page: record and account facts, a new username, two-factor sign-in
// (with a Cognito pool), and deleting the account.
import { api, plainError } from "../api.js"
import { clear, confirmDialog, h, toast } from "../dom.js"
import { codeInput, rememberUsername, siteConfig } from "./auth.js"
import { when } from "./common.js"

const RENAME_ERRORS = {
  CONFLICT: "That username is taken.",
  INVALID_PAYLOAD: "A username is 3 to 24 letters, digits, dots, dashes or underscores.",
}

export function profileView(main, app) {
  let twoFactor = null
  let shown = app.user
  const render = (u) => {
    shown = u
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
        twoFactor,
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
  let gone = false
  render(app.user)
  app.refreshUser().then((u) => u && !gone && render(u))
  siteConfig().then(
    (c) => {
      if (c.identity !== "cognito" || gone) return
      twoFactor = twoFactorSection()
      render(shown)
    },
    () => {},
  )
  return () => {
    gone = true
  }
}

/**
 * Turning on: a new authenticator secret, as a QR code and as text, confirmed by the app's
 * first code; from then on signing in with a password asks for a code.
 */
function twoFactorSection() {
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "mfa-error" })
  const status = h("p", { class: "muted", role: "status", "data-testid": "mfa-status" })
  const body = h("div", {})
  const section = h(
    "section",
    { class: "two-factor", "data-testid": "two-factor" },
    h("h2", {}, "Two-factor sign-in"),
    h("p", { class: "muted" }, "Signing in with your password also asks for a code from an authenticator app on your phone."),
    status,
    body,
    error,
  )

  const button = (label, onclick, attrs = {}) => h("button", { class: "btn", type: "button", onclick, ...attrs }, label)

  async function busy(el, work) {
    error.textContent = ""
    el.disabled = true
    try {
      await work()
    } catch (e) {
      error.textContent = plainError(e, { UNAUTHORIZED: "Please sign in again, then try once more." })
    } finally {
      el.disabled = false
    }
  }

  function idle() {
    const on = button("Turn on", () => busy(on, setup), { "data-testid": "mfa-on" })
    const off = button("Turn off", () => busy(off, disable), { class: "btn btn-ghost", "data-testid": "mfa-off" })
    clear(body, h("div", { class: "row" }, on, off))
  }

  async function setup() {
    const { secret, qrCode } = await api.mfaSetup()
    const code = codeInput("mfa-code")
    const confirm = h("button", { class: "btn btn-primary", type: "submit", "data-testid": "mfa-verify" }, "Turn on")
    const form = h(
      "form",
      {
        onsubmit: (event) => {
          event.preventDefault()
          busy(confirm, async () => {
            await api.mfaVerify(code.value.trim())
            status.textContent = "Two-factor sign-in is on."
            toast("Two-factor sign-in is on.")
            idle()
          })
        },
      },
      h("p", {}, "Scan this with your authenticator app (Google Authenticator, 1Password, Authy…):"),
      h("img", {
        src: qrCode,
        alt: "QR code of your two-factor secret",
        width: 200,
        height: 200,
        "data-testid": "mfa-qr",
      }),
      h("p", {}, "Or type this key into it: ", h("code", { "data-testid": "mfa-secret" }, secret)),
      h("label", { for: "mfa-code" }, "The code the app shows now"),
      h("div", { class: "row nowrap" }, code, confirm, button("Cancel", idle)),
    )
    clear(body, form)
    code.focus()
  }

  async function disable() {
    const sure = await confirmDialog("Turn off two-factor sign-in? Signing in will ask only for your password.", {
      confirm: "Turn off",
      danger: true,
    })
    if (!sure) return
    await api.mfaDisable()
    status.textContent = "Two-factor sign-in is off."
    toast("Two-factor sign-in is off.")
  }

  idle()
  return section
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
