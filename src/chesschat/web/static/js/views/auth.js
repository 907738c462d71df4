// Sign in / create an account. A browser that has signed in before opens on "sign in",
// with the last username filled in.
import { api } from "../api.js"
import { clear, h } from "../dom.js"

const LAST_USER = "chesschat.lastUser"

/** The username the sign-in form offers next time (none once the account is gone). */
export function rememberUsername(username) {
  if (username) localStorage.setItem(LAST_USER, username)
  else localStorage.removeItem(LAST_USER)
}

export function authView(main, app) {
  const known = localStorage.getItem(LAST_USER) || ""
  let mode = known ? "login" : "signup"
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "auth-error" })
  const username = h("input", {
    id: "auth-username",
    name: "username",
    autocomplete: "username",
    required: true,
    minlength: 3,
    maxlength: 24,
    pattern: "[A-Za-z0-9._\\-]{3,24}",
    title: "3 to 24 letters, digits, dots, dashes or underscores",
  })
  const password = h("input", { id: "auth-password", name: "password", type: "password", required: true, minlength: 8 })
  const submit = h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "auth-submit" })
  const switcher = h("button", { class: "btn btn-link", type: "button", onclick: () => setMode(mode === "signup" ? "login" : "signup") })
  const heading = h("h1", {})

  function setMode(next) {
    mode = next
    heading.textContent = mode === "signup" ? "Create your account" : "Welcome back"
    submit.textContent = mode === "signup" ? "Create account" : "Sign in"
    switcher.textContent = mode === "signup" ? "I already have an account" : "Create a new account"
    password.autocomplete = mode === "signup" ? "new-password" : "current-password"
    error.textContent = ""
  }

  async function onSubmit(event) {
    event.preventDefault()
    error.textContent = ""
    submit.disabled = true
    try {
      const session = await (mode === "signup" ? api.signup : api.login)(username.value.trim(), password.value)
      rememberUsername(session.user.username)
      await app.signedIn(session.user)
    } catch (e) {
      error.textContent = e.code === "CONFLICT" ? "That username is taken." : e.message
    } finally {
      submit.disabled = false
    }
  }

  setMode(mode)
  username.value = known
  clear(
    main,
    h(
      "section",
      { class: "auth" },
      h(
        "div",
        { class: "auth-pitch" },
        h("h2", {}, "Play chess with a friend,", h("br"), "face to face."),
        h("p", {}, "Open a room, send the link, and play on a live board while you see and hear each other."),
      ),
      h(
        "form",
        { class: "card auth-card", onsubmit: onSubmit, "data-testid": "auth-form" },
        heading,
        h("label", { for: "auth-username" }, "Username"),
        username,
        h("label", { for: "auth-password" }, "Password"),
        password,
        error,
        submit,
        switcher,
      ),
    ),
  )
  ;(known ? password : username).focus()
}
