// Friends: add one by username, answer and withdraw requests, and for each friend whether
// they are online, the score between you and your last games, with Play (the pair's own
// room), Challenge and Remove.
import { api, plainError } from "../api.js"
import { clear, confirmDialog, h, toast } from "../dom.js"
import { openChallengeDialog } from "./challenge-dialog.js"
import { headToHead } from "./head-to-head.js"
import { answerRequest, social, socialChanged } from "./notifications.js"

// Online dots go stale as friends come and go; nothing pushes that, so look again now and then.
const REFRESH_MS = 20_000

const ADD_ERRORS = {
  NOT_FOUND: "There is no player with that username.",
  CONFLICT: "You are already friends, or a request between you is waiting.",
  INVALID_PAYLOAD: "Type the username of the player you want to add.",
}
const PLAY_ERRORS = {
  NOT_FOUND: "That player no longer has an account.",
  CONFLICT: "You can't play yourself.",
}
const REMOVE_ERRORS = { NOT_FOUND: "That player is not on your friends list any more." }

export function friendsView(main, app) {
  const me = app.user
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "friend-error" })
  const name = h("input", {
    id: "friend-username",
    name: "username",
    required: true,
    maxlength: 64,
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
  })
  const add = h("button", { class: "btn btn-primary", type: "submit", "data-testid": "add-friend" }, "Send request")
  const received = h("ul", { class: "people", "data-testid": "received-requests", "aria-label": "Friend requests for you" })
  const sent = h("ul", { class: "people", "data-testid": "sent-requests", "aria-label": "Friend requests you sent" })
  const friends = h("ul", { class: "people", "data-testid": "friends", "aria-label": "Your friends" })
  const status = h("p", { class: "muted", role: "status" }, "Loading…")
  const receivedBox = h("section", { hidden: true }, h("h2", {}, "Requests for you"), received)
  const sentBox = h("section", { hidden: true }, h("h2", {}, "Requests you sent"), sent)
  // Each friend's score is asked for once a visit: the list redraws every few seconds.
  const scores = new Map()
  const scoreWith = (id) => {
    if (!scores.has(id)) scores.set(id, headToHead(id))
    return scores.get(id)
  }

  async function onAdd(event) {
    event.preventDefault()
    error.textContent = ""
    const username = name.value.trim()
    if (username.toLowerCase() === me.username.toLowerCase()) {
      error.textContent = "That is you. Type a friend's username."
      return
    }
    add.disabled = true
    try {
      const { request } = await api.sendFriendRequest(username)
      name.value = ""
      // Asking someone who had already asked you makes you friends at once.
      toast(request.status === "accepted" ? `You and ${username} are now friends.` : `Friend request sent to ${request.recipient_username}.`)
      socialChanged()
    } catch (e) {
      error.textContent = plainError(e, ADD_ERRORS)
    } finally {
      add.disabled = false
    }
  }

  const busy = (button, work) => async () => {
    button.disabled = true
    try {
      await work()
    } finally {
      button.disabled = false
    }
  }

  function requestRow(r) {
    const accept = h("button", { class: "btn btn-small btn-primary", type: "button", "aria-label": `Accept ${r.sender_username}` }, "Accept")
    const decline = h("button", { class: "btn btn-small", type: "button", "aria-label": `Decline ${r.sender_username}` }, "Decline")
    accept.onclick = busy(accept, () => answerRequest(r, true))
    decline.onclick = busy(decline, () => answerRequest(r, false))
    return h("li", { "data-username": r.sender_username }, h("span", { class: "person" }, r.sender_username), h("span", { class: "row" }, accept, decline))
  }

  function sentRow(r) {
    const cancel = h("button", { class: "btn btn-small", type: "button", "aria-label": `Cancel request to ${r.recipient_username}` }, "Cancel")
    cancel.onclick = busy(cancel, async () => {
      try {
        await api.cancelFriendRequest(r.request_id)
        toast(`Request to ${r.recipient_username} withdrawn.`)
      } catch (e) {
        toast(plainError(e, { NOT_FOUND: "That request is no longer there.", CONFLICT: "That request was already answered." }), { kind: "error" })
      }
      socialChanged()
    })
    return h(
      "li",
      { "data-username": r.recipient_username },
      h("span", { class: "person" }, r.recipient_username, h("span", { class: "muted" }, " · waiting for an answer")),
      h("span", { class: "row" }, cancel),
    )
  }

  function friendRow(f) {
    const who = f.friend_username
    const play = h("button", { class: "btn btn-small btn-primary", type: "button", "aria-label": `Play with ${who}`, "data-testid": "play-friend" }, "Play")
    const challenge = h("button", { class: "btn btn-small", type: "button", "aria-label": `Challenge ${who}`, "data-testid": "challenge-friend" }, "Challenge")
    const remove = h("button", { class: "btn btn-small btn-danger", type: "button", "aria-label": `Remove ${who}` }, "Remove")
    play.onclick = busy(play, async () => {
      try {
        const { room_code } = await api.pairRoom(who)
        app.navigate(`/room/${room_code}`)
      } catch (e) {
        toast(plainError(e, PLAY_ERRORS), { kind: "error" })
      }
    })
    challenge.onclick = async () => {
      const made = await openChallengeDialog(who)
      if (made) {
        toast(`Challenge sent to ${who}. The game starts when they accept.`)
        socialChanged()
      }
    }
    remove.onclick = busy(remove, async () => {
      if (!(await confirmDialog(`Remove ${who} from your friends?`, { confirm: "Remove", danger: true }))) return
      try {
        await api.removeFriend(f.friend_user_id)
        toast(`${who} is no longer your friend.`)
      } catch (e) {
        toast(plainError(e, REMOVE_ERRORS), { kind: "error" })
      }
      socialChanged()
    })
    return h(
      "li",
      { "data-testid": "friend", "data-username": who, "data-online": String(f.online) },
      h(
        "span",
        { class: "person" },
        h("span", { class: "presence", "data-on": String(f.online), "aria-hidden": "true" }),
        who,
        h("span", { class: "muted", "data-testid": "friend-status" }, f.online ? " · online" : " · offline"),
      ),
      h("span", { class: "row" }, play, challenge, remove),
      scoreWith(f.friend_user_id),
    )
  }

  let loading = 0
  async function load() {
    const mine = ++loading
    const [listed, requests] = await Promise.allSettled([api.friends(), api.friendRequests()])
    if (mine !== loading) return
    if (requests.status === "fulfilled") {
      const { received: r = [], sent: s = [] } = requests.value
      clear(received, r.map(requestRow))
      clear(sent, s.map(sentRow))
      receivedBox.hidden = !r.length
      sentBox.hidden = !s.length
    }
    if (listed.status === "fulfilled") {
      const list = listed.value.friends || []
      clear(friends, list.map(friendRow))
      status.textContent = list.length ? "" : "No friends yet. Add one by their username above."
    } else {
      status.textContent = plainError(listed.reason)
    }
  }

  clear(
    main,
    h(
      "section",
      { class: "card narrow friends" },
      h("h1", {}, "Friends"),
      h(
        "form",
        { onsubmit: onAdd, "data-testid": "add-friend-form" },
        h("label", { for: "friend-username" }, "Add a friend by username"),
        h("div", { class: "row nowrap" }, name, add),
        error,
      ),
      receivedBox,
      sentBox,
      h("h2", {}, "Your friends"),
      friends,
      status,
    ),
  )
  name.focus()
  load()
  social.addEventListener("changed", load)
  const timer = setInterval(load, REFRESH_MS)
  return () => {
    social.removeEventListener("changed", load)
    clearInterval(timer)
    loading++
  }
}
