// The lobby: open a room, join one by code, the challenges waiting for an answer, and a
// glance at recent games.
import { api, plainError } from "../api.js"
import { clear, h } from "../dom.js"
import { MESSAGES } from "../protocol.js"
import { settingsInWords } from "./challenge-dialog.js"
import { distinctNames, gameId, gameName, moveCount, opponentName, roomCodeFrom, unavailable, verdict } from "./common.js"
import { acceptChallenge, dropChallenge, social } from "./notifications.js"

export function lobbyView(main, app) {
  const error = h("p", { class: "form-error", role: "alert" })
  const joinError = h("p", { class: "form-error", role: "alert", id: "join-error", "data-testid": "join-error" })
  const code = h("input", {
    id: "join-code",
    name: "code",
    required: true,
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    placeholder: "Code or link",
    "aria-describedby": "join-error",
  })
  // A pasted link shows as the code it names.
  code.addEventListener("input", () => {
    joinError.textContent = ""
    if (code.value.includes("/")) code.value = roomCodeFrom(code.value) || code.value
  })
  const create = h("button", { class: "btn btn-primary btn-wide", type: "button", "data-testid": "create-room" }, "Create a room")
  create.addEventListener("click", async () => {
    create.disabled = true
    error.textContent = ""
    try {
      const { roomCode } = await api.reserveRoom()
      app.navigate(`/room/${roomCode}`)
    } catch (e) {
      error.textContent = plainError(e)
      create.disabled = false
    }
  })
  const join = (event) => {
    event.preventDefault()
    const room = roomCodeFrom(code.value)
    if (room) app.navigate(`/room/${room}`)
    else joinError.textContent = MESSAGES.INVALID_ROOM_CODE
  }
  const recent = h("div", { class: "recent" }, h("p", { class: "muted" }, "Loading your games…"))
  const challenges = h("div", { "data-testid": "challenges" }, h("p", { class: "muted" }, "Loading challenges…"))
  const u = app.user
  clear(
    main,
    h(
      "section",
      { class: "lobby" },
      h(
        "div",
        { class: "card lobby-play" },
        h("h1", {}, `Hi ${u.display_name || u.username}`),
        h("p", { class: "muted" }, "Open a room and send its link to a friend. You will see and hear each other while you play."),
        create,
        error,
        h("div", { class: "divider" }, h("span", {}, "or join a friend")),
        h(
          "form",
          { class: "row", onsubmit: join },
          h("label", { for: "join-code", class: "sr-only" }, "Room code"),
          code,
          h("button", { class: "btn", type: "submit", "data-testid": "join-room" }, "Join"),
        ),
        joinError,
      ),
      h(
        "div",
        { class: "card lobby-stats" },
        h("h2", {}, "Your record"),
        h(
          "dl",
          { class: "stats" },
          stat("Wins", u.wins),
          stat("Losses", u.losses),
          stat("Draws", u.draws),
          stat("Games", u.total_games),
        ),
        h("h2", {}, "Recent games"),
        recent,
        h("a", { href: "#/history" }, "All games →"),
      ),
      h("div", { class: "card lobby-challenges" }, h("h2", {}, "Challenges"), challenges),
    ),
  )
  code.focus()
  let loads = 0
  const loadChallenges = async () => {
    const mine = ++loads
    const shown = await challengesList(app)
    if (mine === loads) clear(challenges, shown)
  }
  loadChallenges()
  social.addEventListener("changed", loadChallenges)
  api
    .history()
    .then(({ games }) => {
      if (!games?.length) return clear(recent, h("p", { class: "muted" }, "No games yet — your first one is a link away."))
      const named = distinctNames()
      clear(
        recent,
        h(
          "ul",
          { class: "recent-list" },
          games.slice(0, 5).map((g) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/games/${gameId(g)}`, "aria-label": named(gameName(g, u.user_id)) },
                `${verdict(g, u.user_id)} vs ${opponentName(g, u.user_id)}`,
              ),
              h("span", { class: "muted" }, ` · ${moveCount(g)} ${moveCount(g) === 1 ? "move" : "moves"}`),
            ),
          ),
        ),
      )
    })
    .catch((e) => clear(recent, h("p", { class: "muted" }, unavailable(e, "Game history"))))
  return () => social.removeEventListener("changed", loadChallenges)
}

/** The pending challenges: received ones to accept or decline, sent ones to withdraw. */
async function challengesList(app) {
  const me = app.user.user_id
  let waiting
  try {
    waiting = (await api.challenges()).challenges || []
  } catch (e) {
    return h("p", { class: "muted" }, plainError(e))
  }
  if (!waiting.length) {
    return h("p", { class: "muted" }, "No challenges waiting. ", h("a", { href: "#/friends" }, "Challenge a friend →"))
  }
  const button = (label, cls, name, work) =>
    h(
      "button",
      {
        class: `btn btn-small ${cls}`,
        type: "button",
        "aria-label": name,
        onclick: (event) => {
          event.currentTarget.disabled = true
          work()
        },
      },
      label,
    )
  return h(
    "ul",
    { class: "people" },
    waiting.map((c) => {
      const mine = c.challenger_user_id === me
      const who = mine ? c.challenged_username : c.challenger_username
      const actions = mine
        ? [button("Cancel", "", `Cancel challenge to ${who}`, () => dropChallenge(c, "cancel"))]
        : [
            button("Accept", "btn-primary", `Accept challenge from ${who}`, () => acceptChallenge(app, c.challenge_id)),
            button("Decline", "", `Decline challenge from ${who}`, () => dropChallenge(c, "decline")),
          ]
      return h(
        "li",
        { "data-testid": mine ? "sent-challenge" : "received-challenge" },
        h(
          "span",
          { class: "person" },
          mine ? `You challenged ${who}` : `${who} challenged you`,
          h("span", { class: "muted challenge-terms" }, settingsInWords(c.settings, mine)),
        ),
        h("span", { class: "row" }, actions),
      )
    }),
  )
}

function stat(label, value) {
  return h("div", {}, h("dt", {}, label), h("dd", {}, String(value ?? 0)))
}
