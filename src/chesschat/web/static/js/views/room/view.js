// A room: the live board, clocks, controls, video and the reconnect state. Everything
// shown comes from server frames (`reduce` says what each does); local checks only give
// instant feedback. This module wires the parts together and redraws them.
import { Board } from "../../board.js"
import { clear, h, toast } from "../../dom.js"
import { moveRows } from "../../moves.js"
import { CLIENT, frame } from "../../protocol.js"
import { ReconnectTracker } from "../../reconnect.js"
import { canStartGame, drawOfferFromOpponent, gameControls, typedMoveIsIllegal } from "./actions.js"
import { renderControls, renderDrawBanner, renderStartForm } from "./controls.js"
import { closeEndDialog, showEndDialog } from "./end-dialog.js"
import { roomError, roomLayout } from "./layout.js"
import { renderOverlay, showGrace } from "./overlay.js"
import { fillBar, showClock } from "./players.js"
import { initialState, isHost, isLive, myColour, nameOf, opponentAway, opponentId, reduce } from "./state.js"
import { clockFace, connectionLabel, endLine, graceText, seat, statusLine } from "./status.js"
import { startVideo } from "./video-panel.js"

export function roomView(main, app, rawCode) {
  const code = rawCode.toUpperCase()
  const me = app.user.user_id
  const viewer = { userId: me, username: app.user.username }
  const socket = app.socket
  const tracker = new ReconnectTracker()
  let s = initialState()
  const send = (type, fields = {}) => {
    const ok = socket.send(frame(type, { roomCode: code, ...fields }))
    if (!ok) toast("Not connected — reconnecting…", { kind: "error" })
    return ok
  }
  const name = (id) => nameOf(s, id, viewer)

  const el = roomLayout(main, code, { onTypedMove: typedMove })
  const board = new Board(el.boardBox, {
    onMove: (uci) => send(CLIENT.MAKE_MOVE, { move: uci }) || board.revert(),
    onRejected: () => toast("That move isn't legal here.", { kind: "error", ms: 1800 }),
  })
  const video = startVideo(el, (data) => socket.send(frame(CLIENT.SIGNAL, { roomCode: code, data })))

  // ---- the board ----------------------------------------------------------------------
  // The board jumps to each position the server sends, without sliding the pieces: a click
  // made while a piece is still sliding would be lost, and a fast player notices that.
  function drawBoard() {
    const g = s.game
    if (!g) return
    const last = g.moves.length ? g.moves[g.moves.length - 1] : null
    const inCheck = g.isCheck ?? false
    board.show(g.fen, { lastMove: last, check: inCheck ? g.turn : null })
    const mine = myColour(s, me)
    const canMove = isLive(s) && !s.pause && mine && g.turn === mine && socket.status === "open"
    board.allow(canMove ? mine : null, g.legalMoves)
  }

  function orient() {
    const mine = myColour(s, me) || "white"
    const colour = s.flipped ? (mine === "white" ? "black" : "white") : mine
    if (board.orientation() !== colour) board.setOrientation(colour)
  }

  // Keyboard players type moves; coordinates are checked here, SAN by the server.
  function typedMove(event) {
    event.preventDefault()
    const text = el.moveInput.value.trim()
    if (!text || !isLive(s)) return
    if (typedMoveIsIllegal(text, s.game.legalMoves)) {
      toast("That move isn't legal here.", { kind: "error" })
      return
    }
    if (send(CLIENT.MAKE_MOVE, { move: text })) el.moveInput.value = ""
  }

  // ---- frames -------------------------------------------------------------------------
  function onFrame({ detail: { frame: f } }) {
    const next = reduce(s, f, { code, viewer, serverNow: () => app.serverTime.serverNow(), tracker })
    s = next.state
    for (const effect of next.effects) perform(effect)
    if (next.render) render()
  }

  function perform(effect) {
    switch (effect.do) {
      case "toast":
        toast(effect.text, { kind: effect.kind })
        break
      case "closeEndDialog":
        closeEndDialog(el.endDialog)
        break
      case "showGame":
        if (effect.gameId) el.boardBox.dataset.game = effect.gameId
        if (effect.sound) app.sounds.play(effect.sound)
        drawBoard()
        break
      case "orient":
        orient()
        break
      case "endGame":
        if (s.game) drawBoard()
        app.sounds.play("end")
        showEnd(effect.ended)
        break
      case "revertBoard":
        board.revert()
        break
      case "videoReady":
        video.ready(effect.frame)
        break
      case "videoUnavailable":
        video.unavailable(effect.reason)
        break
      case "videoSignal":
        video.receive(effect.data)
        break
      case "videoClose":
        video.close()
        break
      case "navigate":
        app.navigate(effect.path)
        break
    }
  }

  function showEnd(f) {
    showEndDialog(el.endDialog, f, {
      title: endLine(s, f, viewer),
      isHost: isHost(s, me),
      hostName: name(s.hostUserId),
      onNextGame: () => (closeEndDialog(el.endDialog), render()),
    })
  }
  el.endDialog.addEventListener("close", () => render())

  // ---- rendering ----------------------------------------------------------------------
  function render() {
    if (s.fatal) {
      roomError(main, s.fatal)
      return
    }
    const g = s.game
    const mine = myColour(s, me)
    orient()
    const bottomColour = board.orientation()
    const topColour = bottomColour === "white" ? "black" : "white"
    const idOf = (colour) => (g ? (colour === "white" ? g.whitePlayerId : g.blackPlayerId) : colour === bottomColour ? me : opponentId(s, me))
    const fill = (bar, colour) => fillBar(bar, idOf(colour), colour, seat(s, idOf(colour), viewer))
    fill(el.top, topColour)
    fill(el.bottom, bottomColour)
    const status = statusLine(s, viewer)
    el.status.textContent = status.text
    el.status.dataset.turn = status.turn
    const offer = drawOfferFromOpponent(s, me)
    renderDrawBanner(el.drawBanner, offer ? name(offer.offered_by_user_id) : null, send)
    renderControls(el.controls, gameControls(s, me), {
      send,
      onFlip: () => ((s = { ...s, flipped: !s.flipped }), render()),
      onResult: () => showEnd(s.ended),
    })
    renderStartForm(el.startForm, { show: canStartGame(s, me) && !el.endDialog.open, lastSettings: s.lastSettings, send })
    renderMoves()
    overlay()
    el.moveForm.hidden = !isLive(s) || !mine
    el.conn.textContent = connectionLabel(socket.status)
    el.conn.dataset.status = socket.status
    if (g) drawBoard()
    tick()
  }

  function renderMoves() {
    const sans = s.game?.moveSans || []
    clear(
      el.moves,
      moveRows(sans).map(([n, w, b]) => h("li", {}, h("span", { class: "move-no" }, `${n}.`), h("span", { class: "move" }, w), h("span", { class: "move" }, b))),
    )
    el.moves.scrollTop = el.moves.scrollHeight
  }

  function overlay() {
    const away = opponentAway(s, me)
    renderOverlay(el.overlay, { offline: socket.status !== "open", awayName: away ? name(away.userId) : null, onRetry: () => socket.retryNow() })
  }

  // ---- clocks and countdowns ----------------------------------------------------------
  let raf = 0
  function tick() {
    const now = app.serverTime.serverNow()
    for (const bar of [el.top, el.bottom]) showClock(bar, clockFace(s, bar.dataset.colour, now))
    showGrace(el.overlay, graceText(s, me, now))
  }
  function loop() {
    tick()
    raf = requestAnimationFrame(loop)
  }
  raf = requestAnimationFrame(loop)
  const interval = setInterval(tick, 250) // keeps clocks right when frames are throttled

  // ---- socket lifecycle ---------------------------------------------------------------
  function onStatus({ detail }) {
    if (detail.status === "open") {
      // (Re)join: the server answers with the whole room state.
      socket.send(frame(CLIENT.JOIN_ROOM, { roomCode: code }))
    }
    if (s.game) drawBoard()
    overlay()
    render()
  }
  socket.addEventListener("frame", onFrame)
  socket.addEventListener("status", onStatus)
  if (socket.status === "open") socket.send(frame(CLIENT.JOIN_ROOM, { roomCode: code }))
  render()

  return () => {
    cancelAnimationFrame(raf)
    clearInterval(interval)
    socket.removeEventListener("frame", onFrame)
    socket.removeEventListener("status", onStatus)
    if (socket.status === "open" && s.joined && !isLive(s)) socket.send(frame(CLIENT.LEAVE_ROOM, { roomCode: code }))
    video.close()
    closeEndDialog(el.endDialog)
    board.destroy()
  }
}
