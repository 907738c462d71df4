// The app shell: who is signed in, the header, and a hash router over the views.
import { api } from "./api.js"
import { ServerTime } from "./clock.js"
import { clear, h, toast } from "./dom.js"
import { Socket } from "./socket.js"
import { socketUrl } from "./api.js"
import { Sounds } from "./sounds.js"
import { authView, usernameView } from "./views/auth.js"
import { friendsView } from "./views/friends.js"
import { gameView } from "./views/game.js"
import { historyView } from "./views/history.js"
import { lobbyView } from "./views/lobby.js"
import { createBell } from "./views/notifications.js"
import { profileView } from "./views/profile.js"
import { roomView } from "./views/room/view.js"
import { watchView } from "./views/watch.js"

const ROUTES = [
  [/^\/?$/, lobbyView, "Play"],
  [/^\/room\/([A-Za-z0-9]{8})$/, roomView, "Room"],
  [/^\/watch\/([A-Za-z0-9]{8})$/, watchView, "Watching"],
  [/^\/friends$/, friendsView, "Friends"],
  [/^\/history$/, historyView, "History"],
  [/^\/games\/([^/]+)$/, gameView, "Game"],
  [/^\/games\/([^/]+)\/review$/, (main, app, id) => gameView(main, app, id, { review: true }), "Game review"],
  [/^\/profile$/, profileView, "Profile"],
]

const app = {
  user: null,
  serverTime: new ServerTime(),
  sounds: new Sounds(),
  socket: null,
  navigate(path) {
    location.hash = `#${path}`
  },
  /** An account first made elsewhere (Google) has no username of its own yet. */
  needsUsername: false,
  async refreshUser() {
    try {
      const me = await api.me()
      app.user = me.user
      app.needsUsername = Boolean(me.needs_username)
    } catch {
      app.user = null
      app.needsUsername = false
    }
    return app.user
  },
  async signedIn(user) {
    app.user = user
    app.socket.start()
    renderHeader()
    const next = sessionStorage.getItem("chesschat.next")
    sessionStorage.removeItem("chesschat.next")
    if (next && next !== location.hash) location.hash = next
    else route()
  },
  async signOut() {
    // First: signing out closes this account's sockets, which is no news to this page.
    app.socket.stop()
    try {
      await api.logout()
    } catch {
      /* signed out locally either way */
    }
    app.signedOut()
  },
  /** Back to the sign-in screen once the server has ended the session. */
  signedOut() {
    app.user = null
    app.socket.stop()
    renderHeader()
    app.navigate("/")
    route()
  },
}

app.socket = new Socket(socketUrl, app.serverTime)
app.socket.addEventListener("status", (e) => {
  document.body.dataset.socket = e.detail.status
  if (e.detail.status === "unauthorized") {
    toast("Your session has ended. Please sign in again.", { kind: "error" })
    app.user = null
    renderHeader()
    route()
  }
})

const bell = createBell(app)
let unmount = null

/** A 24 × 24 icon from one SVG path, hidden from screen readers (its button has words). */
function icon(d) {
  const ns = "http://www.w3.org/2000/svg"
  const svg = document.createElementNS(ns, "svg")
  svg.setAttribute("viewBox", "0 0 24 24")
  svg.setAttribute("aria-hidden", "true")
  const path = document.createElementNS(ns, "path")
  path.setAttribute("d", d)
  svg.append(path)
  return svg
}

function speaker(muted) {
  return icon(
    muted
      ? "M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.7-2.7-1.4-1.4-2.7 2.7-2.7-2.7-1.4 1.4 2.7 2.7-2.7 2.7 1.4 1.4 2.7-2.7 2.7 2.7 1.4-1.4-2.7-2.7z"
      : "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
  )
}

function renderHeader() {
  const nav = document.getElementById("nav")
  const here = location.hash.replace(/^#/, "") || "/"
  const link = (path, label) =>
    h("a", { href: `#${path}`, "aria-current": here === path ? "page" : false }, label)
  const mute = h(
    "button",
    {
      class: "btn btn-icon",
      type: "button",
      "aria-pressed": String(app.sounds.muted),
      title: "Mute sounds",
      "data-testid": "mute",
      onclick: () => {
        app.sounds.setMuted(!app.sounds.muted)
        renderHeader()
      },
    },
    speaker(app.sounds.muted),
    h("span", { class: "sr-only" }, app.sounds.muted ? "Unmute sounds" : "Mute sounds"),
  )
  if (!app.user) {
    clear(nav, mute)
    return
  }
  clear(
    nav,
    link("/", "Play"),
    link("/friends", "Friends"),
    link("/history", "History"),
    link("/profile", "Profile"),
    bell.el,
    mute,
    h(
      "button",
      { class: "btn btn-ghost nav-signout", type: "button", title: "Sign out", onclick: () => app.signOut() },
      icon("M10 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h5v-2H5V5h5V3zm6.6 4.4-1.4 1.4 2.2 2.2H9v2h8.4l-2.2 2.2 1.4 1.4L21.2 12l-4.6-4.6z"),
      h("span", { class: "nav-signout-text" }, "Sign out"),
    ),
  )
}

async function route() {
  const path = location.hash.replace(/^#/, "") || "/"
  unmount?.()
  unmount = null
  renderHeader()
  const main = document.getElementById("view")
  if (!app.user) {
    if (path !== "/" && path !== "/login" && !path.startsWith("/signin")) sessionStorage.setItem("chesschat.next", `#${path}`)
    unmount = authView(main, app)
    return
  }
  if (app.needsUsername) {
    unmount = usernameView(main, app) || null
    return
  }
  for (const [pattern, view, title] of ROUTES) {
    const match = path.match(pattern)
    if (match) {
      document.title = `${title} · ChessChat`
      unmount = view(main, app, ...match.slice(1)) || null
      main.focus({ preventScroll: true })
      return
    }
  }
  clear(main, h("section", { class: "card narrow" }, h("h1", {}, "Page not found"), h("a", { href: "#/" }, "Back to the lobby")))
}

// Browsers allow sound only after a gesture.
addEventListener("pointerdown", () => app.sounds.unlock(), { once: true })
addEventListener("keydown", () => app.sounds.unlock(), { once: true })
// A page may hold the way out (a game under way asks first): the address goes back to it
// while it asks, and on to where the player was going if they agree.
let shown = location.hash
let leaving = false
async function navigate() {
  if (location.hash !== shown && app.leaveGuard && !leaving) {
    const wanted = location.hash
    history.replaceState(null, "", shown || "#/")
    if (!(await app.leaveGuard())) return
    leaving = true
    location.hash = wanted
    return
  }
  leaving = false
  shown = location.hash
  await route()
}
addEventListener("hashchange", navigate)

await app.refreshUser()
if (app.user) app.socket.start()
route()
