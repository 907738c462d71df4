// Watching a friends' game through its watch link: the board, the clocks, the moves, the
// players and the result, read-only and without their video or chat. The room's frames
// drive it through the same `reduce` as the players' page.
import { Board } from "../board.js"
import { freeze } from "../clock.js"
import { clear, h } from "../dom.js"
import { CLIENT, SERVER, frame } from "../protocol.js"
import { ReconnectTracker } from "../reconnect.js"
import { fillMoves, playerBar, roomError } from "./room/layout.js"
import { fillBar, showClock } from "./room/players.js"
import { boardMarks, initialState, reduce } from "./room/state.js"
import { clockFace, connectionLabel, matchTitle, seat, watchLine } from "./room/status.js"
import { watchersText } from "./room/watch-bar.js"

export function watchView(main, app, rawCode) {
  const code = rawCode.toUpperCase()
  const viewer = { userId: app.user.user_id, username: app.user.username }
  const socket = app.socket
  const tracker = new ReconnectTracker()
  let s = initialState()
  let alive = true
  let flipped = false

  const el = {
    title: h("h1", { class: "watch-title", "data-testid": "watch-title" }),
    watchers: h("span", { class: "watchers", "data-testid": "watchers" }),
    conn: h("span", { class: "conn", "data-testid": "connection" }),
    boardBox: h("div", { class: "board", "data-testid": "board", role: "group", "aria-label": "Chess board" }),
    top: playerBar("top"),
    bottom: playerBar("bottom"),
    status: h("p", { class: "game-status", role: "status", "aria-live": "polite", "data-testid": "game-status" }),
    moves: h("ol", { class: "moves", "data-testid": "move-list", "aria-label": "Moves" }),
  }
  const flip = h("button", { class: "btn btn-small", type: "button", onclick: () => ((flipped = !flipped), render()) }, "Flip board")
  clear(
    main,
    h(
      "section",
      { class: "room watch", "data-room": code, "data-testid": "watch" },
      h(
        "div",
        { class: "room-head" },
        h("div", {}, h("span", { class: "muted" }, "Watching "), el.title),
        h("div", { class: "row" }, el.watchers, flip, el.conn),
      ),
      h("div", { class: "board-col" }, el.top, h("div", { class: "board-wrap" }, el.boardBox), el.bottom),
      h(
        "aside",
        { class: "side card" },
        el.status,
        h("p", { class: "muted watch-note" }, "You are watching: the players' video and chat stay between them."),
        el.moves,
        h("a", { class: "btn btn-small", href: "#/" }, "Back to the lobby"),
      ),
    ),
  )
  const board = new Board(el.boardBox)

  function onFrame({ detail: { frame: f } }) {
    if (!alive) return
    if (f.type === SERVER.ERROR && f.code === "PLAYER_CANNOT_WATCH" && f.context?.type === CLIENT.WATCH_ROOM) {
      app.navigate(`/room/${f.context.roomCode}`) // one of the players: their own page is the room
      return
    }
    const next = reduce(s, f, { code, viewer, serverNow: () => app.serverTime.serverNow(), tracker })
    s = next.state
    // The view has closed: its clocks stop where they were.
    if (f.type === SERVER.WATCHING_CHANGED && !f.allowed && s.clock) s = { ...s, clock: freeze(s.clock, app.serverTime.serverNow()) }
    for (const effect of next.effects) {
      if (effect.do === "showGame" && effect.sound) app.sounds.play(effect.sound)
      else if (effect.do === "endGame") app.sounds.play("end")
      else if (effect.do === "navigate") app.navigate(effect.path)
    }
    if (next.render) render()
  }

  function render() {
    if (!alive) return
    if (s.fatal) {
      roomError(main, s.fatal)
      return
    }
    const g = s.game
    const bottomColour = flipped ? "black" : "white"
    const topColour = flipped ? "white" : "black"
    if (board.orientation() !== bottomColour) board.setOrientation(bottomColour)
    const idOf = (colour) => (g ? (colour === "white" ? g.whitePlayerId : g.blackPlayerId) : s.participants[colour === "white" ? 0 : 1]?.userId)
    for (const [bar, colour] of [
      [el.top, topColour],
      [el.bottom, bottomColour],
    ])
      fillBar(bar, idOf(colour), colour, seat(s, idOf(colour), viewer))
    el.title.textContent = matchTitle(s, viewer)
    el.status.textContent = watchLine(s, viewer)
    el.watchers.textContent = s.watching ? watchersText(s.watchers) : ""
    el.conn.textContent = connectionLabel(socket.status)
    el.conn.dataset.status = socket.status
    if (g) board.show(g.fen, boardMarks(g))
    fillMoves(el.moves, g?.moveSans || [])
    tick()
  }

  let raf = 0
  function tick() {
    const now = app.serverTime.serverNow()
    for (const bar of [el.top, el.bottom]) showClock(bar, clockFace(s, bar.dataset.colour, now))
  }
  function loop() {
    tick()
    raf = requestAnimationFrame(loop)
  }
  raf = requestAnimationFrame(loop)
  const interval = setInterval(tick, 250)

  const watch = () => socket.send(frame(CLIENT.WATCH_ROOM, { roomCode: code }))
  function onStatus({ detail }) {
    // (Re)connected: watching starts afresh, with the room as it now stands.
    if (detail.status === "open" && s.watching && !s.closed && !s.fatal) watch()
    render()
  }
  socket.addEventListener("frame", onFrame)
  socket.addEventListener("status", onStatus)
  if (socket.status === "open") watch()
  render()

  return () => {
    alive = false
    cancelAnimationFrame(raf)
    clearInterval(interval)
    socket.removeEventListener("frame", onFrame)
    socket.removeEventListener("status", onStatus)
    if (socket.status === "open" && s.joined && s.watching && !s.closed) socket.send(frame(CLIENT.LEAVE_ROOM, { roomCode: code }))
    board.destroy()
  }
}
