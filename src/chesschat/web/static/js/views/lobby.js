// The lobby: open a room, join one by code, and a glance at recent games.
import { api } from "../api.js"
import { clear, h } from "../dom.js"
import { gameId, moveCount, opponentName, unavailable, verdict } from "./common.js"

export function lobbyView(main, app) {
  const error = h("p", { class: "form-error", role: "alert" })
  const code = h("input", {
    id: "join-code",
    name: "code",
    required: true,
    maxlength: 8,
    minlength: 8,
    pattern: "[A-Za-z0-9]{8}",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    placeholder: "ABCD2345",
    title: "The 8-character room code",
  })
  const create = h("button", { class: "btn btn-primary btn-wide", type: "button", "data-testid": "create-room" }, "Create a room")
  create.addEventListener("click", async () => {
    create.disabled = true
    error.textContent = ""
    try {
      const { roomCode } = await api.reserveRoom()
      app.navigate(`/room/${roomCode}`)
    } catch (e) {
      error.textContent = e.message
      create.disabled = false
    }
  })
  const join = (event) => {
    event.preventDefault()
    app.navigate(`/room/${code.value.trim().toUpperCase()}`)
  }
  const recent = h("div", { class: "recent" }, h("p", { class: "muted" }, "Loading your games…"))
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
    ),
  )
  code.focus()
  api
    .history()
    .then(({ games }) => {
      if (!games?.length) return clear(recent, h("p", { class: "muted" }, "No games yet — your first one is a link away."))
      clear(
        recent,
        h(
          "ul",
          { class: "recent-list" },
          games.slice(0, 5).map((g) =>
            h(
              "li",
              {},
              h("a", { href: `#/games/${gameId(g)}` }, `${verdict(g, u.user_id)} vs ${opponentName(g, u.user_id)}`),
              h("span", { class: "muted" }, ` · ${moveCount(g)} ${moveCount(g) === 1 ? "move" : "moves"}`),
            ),
          ),
        ),
      )
    })
    .catch((e) => clear(recent, h("p", { class: "muted" }, unavailable(e, "Game history"))))
}

function stat(label, value) {
  return h("div", {}, h("dt", {}, label), h("dd", {}, String(value ?? 0)))
}
