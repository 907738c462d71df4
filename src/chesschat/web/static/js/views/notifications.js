// The social side of the socket: the header's bell (unread count, the list it opens, and
// Accept/Decline on a friend request or a challenge right there), and where an accepted
// challenge takes its challenger. Pages over friends and challenges listen to `social`.
import { api, plainError } from "../api.js"
import { clear, h, toast } from "../dom.js"
import { SERVER } from "../protocol.js"
import { settingsInWords } from "./challenge-dialog.js"

/**
 * Fires "changed" when friends, requests or challenges may have changed, and "answered"
 * {entityId} when this page answered a request or challenge (its notification is read).
 */
export const social = new EventTarget()

export function socialChanged() {
  social.dispatchEvent(new Event("changed"))
}

function answered(entityId) {
  social.dispatchEvent(new CustomEvent("answered", { detail: { entityId } }))
}

const REQUEST_ERRORS = {
  NOT_FOUND: "That friend request is no longer there.",
  CONFLICT: "That friend request was already answered.",
}
const CHALLENGE_ERRORS = {
  NOT_FOUND: "That challenge is no longer there.",
  CONFLICT: "That challenge was already answered, withdrawn or has expired.",
  UNAUTHORIZED: "Only the friend you challenged can answer this challenge.",
}

/**
 * Answers the request or challenge `entityId` with `call`, then `done(result)`; true when it
 * worked, else a toast says why (in `errors`' words). Every social page looks again either way.
 */
async function answer(entityId, call, done, errors) {
  try {
    const result = await call()
    answered(entityId)
    done(result)
    return true
  } catch (e) {
    toast(plainError(e, errors), { kind: "error" })
    return false
  } finally {
    socialChanged()
  }
}

export function answerRequest(request, accept) {
  const who = request.sender_username
  return answer(
    request.request_id,
    () => api.answerFriendRequest(request.request_id, accept),
    () => toast(accept ? `You and ${who} are now friends.` : `You declined ${who}'s request.`),
    REQUEST_ERRORS,
  )
}

/** Accepts a challenge and goes to the game's room. */
export function acceptChallenge(app, challengeId) {
  return answer(
    challengeId,
    () => api.acceptChallenge(challengeId),
    ({ challenge }) => app.navigate(`/room/${challenge.room_code}`),
    CHALLENGE_ERRORS,
  )
}

/** Declines a received challenge (`decline`) or withdraws a sent one (`cancel`). */
export function dropChallenge(challenge, how) {
  const id = challenge.challenge_id
  return answer(
    id,
    () => (how === "cancel" ? api.cancelChallenge(id) : api.declineChallenge(id)),
    () => toast(how === "cancel" ? `Challenge to ${challenge.challenged_username} withdrawn.` : `You declined ${challenge.challenger_username}'s challenge.`),
    CHALLENGE_ERRORS,
  )
}

function bellIcon() {
  const ns = "http://www.w3.org/2000/svg"
  const svg = document.createElementNS(ns, "svg")
  svg.setAttribute("viewBox", "0 0 24 24")
  svg.setAttribute("aria-hidden", "true")
  const path = document.createElementNS(ns, "path")
  path.setAttribute("d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z")
  svg.append(path)
  return svg
}

/**
 * The bell, kept for the whole session (the header is redrawn around it). It takes
 * `notification` frames live, has every social page look again whenever the socket
 * (re)opens, empties itself when the socket stops, and sends the challenger of an accepted
 * challenge to its room — unless they are in a game, where a toast links to it instead.
 */
export function createBell(app) {
  let items = []
  let pendingRequests = new Map() // request_id → received request still waiting
  let pendingChallenges = new Map() // challenge_id → received challenge still waiting
  let liveRoom = null // the room whose game this page is playing or watching
  const readHere = new Set() // marked read on this page; a list fetched meanwhile may not know yet

  const count = h("span", { class: "bell-count", "aria-hidden": "true", "data-testid": "bell-count", hidden: true })
  const button = h(
    "button",
    { class: "btn btn-icon bell-button", type: "button", "aria-expanded": "false", "aria-controls": "bell-panel", "data-testid": "bell" },
    bellIcon(),
    count,
  )
  const list = h("ul", { class: "bell-list" })
  const markAll = h("button", { class: "btn btn-small btn-ghost", type: "button", "data-testid": "mark-all-read" }, "Mark all read")
  const panel = h(
    "section",
    { id: "bell-panel", class: "bell-panel", hidden: true, "aria-label": "Notifications", "data-testid": "bell-panel" },
    h("div", { class: "bell-head" }, h("h2", {}, "Notifications"), markAll),
    list,
  )
  const el = h("div", { class: "bell" }, button, panel)

  const unread = () => items.filter((n) => !n.read).length

  function setOpen(open) {
    panel.hidden = !open
    button.setAttribute("aria-expanded", String(open))
    if (open) load()
  }

  function render() {
    const n = unread()
    count.hidden = n === 0
    count.textContent = n > 9 ? "9+" : String(n)
    button.setAttribute("aria-label", n ? `Notifications, ${n} unread` : "Notifications")
    markAll.disabled = n === 0
    if (!items.length) {
      clear(list, h("li", { class: "bell-empty muted" }, "Nothing new. Friend requests and challenges show up here."))
      return
    }
    clear(list, items.map(entry))
  }

  function entry(n) {
    const request = n.type === "friend_request" ? pendingRequests.get(n.entity_id) : null
    const challenge = n.type === "challenge_received" ? pendingChallenges.get(n.entity_id) : null
    const act = (work) => async (event) => {
      event.currentTarget.closest("li").querySelectorAll("button").forEach((b) => (b.disabled = true))
      if (await work()) setOpen(false)
      else render()
    }
    const actions = []
    const button = (label, name, primary, work) =>
      h("button", { class: primary ? "btn btn-small btn-primary" : "btn btn-small", type: "button", "aria-label": name, onclick: act(work) }, label)
    if (request) {
      const whose = `${request.sender_username}'s friend request`
      actions.push(
        button("Accept", `Accept ${whose}`, true, () => answerRequest(request, true)),
        button("Decline", `Decline ${whose}`, false, () => answerRequest(request, false)),
      )
    }
    if (challenge) {
      const whose = `${challenge.challenger_username}'s challenge`
      actions.push(
        button("Accept", `Accept ${whose}`, true, () => acceptChallenge(app, challenge.challenge_id)),
        button("Decline", `Decline ${whose}`, false, () => dropChallenge(challenge, "decline")),
      )
    }
    if (!n.read) {
      actions.push(
        h("button", { class: "btn btn-small btn-ghost", type: "button", "aria-label": `Mark “${n.title}” read`, onclick: () => markRead(n) }, "Mark read"),
      )
    }
    return h(
      "li",
      { class: n.read ? "note" : "note unread", "data-testid": "notification", "data-type": n.type },
      h("strong", {}, n.title),
      h("p", {}, n.message),
      challenge ? h("p", { class: "muted" }, settingsInWords(challenge.settings, false)) : null,
      actions.length ? h("div", { class: "row" }, actions) : null,
    )
  }

  async function markRead(n) {
    n.read = true
    readHere.add(n.notification_id)
    render()
    try {
      await api.markNotificationRead(n.notification_id)
    } catch (e) {
      if (e.code !== "NOT_FOUND") toast(plainError(e), { kind: "error" })
    }
  }

  let loading = 0
  async function load() {
    if (!app.user) return
    const mine = ++loading
    const [listed, requests, challenges] = await Promise.allSettled([api.notifications(), api.friendRequests(), api.challenges()])
    if (mine !== loading || !app.user) return // a newer load, or signed out meanwhile
    if (listed.status === "fulfilled") {
      items = (listed.value.notifications || []).map((n) => (readHere.has(n.notification_id) ? { ...n, read: true } : n))
    }
    if (requests.status === "fulfilled") pendingRequests = new Map((requests.value.received || []).map((r) => [r.request_id, r]))
    if (challenges.status === "fulfilled") {
      const received = (challenges.value.challenges || []).filter((c) => c.challenged_user_id === app.user.user_id)
      pendingChallenges = new Map(received.map((c) => [c.challenge_id, c]))
    }
    render()
  }

  function reset() {
    loading++
    items = []
    pendingRequests = new Map()
    pendingChallenges = new Map()
    readHere.clear()
    liveRoom = null
    setOpen(false)
    render()
  }

  function arrived(n) {
    items = [n, ...items.filter((x) => x.notification_id !== n.notification_id)]
    render()
    toast(n.message)
    socialChanged() // the lists behind it changed too; `load` picks up what it is about
  }

  function accepted(f) {
    const inGame = liveRoom !== null && liveRoom !== f.roomCode && location.hash === `#/room/${liveRoom}`
    if (!inGame) {
      app.navigate(`/room/${f.roomCode}`)
      return
    }
    const who = f.by?.username || "Your friend"
    toast(h("span", {}, `${who} accepted your challenge. `, h("a", { href: `#/room/${f.roomCode}`, "data-testid": "challenge-room-link" }, "Go to that game")), { ms: 30000 })
  }

  // Which room's game is on here, from the room frames this page hears.
  function track(f) {
    switch (f.type) {
      case SERVER.GAME_STARTED:
        liveRoom = f.roomCode
        break
      case SERVER.ROOM_JOINED:
        if (f.activeGame) liveRoom = f.roomCode
        else if (liveRoom === f.roomCode) liveRoom = null
        break
      case SERVER.GAME_ENDED:
      case SERVER.ROOM_CLOSED:
      case SERVER.ROOM_LEFT:
        if (liveRoom === f.roomCode) liveRoom = null
        break
    }
  }

  app.socket.addEventListener("frame", ({ detail: { frame: f } }) => {
    if (f.type === SERVER.NOTIFICATION && f.notification) arrived(f.notification)
    else if (f.type === SERVER.CHALLENGE_ACCEPTED) accepted(f)
    else track(f)
  })
  app.socket.addEventListener("status", ({ detail: { status } }) => {
    if (status === "open") socialChanged() // whatever happened while it was closed
    else if (status === "idle" || status === "unauthorized") reset()
  })
  social.addEventListener("changed", () => load())
  social.addEventListener("answered", ({ detail: { entityId } }) => {
    for (const n of items) if (n.entity_id === entityId && !n.read) markRead(n)
  })
  button.addEventListener("click", () => setOpen(panel.hidden))
  markAll.addEventListener("click", async () => {
    for (const n of items) readHere.add(n.notification_id)
    items = items.map((n) => ({ ...n, read: true }))
    render()
    try {
      await api.markAllNotificationsRead()
    } catch (e) {
      toast(plainError(e), { kind: "error" })
      load()
    }
  })
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false)
      button.focus()
    }
  })
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !el.contains(event.target) && event.target.isConnected) setOpen(false)
  })
  addEventListener("hashchange", () => setOpen(false))
  render()
  return { el }
}
