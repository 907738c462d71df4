// Signing in, in the screens the server's accounts call for (GET /api/config):
// - local accounts: create an account or sign in, with a username and a password;
// - a Cognito user pool: sign-up asks an email too and then the code emailed there, signing
//   in may go on to an authenticator app's code, a forgotten password is reset with an
//   emailed code, and "Continue with Google" when the site offers it.
// A browser that has signed in before opens on "sign in", with the last username filled in.
// Also the "pick your username" screen, for an account first made elsewhere (Google).
import { api, plainError } from "../api.js"
import { clear, h } from "../dom.js"

const LAST_USER = "chesschat.lastUser"
const USERNAME_RULE = {
  minlength: 3,
  maxlength: 24,
  pattern: "[A-Za-z0-9._\\-]{3,24}",
  title: "3 to 24 letters, digits, dots, dashes or underscores",
}
const USERNAME_WORDS = "A username is 3 to 24 letters, digits, dots, dashes or underscores."

/** The username the sign-in form offers next time (none once the account is gone). */
export function rememberUsername(username) {
  if (username && !username.startsWith("_")) localStorage.setItem(LAST_USER, username)
  else localStorage.removeItem(LAST_USER)
}

let config = null

/** The site's modes, {identity, video, google}: asked once per page (again after a failure). */
export function siteConfig() {
  if (!config) config = api.config().catch((e) => ((config = null), Promise.reject(e)))
  return config
}

/** A box for a code from an email or an authenticator app. */
export const codeInput = (id) =>
  h("input", {
    id,
    name: "code",
    required: true,
    maxlength: 16,
    inputmode: "numeric",
    autocomplete: "one-time-code",
    autocapitalize: "none",
    spellcheck: "false",
  })

export function authView(main, app) {
  let gone = false
  let cognito = false
  let google = false
  const section = h("section", { class: "auth" }, pitch(), h("div", { class: "card auth-card", "aria-busy": "true" }, "Loading…"))
  clear(main, section)

  const known = localStorage.getItem(LAST_USER) || ""
  const googleFailed = /[?&]error=google\b/.test(location.hash)

  /** Puts one screen's form beside the pitch. */
  function show(form, focus) {
    if (gone) return
    section.replaceChildren(pitch(), form)
    focus?.focus()
  }

  /** The shared parts of a screen: its error line, its notice line and its submit button. */
  function screen(title, label, onsubmit, testid = "auth-form") {
    const error = h("p", { class: "form-error", role: "alert", "data-testid": "auth-error" })
    const notice = h("p", { class: "muted", role: "status", "data-testid": "auth-notice", hidden: true })
    const submit = h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "auth-submit" }, label)
    const form = h("form", { class: "card auth-card", "data-testid": testid })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      error.textContent = ""
      submit.disabled = true
      try {
        await onsubmit({ error, notice })
      } catch (e) {
        error.textContent = plainError(e)
      } finally {
        submit.disabled = false
      }
    })
    return { form, error, notice, submit, heading: h("h1", {}, title) }
  }

  const usernameField = (value = "") =>
    h("input", {
      id: "auth-username",
      name: "username",
      autocomplete: "username",
      autocapitalize: "none",
      spellcheck: "false",
      required: true,
      ...USERNAME_RULE,
      value,
    })
  const passwordField = (id, autocomplete) =>
    h("input", { id, name: "password", type: "password", required: true, minlength: 8, autocomplete })
  const link = (label, onclick, testid) => h("button", { class: "btn btn-link", type: "button", onclick, "data-testid": testid }, label)

  /** Signed in: the app takes over (the account may still need its username). */
  async function finish(user) {
    rememberUsername(user.username)
    await app.refreshUser()
    if (location.hash.startsWith("#/signin")) history.replaceState(null, "", "#/")
    await app.signedIn(app.user || user)
  }

  /** The password step; a pool account with MFA goes on to its authenticator's code. */
  async function signIn(username, password) {
    const answer = await api.login(username, password)
    if (answer.challenge) mfaScreen(answer.session)
    else await finish(answer.user)
  }

  function loginScreen({ username = known, message = "", failure = "" } = {}) {
    const s = screen("Welcome back", "Sign in", async ({ error }) => {
      try {
        await signIn(name.value.trim(), password.value)
      } catch (e) {
        if (e.code === "NOT_CONFIRMED") confirmScreen({ username: name.value.trim(), password: password.value, unconfirmed: true })
        else error.textContent = plainError(e, { INVALID_CREDENTIALS: cognito ? "Wrong username, email or password." : "Wrong username or password." })
      }
    })
    const name = usernameField(username)
    if (cognito) {
      // A pool account signs in by its username or its email.
      for (const key of ["minlength", "pattern", "title"]) name.removeAttribute(key)
      name.maxLength = 254
    }
    const password = passwordField("auth-password", "current-password")
    say(s.notice, message)
    s.error.textContent = failure
    show(
      clear(
        s.form,
        s.heading,
        h("label", { for: "auth-username" }, cognito ? "Username or email" : "Username"),
        name,
        h("label", { for: "auth-password" }, "Password"),
        password,
        cognito ? link("Forgot password?", () => forgotScreen(name.value.trim()), "forgot-password") : null,
        s.notice,
        s.error,
        s.submit,
        googleLink(),
        link("Create a new account", () => signupScreen(), "to-signup"),
      ),
      name.value ? password : name,
    )
  }

  function signupScreen() {
    const s = screen("Create your account", "Create account", async ({ error }) => {
      const wanted = name.value.trim()
      try {
        const answer = await api.signup(wanted, password.value, cognito ? email.value.trim() : undefined)
        if (answer.status === "confirmation_required") {
          confirmScreen({ username: wanted, password: password.value, destination: answer.destination })
        } else await finish(answer.user)
      } catch (e) {
        error.textContent = plainError(e, {
          CONFLICT: cognito ? "That username or email already has an account." : "That username is taken.",
          INVALID_PAYLOAD: cognito
            ? `Check the username and the email. ${USERNAME_WORDS} A password needs to be long, with upper- and lower-case letters, digits and symbols.`
            : `${USERNAME_WORDS} A password is at least 8 characters.`,
        })
      }
    })
    const name = usernameField()
    const email = cognito
      ? h("input", { id: "auth-email", name: "email", type: "email", required: true, maxlength: 254, autocomplete: "email" })
      : null
    const password = passwordField("auth-password", "new-password")
    show(
      clear(
        s.form,
        s.heading,
        h("label", { for: "auth-username" }, "Username"),
        name,
        cognito ? [h("label", { for: "auth-email" }, "Email"), email] : null,
        h("label", { for: "auth-password" }, "Password"),
        password,
        cognito ? h("p", { class: "muted" }, "We email you a code to confirm the address.") : null,
        s.error,
        s.submit,
        googleLink(),
        link("I already have an account", () => loginScreen(), "to-login"),
      ),
      name,
    )
  }

  /** The code sign-up emailed; once confirmed, signed in with the password just typed. */
  function confirmScreen({ username, password, destination = "", unconfirmed = false }) {
    const s = screen("Check your email", "Confirm", async ({ error }) => {
      try {
        await api.confirm(username, code.value.trim())
      } catch (e) {
        error.textContent = plainError(e)
        return
      }
      try {
        await signIn(username, password)
      } catch (e) {
        loginScreen({ username, message: "Your email is confirmed. Sign in to play.", failure: plainError(e) })
      }
    })
    const code = codeInput("auth-code")
    const resend = link(
      "Send a new code",
      async () => {
        s.error.textContent = ""
        resend.disabled = true
        try {
          await api.resend(username)
          say(s.notice, destination ? `We sent a new code to ${destination}.` : "We sent a new code to your email.")
        } catch (e) {
          s.error.textContent = plainError(e)
        } finally {
          resend.disabled = false
        }
      },
      "resend-code",
    )
    const where = destination ? ["Type the code we emailed to ", h("strong", { "data-testid": "code-destination" }, destination), "."] : ["Type the code we emailed you."]
    show(
      clear(
        s.form,
        s.heading,
        h("p", {}, unconfirmed ? "Your email isn't confirmed yet. " : "", ...where),
        h("label", { for: "auth-code" }, "Code"),
        code,
        s.notice,
        s.error,
        s.submit,
        resend,
        link("Back to sign in", () => loginScreen({ username }), "to-login"),
      ),
      code,
    )
  }

  function mfaScreen(session) {
    const s = screen("Two-factor sign-in", "Sign in", async ({ error }) => {
      try {
        await finish((await api.answerMfa(session, code.value.trim())).user)
      } catch (e) {
        if (e.code === "UNAUTHORIZED") loginScreen({ failure: "That took too long. Please sign in again." })
        else error.textContent = plainError(e)
      }
    })
    const code = codeInput("auth-code")
    show(
      clear(
        s.form,
        s.heading,
        h("p", {}, "Type the 6-digit code your authenticator app shows for ChessChat."),
        h("label", { for: "auth-code" }, "Code"),
        code,
        s.error,
        s.submit,
        link("Back to sign in", () => loginScreen(), "to-login"),
      ),
      code,
    )
  }

  function forgotScreen(username = "") {
    const s = screen("Reset your password", "Send me a code", async ({ error }) => {
      const who = name.value.trim()
      try {
        await api.forgot(who)
        resetScreen(who)
      } catch (e) {
        error.textContent = plainError(e)
      }
    })
    const name = usernameField(username)
    for (const key of ["minlength", "pattern", "title"]) name.removeAttribute(key)
    name.maxLength = 254
    show(
      clear(
        s.form,
        s.heading,
        h("p", {}, "We email a code to the address of your account."),
        h("label", { for: "auth-username" }, "Username or email"),
        name,
        s.error,
        s.submit,
        link("Back to sign in", () => loginScreen({ username: name.value.trim() }), "to-login"),
      ),
      name,
    )
  }

  function resetScreen(username) {
    const s = screen("Choose a new password", "Change password", async ({ error }) => {
      try {
        await api.reset(username, code.value.trim(), password.value)
      } catch (e) {
        error.textContent = plainError(e, {
          INVALID_PAYLOAD: "Choose a stronger password: long, with upper- and lower-case letters, digits and symbols.",
        })
        return
      }
      try {
        await signIn(username, password.value)
      } catch (e) {
        loginScreen({ username, message: "Your password is changed. Sign in with it.", failure: plainError(e) })
      }
    })
    const code = codeInput("auth-code")
    const password = passwordField("auth-new-password", "new-password")
    show(
      clear(
        s.form,
        s.heading,
        h("p", {}, "If that is an account here, a code is on its way to its email."),
        h("label", { for: "auth-code" }, "Code"),
        code,
        h("label", { for: "auth-new-password" }, "New password"),
        password,
        s.error,
        s.submit,
        link("Back to sign in", () => loginScreen({ username }), "to-login"),
      ),
      code,
    )
  }

  function googleLink() {
    if (!google) return null
    return h("a", { class: "btn btn-wide", href: api.googleUrl(), "data-testid": "google-sign-in" }, "Continue with Google")
  }

  function start() {
    const failure = googleFailed ? "Google sign-in didn't finish. Try again, or sign in another way." : ""
    if (known || googleFailed) loginScreen({ failure })
    else signupScreen()
  }

  siteConfig().then(
    (c) => {
      cognito = c.identity === "cognito"
      google = cognito && Boolean(c.google)
      start()
    },
    (e) => {
      if (gone) return
      const retry = h("button", { class: "btn", type: "button", onclick: () => authView(main, app) }, "Try again")
      section.replaceChildren(pitch(), h("div", { class: "card auth-card" }, h("p", { class: "form-error", role: "alert" }, plainError(e)), retry))
    },
  )
  return () => {
    gone = true
  }
}

/** A notice line shows only with something to say. */
function say(notice, text) {
  notice.textContent = text
  notice.hidden = !text
}

function pitch() {
  return h(
    "div",
    { class: "auth-pitch" },
    h("h2", {}, "Play chess with a friend,", h("br"), "face to face."),
    h("p", {}, "Open a room, send the link, and play on a live board while you see and hear each other."),
  )
}

/** For an account first made elsewhere: the name friends will find it by. */
export function usernameView(main, app) {
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "pick-username-error" })
  const name = h("input", {
    id: "pick-username",
    name: "username",
    required: true,
    ...USERNAME_RULE,
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
  })
  const save = h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "pick-username-submit" }, "Continue")
  async function onSubmit(event) {
    event.preventDefault()
    error.textContent = ""
    save.disabled = true
    try {
      const { user } = await api.rename(name.value.trim())
      app.needsUsername = false
      rememberUsername(user.username)
      await app.signedIn(user)
    } catch (e) {
      error.textContent = plainError(e, { CONFLICT: "That username is taken.", INVALID_PAYLOAD: USERNAME_WORDS })
      save.disabled = false
    }
  }
  document.title = "Pick your username · ChessChat"
  clear(
    main,
    h(
      "section",
      { class: "auth" },
      pitch(),
      h(
        "form",
        { class: "card auth-card", onsubmit: onSubmit, "data-testid": "pick-username-form" },
        h("h1", {}, "Pick your username"),
        h("p", {}, "Friends find you and challenge you by it. You can change it later on your profile."),
        h("label", { for: "pick-username" }, "Username"),
        name,
        error,
        save,
        h("button", { class: "btn btn-link", type: "button", onclick: () => app.signOut() }, "Sign out"),
      ),
    ),
  )
  name.focus()
}
