// A room: the live board, clocks, controls, video and the reconnect state. Everything
// shown comes from server frames (`reduce` says what each does); local checks only give
// instant feedback. This module wires the parts together and redraws them.
import { Board } from "../../board.js"
import { api } from "../../api.js"
import { clear, confirmDialog, h, toast } from "../../dom.js"
import { Premove, premovesOn, setPremovesOn } from "../../premove.js"
import { CLIENT, SERVER, frame } from "../../protocol.js"
import { ReconnectTracker } from "../../reconnect.js"
import { canStartGame, drawOfferFromOpponent, gameControls, takebackRequestFromOpponent, typedMoveIsIllegal } from "./actions.js"
import { chatPanel } from "./chat.js"
import { renderControls, renderDrawBanner, renderStartForm, renderTakebackBanner } from "./controls.js"
import { hideEndPanel, renderClosedNote, renderEndPanel } from "./end-dialog.js"
import { copy, fillMoves, roomError, roomLayout } from "./layout.js"
import { renderOverlay, showGrace } from "./overlay.js"
import { fillBar, showClock } from "./players.js"
import { boardMarks, bothHere, chatRead, initialState, isHost, isLive, myColour, nameOf, opponentAway, opponentId, person, reduce } from "./state.js"
import { closedNote, clockFace, connectionLabel, endLine, firstMoveText, graceText, peerNote, seat, statusLine } from "./status.js"
import { headToHead } from "../head-to-head.js"
import { startVideo } from "./video-panel.js"
import { renderWatchBar, watchLink } from "./watch-bar.js"

export function roomView(main, app, rawCode) {
  const code = rawCode.toUpperCase()
  const me = app.user.user_id
  const viewer = { userId: me, username: app.user.username }
  const socket = app.socket
  const tracker = new ReconnectTracker()
  let s = initialState()
  let alive = true // false once the page has moved on: nothing is drawn after that
  const pending = new Set() // requests sent and not yet answered: their buttons wait
  let pendingTimer = 0
  let typed = null // a move typed in the box and sent, until the server answers it
  let endOpen = false
  const premove = new Premove() // one move queued while the opponent is to move
  let premoves = premovesOn()
  // Refusals of a premove sent on the opponent's move: it is dropped without a word.
  const PREMOVE_REFUSALS = new Set(["ILLEGAL_MOVE", "NOT_YOUR_TURN", "GAME_PAUSED", "NO_ACTIVE_GAME"])
  const send = (type, fields = {}) => {
    const ok = socket.send(frame(type, { roomCode: code, ...fields }))
    if (!ok) toast("Not connected — reconnecting…", { kind: "error" })
    return ok
  }
  // A button's request: sent once, and its button waits until the server has answered.
  const request = (type, fields = {}) => {
    if (pending.has(type)) return false
    const ok = send(type, fields)
    if (ok) {
      pending.add(type)
      clearTimeout(pendingTimer)
      pendingTimer = setTimeout(() => (pending.clear(), render()), 8000)
      render()
    }
    return ok
  }
  const busy = (type) => pending.has(type)
  // The friend hears what this side of the call does (mute, camera, leaving).
  const tellPeer = (data) => bothHere(s) && socket.status === "open" && socket.send(frame(CLIENT.SIGNAL, { roomCode: code, data }))
  const name = (id) => nameOf(s, id, viewer)
  // The score against the friend in this room, from the records: read when they sit down
  // and again as each new game starts (the last one has been recorded by then).
  let scoreFor = null
  let scoreStale = false // a game has ended since the score was read
  function showScore() {
    const them = opponentId(s, me)
    if (!them || (them === scoreFor && !scoreStale)) return
    scoreFor = them
    scoreStale = false
    clear(el.headToHead, h("span", { class: "muted", "aria-hidden": "true" }, `You vs ${name(them)}`), headToHead(them))
  }

  const chat = chatPanel({ send: (text) => send(CLIENT.CHAT, { text }) })
  chat.onChange(() => render())
  const el = roomLayout(main, code, { onTypedMove: typedMove, chat: chat.el })
  const board = new Board(el.boardBox, {
    onMove: (uci) => send(CLIENT.MAKE_MOVE, { move: uci }) || board.revert(),
    onRejected: () => toast("That move isn't legal here.", { kind: "error", ms: 1800 }),
    onPremove: (uci) => premove.queue(uci),
    onPremoveCancel: () => premove.cancel(),
  })
  const dropPremove = () => {
    premove.cancel()
    board.clearPremove()
  }
  const video = startVideo(
    el,
    (data) => socket.send(frame(CLIENT.SIGNAL, { roomCode: code, data })),
    (media) => tellPeer({ media }),
    { onRefresh: () => socket.send(frame(CLIENT.VIDEO_REFRESH, { roomCode: code })), now: () => app.serverTime.serverNow() },
  )

  // ---- the board ----------------------------------------------------------------------
  // The board jumps to each position the server sends, without sliding the pieces: a click
  // made while a piece is still sliding would be lost, and a fast player notices that.
  function drawBoard() {
    const g = s.game
    if (!g) return
    board.show(g.fen, boardMarks(g))
    const mine = myColour(s, me)
    const canMove = isLive(s) && !s.pause && mine && g.turn === mine && socket.status === "open"
    const canPremove = premoves && isLive(s) && !s.pause && mine && g.turn !== mine && socket.status === "open"
    if (!canMove && !canPremove && premove.move) dropPremove()
    board.allow(canMove || canPremove ? mine : null, g.legalMoves, { premove: !canMove && canPremove })
  }

  // The opponent has moved: a queued premove is sent at once, from the new position.
  function playPremove() {
    const uci = premove.opponentMoved()
    board.clearPremove()
    if (uci && !send(CLIENT.MAKE_MOVE, { move: uci })) premove.refused()
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
    el.moveError.textContent = ""
    if (!text || !isLive(s)) return
    if (typedMoveIsIllegal(text, s.game.legalMoves)) {
      el.moveError.textContent = `${text} isn't legal here.`
      return
    }
    // The text stays in the box until the server has made the move, so a refused one can be corrected.
    if (send(CLIENT.MAKE_MOVE, { move: text })) typed = text
  }

  // ---- frames -------------------------------------------------------------------------
  function onFrame({ detail: { frame: f } }) {
    if (!alive) return
    const wasMine = s.game && !s.ended && s.game.turn === myColour(s, me)
    const next = reduce(s, f, { code, viewer, serverNow: () => app.serverTime.serverNow(), tracker })
    s = next.state
    if (next.render && f.type !== SERVER.SIGNAL && f.type !== SERVER.CHAT) pending.clear() // the server has answered
    if (f.type === SERVER.REMATCH_OFFERED && s.ended) endOpen = true // its answer is in the result panel
    if (f.type === SERVER.MOVE_MADE && wasMine && typed !== null) {
      typed = null
      el.moveInput.value = ""
      el.moveError.textContent = ""
    }
    if (f.type === SERVER.ERROR && PREMOVE_REFUSALS.has(f.code) && premove.refused()) {
      drawBoard() // the real position, without a word
      return
    }
    if (f.type === SERVER.MOVE_MADE && wasMine) premove.confirmed()
    if (f.type === SERVER.GAME_STARTED || f.type === SERVER.GAME_ENDED || f.type === SERVER.TAKEBACK_APPLIED) dropPremove()
    if (f.type === SERVER.GAME_ENDED) scoreStale = true // read again when the next game starts
    if (f.type === SERVER.GAME_STARTED && scoreStale) showScore()
    for (const effect of next.effects) perform(effect)
    if (f.type === SERVER.MOVE_MADE && !wasMine && premove.move && s.game.turn === myColour(s, me)) playPremove()
    if (next.render) render()
  }

  function perform(effect) {
    switch (effect.do) {
      case "toast":
        if (effect.code === "ILLEGAL_MOVE" && typed !== null) el.moveError.textContent = `${typed} isn't legal here.`
        else toast(effect.text, { kind: effect.kind })
        if (effect.code) typed = null
        break
      case "closeEndDialog":
        endOpen = false
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
        endOpen = true
        break
      case "revertBoard":
        board.revert()
        break
      case "videoReady":
        video.ready(effect.frame)
        if (!video.micOn || !video.cameraOn) tellPeer({ media: { mic: video.micOn, camera: video.cameraOn } })
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
      case "chatHeard":
        if (!chat.muted) app.sounds.play("chat")
        break
      case "chatRefused":
        chat.restore()
        break
    }
  }

  function renderEnd() {
    if (!s.ended || !endOpen) {
      hideEndPanel(el.endPanel)
      return
    }
    const rematchBy = s.rematch?.byUserId
    renderEndPanel(el.endPanel, s.ended, {
      title: endLine(s, s.ended, viewer),
      isHost: isHost(s, me),
      hostName: name(s.hostUserId),
      closed: Boolean(s.closed),
      rematch: {
        canOffer: bothHere(s) && Boolean(myColour(s, me)),
        mine: rematchBy === me,
        theirs: rematchBy && rematchBy !== me ? name(rematchBy) : null,
      },
      busy,
      on: {
        offerRematch: () => request(CLIENT.OFFER_REMATCH),
        acceptRematch: () => request(CLIENT.ACCEPT_REMATCH),
        declineRematch: () => request(CLIENT.DECLINE_REMATCH),
        nextGame: () => ((endOpen = false), render()),
        close: () => ((endOpen = false), render()),
      },
    })
  }

  // Play the friend again once the room has closed: friends in their own room, anyone else
  // in a fresh one whose link to send them.
  async function playAgain() {
    const them = person(s, opponentId(s, me))
    try {
      const { friends = [] } = await api.friends()
      if (them && friends.some((f) => f.friend_user_id === them.userId)) {
        const { room_code: pair } = await api.pairRoom(them.username)
        app.navigate(`/room/${pair}`)
        return
      }
      const { roomCode } = await api.reserveRoom()
      app.navigate(`/room/${roomCode}`)
    } catch {
      toast("Couldn't open a new room. Please try again.", { kind: "error" })
    }
  }

  // Escape closes the result panel, as it closed the dialog it replaces.
  const onKey = (event) => {
    if (event.key === "Escape" && endOpen) {
      endOpen = false
      render()
    }
  }
  document.addEventListener("keydown", onKey)

  // Leaving a game under way asks first: any page of the app (a link, Back, a typed
  // address; the router asks this guard), or the tab.
  const playing = () => isLive(s) && Boolean(myColour(s, me))
  const leaveGuard = () =>
    playing()
      ? confirmDialog("Leave this game? It is paused, and you lose it unless you come back in time.", { confirm: "Leave", danger: true })
      : Promise.resolve(true)
  app.leaveGuard = leaveGuard
  const onBeforeUnload = (event) => {
    if (playing()) event.preventDefault()
  }
  addEventListener("beforeunload", onBeforeUnload)

  // ---- rendering ----------------------------------------------------------------------
  function render() {
    if (!alive) return
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
    el.status.hidden = Boolean(s.ended && endOpen) // the result panel says it
    el.status.dataset.turn = status.turn
    const offer = drawOfferFromOpponent(s, me)
    renderDrawBanner(el.drawBanner, offer ? name(offer.offered_by_user_id) : null, request, busy)
    const asks = takebackRequestFromOpponent(s, me)
    renderTakebackBanner(el.takebackBanner, asks ? name(asks) : null, request, busy)
    renderControls(el.controls, gameControls(s, me), {
      send: request,
      busy,
      onFlip: () => ((s = { ...s, flipped: !s.flipped }), render()),
      onResult: () => ((endOpen = true), render()),
      premoves: {
        on: premoves,
        set: (on) => {
          premoves = on
          setPremovesOn(on)
          if (!on) dropPremove()
          render()
        },
      },
    })
    if (!scoreStale) showScore()
    renderWatchBar(
      el.watch,
      { count: s.watchers, allowed: s.watching, host: isHost(s, me), closed: Boolean(s.closed), linked: Boolean(s.watchCode) },
      {
        copy: () => copy(watchLink(s.watchCode), "Watch link copied — friends can follow the game, without video or chat."),
        allow: (allowed) => send(CLIENT.SET_WATCHING, { allowed }),
      },
    )
    renderEnd()
    renderClosedNote(el.closedNote, closedNote(s, viewer), { on: { again: playAgain, lobby: () => app.navigate("/") } })
    renderStartForm(el.startForm, { show: canStartGame(s, me) && !endOpen && !s.closed, lastSettings: s.lastSettings, send: request, busy: busy(CLIENT.START_GAME) })
    main.querySelector(".room").dataset.live = String(isLive(s))
    el.peerNote.textContent = peerNote(s, viewer)
    el.peerNote.hidden = !el.peerNote.textContent
    if (s.closed) el.videoNote.textContent = "The call has ended."
    fillMoves(el.moves, s.game?.moveSans || [])
    renderChat()
    overlay()
    el.moveForm.hidden = !isLive(s) || !mine
    el.conn.textContent = connectionLabel(socket.status)
    el.conn.dataset.status = socket.status
    if (g) drawBoard()
    tick()
  }


  function renderChat() {
    // Lines are read while the panel is open; a muted chat counts none.
    if ((chat.open || chat.muted) && s.chat.unread) s = chatRead(s)
    chat.render(s.chat, (id, username) => (person(s, id) ? name(id) : username))
  }

  function overlay() {
    const away = opponentAway(s, me)
    renderOverlay(el.overlay, {
      offline: socket.status !== "open",
      awayName: away ? name(away.userId) : null,
      left: Boolean(away && s.leftUserId === away.userId),
      onRetry: () => socket.retryNow(),
    })
  }

  // ---- clocks and countdowns ----------------------------------------------------------
  let raf = 0
  function tick() {
    const now = app.serverTime.serverNow()
    for (const bar of [el.top, el.bottom]) showClock(bar, clockFace(s, bar.dataset.colour, now))
    showGrace(el.overlay, graceText(s, me, now))
    const first = firstMoveText(s, viewer, now)
    el.firstMove.hidden = first === null
    if (first !== null && el.firstMove.textContent !== first) el.firstMove.textContent = first
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
    alive = false
    cancelAnimationFrame(raf)
    clearInterval(interval)
    clearTimeout(pendingTimer)
    socket.removeEventListener("frame", onFrame)
    socket.removeEventListener("status", onStatus)
    document.removeEventListener("keydown", onKey)
    if (app.leaveGuard === leaveGuard) app.leaveGuard = null
    removeEventListener("beforeunload", onBeforeUnload)
    // Leaving: outside a game the room closes; during one the friend sees at once that
    // this player has left, and the game waits the reconnect grace for them.
    if (socket.status === "open" && s.joined && !s.closed) {
      if (isLive(s)) tellPeer({ left: true })
      socket.send(frame(CLIENT.LEAVE_ROOM, { roomCode: code }))
    }
    video.close()
    board.destroy()
  }
}
