// A room: the live board, clocks, controls, video and the reconnect state. Everything
// shown comes from server frames; local checks only give instant feedback.
import { Board } from "../board.js"
import { clockSnapshot, formatClock, freeze, isLowTime, remainingAt, secondsUntil } from "../clock.js"
import { clear, confirmDialog, download, h, toast } from "../dom.js"
import { moveRows, normalizeFen } from "../moves.js"
import { CLIENT, REASONS, SERVER, errorText, frame } from "../protocol.js"
import { ReconnectTracker, pauseFromFrame } from "../reconnect.js"
import { soundFor } from "../sounds.js"
import { VideoCall } from "../video.js"
import { downloadPgn } from "./history.js"

const PRESETS = [
  ["1+0", 1, 0],
  ["3+0", 3, 0],
  ["3+2", 3, 2],
  ["5+0", 5, 0],
  ["5+3", 5, 3],
  ["10+0", 10, 0],
  ["10+5", 10, 5],
  ["15+10", 15, 10],
  ["30+0", 30, 0],
]
const JOIN_FATAL = new Set(["ROOM_NOT_FOUND", "ROOM_FULL", "ROOM_TERMINATED", "INVALID_ROOM_CODE", "RECONNECT_WINDOW_EXPIRED"])
const REVERT_ON = new Set(["ILLEGAL_MOVE", "NOT_YOUR_TURN", "GAME_PAUSED", "NO_ACTIVE_GAME"])

export function roomView(main, app, rawCode) {
  const code = rawCode.toUpperCase()
  const me = app.user.user_id
  const socket = app.socket
  const tracker = new ReconnectTracker()
  const s = {
    joined: false,
    hostUserId: null,
    participants: [],
    game: null, // the current or last game
    clock: null,
    pause: null,
    ended: null, // game_ended frame of the last game
    fatal: null,
    flipped: false,
    lastSettings: null,
  }
  const send = (type, fields = {}) => {
    const ok = socket.send(frame(type, { roomCode: code, ...fields }))
    if (!ok) toast("Not connected — reconnecting…", { kind: "error" })
    return ok
  }

  // ---- layout -------------------------------------------------------------------------
  const el = {}
  el.boardBox = h("div", { class: "board", "data-testid": "board" })
  el.top = playerBar("top")
  el.bottom = playerBar("bottom")
  el.overlay = h("div", { class: "overlay", hidden: true, role: "status", "aria-live": "assertive", "data-testid": "reconnect-overlay" })
  el.status = h("p", { class: "game-status", role: "status", "aria-live": "polite", "data-testid": "game-status" })
  el.drawBanner = h("div", { class: "banner", hidden: true, "data-testid": "draw-banner" })
  el.controls = h("div", { class: "controls" })
  el.startForm = h("form", { class: "start-form", hidden: true, "data-testid": "start-form" })
  el.moves = h("ol", { class: "moves", "data-testid": "move-list", "aria-label": "Moves" })
  el.moveInput = h("input", {
    id: "move-input",
    class: "move-input",
    placeholder: "Type a move: e4, Nf3, e2e4",
    autocomplete: "off",
    spellcheck: "false",
  })
  el.moveForm = h(
    "form",
    { class: "row", onsubmit: (e) => typedMove(e) },
    h("label", { for: "move-input", class: "sr-only" }, "Type a move"),
    el.moveInput,
    h("button", { class: "btn btn-small", type: "submit" }, "Play"),
  )
  el.remote = h("video", { class: "video-remote", autoplay: true, playsinline: true, "data-testid": "remote-video" })
  el.local = h("video", { class: "video-local", autoplay: true, playsinline: true, "data-testid": "local-video" })
  el.local.muted = true
  el.videoNote = h("p", { class: "video-note", "data-testid": "video-state" }, "Video starts when your friend joins.")
  el.mic = h("button", { class: "btn btn-small", type: "button", "aria-pressed": "false", "data-testid": "toggle-mic" }, "Mute mic")
  el.cam = h("button", { class: "btn btn-small", type: "button", "aria-pressed": "false", "data-testid": "toggle-camera" }, "Camera off")
  el.unmute = h("button", { class: "btn btn-small", type: "button", hidden: true }, "Turn on sound")
  el.endDialog = h("dialog", { class: "dialog end-dialog", "data-testid": "end-dialog", "aria-labelledby": "end-title" })
  el.conn = h("span", { class: "conn", "data-testid": "connection" })
  const link = `${location.origin}${location.pathname}#/room/${code}`

  clear(
    main,
    h(
      "section",
      { class: "room", "data-room": code },
      h(
        "div",
        { class: "room-head" },
        h("div", {}, h("span", { class: "muted" }, "Room "), h("strong", { class: "room-code", "data-testid": "room-code" }, code)),
        h(
          "div",
          { class: "row" },
          h("button", { class: "btn btn-small", type: "button", onclick: () => copy(link, "Link copied — send it to your friend.") }, "Copy link"),
          h("button", { class: "btn btn-small", type: "button", onclick: () => copy(code, "Code copied.") }, "Copy code"),
          navigator.share
            ? h("button", { class: "btn btn-small", type: "button", onclick: () => navigator.share({ title: "Play chess with me", url: link }).catch(() => {}) }, "Share")
            : null,
          el.conn,
        ),
      ),
      h(
        "div",
        { class: "video-panel", "aria-label": "Video" },
        h("div", { class: "video-stage" }, el.remote, el.local, el.videoNote),
        h("div", { class: "row video-controls" }, el.mic, el.cam, el.unmute),
      ),
      h("div", { class: "board-col" }, el.top, h("div", { class: "board-wrap" }, el.boardBox, el.overlay), el.bottom),
      h(
        "aside",
        { class: "side card" },
        el.status,
        el.drawBanner,
        el.startForm,
        el.controls,
        el.moves,
        el.moveForm,
      ),
      el.endDialog,
    ),
  )

  const board = new Board(el.boardBox, {
    onMove: (uci) => send(CLIENT.MAKE_MOVE, { move: uci }) || board.revert(),
    onRejected: () => toast("That move isn't legal here.", { kind: "error", ms: 1800 }),
  })

  const video = new VideoCall({
    send: (data) => socket.send(frame(CLIENT.SIGNAL, { roomCode: code, data })),
    localVideo: el.local,
    remoteVideo: el.remote,
  })
  video.addEventListener("state", ({ detail }) => {
    el.videoNote.hidden = detail.state === "live"
    el.videoNote.dataset.state = detail.state
    el.videoNote.textContent =
      detail.state === "connecting"
        ? "Connecting video…"
        : detail.state === "unavailable"
          ? `Video unavailable — ${detail.reason} The game goes on.`
          : "Video starts when your friend joins."
  })
  video.addEventListener("local", ({ detail }) => {
    if (!detail.ok) {
      el.local.classList.add("off")
      toast("Camera or microphone unavailable — your friend won't see you, but you can still see them.", { kind: "error" })
    }
  })
  video.addEventListener("muted-autoplay", () => (el.unmute.hidden = false))
  el.unmute.addEventListener("click", () => {
    el.remote.muted = false
    el.remote.play().catch(() => {})
    el.unmute.hidden = true
  })
  el.mic.addEventListener("click", () => {
    const on = video.toggleMic()
    el.mic.textContent = on ? "Mute mic" : "Unmute mic"
    el.mic.setAttribute("aria-pressed", String(!on))
  })
  el.cam.addEventListener("click", () => {
    const on = video.toggleCamera()
    el.cam.textContent = on ? "Camera off" : "Camera on"
    el.cam.setAttribute("aria-pressed", String(!on))
    el.local.classList.toggle("off", !on)
  })
  // The camera starts on entering the room, so the self-view shows (and the browser asks
  // for permission) while waiting for the friend, not in the middle of the game.
  video.media()

  // ---- helpers ------------------------------------------------------------------------
  function playerBar(position) {
    return h(
      "div",
      { class: `player-bar player-${position}`, "data-testid": `player-${position}` },
      h("span", { class: "presence" }),
      h("span", { class: "player-name" }),
      h("span", { class: "player-note" }),
      h("span", { class: "clock", role: "timer", "data-testid": `clock-${position}` }, "–:––"),
    )
  }

  function copy(text, message) {
    navigator.clipboard?.writeText(text).then(
      () => toast(message),
      () => toast(text),
    )
  }

  const person = (id) => s.participants.find((p) => p.userId === id)
  const nameOf = (id) => {
    const p = person(id)
    return p ? p.displayName || p.username : id === me ? app.user.username : "Opponent"
  }
  const opponentId = () => s.participants.find((p) => p.userId !== me)?.userId ?? null
  const myColour = () => (!s.game ? null : s.game.whitePlayerId === me ? "white" : s.game.blackPlayerId === me ? "black" : null)
  const live = () => s.game && !s.ended
  const isHost = () => s.hostUserId === me
  const bothHere = () => s.participants.length === 2 && s.participants.every((p) => p.connected)

  function applyGame(g, { sound = null } = {}) {
    const previous = s.game
    s.game = {
      ...(previous && previous.gameId === g.gameId ? previous : {}),
      ...g,
      fen: normalizeFen(g.fen),
      moveSans: g.moveSans ?? previous?.moveSans ?? [],
      moves: g.moves ?? previous?.moves ?? [],
    }
    if (g.settings) s.lastSettings = g.settings
    if (g.gameId) el.boardBox.dataset.game = g.gameId
    s.clock = clockSnapshot(g, { running: !s.ended })
    if (sound) app.sounds.play(sound)
    drawBoard()
  }

  // The board jumps to each position the server sends, without sliding the pieces: a click
  // made while a piece is still sliding would be lost, and a fast player notices that.
  function drawBoard() {
    const g = s.game
    if (!g) return
    const last = g.moves.length ? g.moves[g.moves.length - 1] : null
    const inCheck = g.isCheck ?? false
    board.show(g.fen, { lastMove: last, check: inCheck ? g.turn : null })
    const mine = myColour()
    const canMove = live() && !s.pause && mine && g.turn === mine && socket.status === "open"
    board.allow(canMove ? mine : null, g.legalMoves)
  }

  function orient() {
    const mine = myColour() || "white"
    const colour = s.flipped ? (mine === "white" ? "black" : "white") : mine
    if (board.orientation() !== colour) board.setOrientation(colour)
  }

  // ---- frames -------------------------------------------------------------------------
  function onFrame({ detail: { frame: f } }) {
    if (f.roomCode && f.roomCode !== code && f.type !== SERVER.ERROR) return
    switch (f.type) {
      case SERVER.ROOM_JOINED:
        if (!tracker.accept(f)) return
        s.joined = true
        s.fatal = null
        s.hostUserId = f.hostUserId ?? s.hostUserId
        s.participants = f.participants || []
        if (f.activeGame) {
          s.ended = null
          closeEndDialog()
          applyGame(f.activeGame)
          s.pause =
            f.activeGame.disconnectedUserId && f.activeGame.disconnectDeadlineMs
              ? { userId: f.activeGame.disconnectedUserId, graceEndsAt: f.activeGame.disconnectDeadlineMs }
              : null
          if (s.pause || f.activeGame.paused) s.clock = { ...s.clock, running: false }
        } else if (live() && f.lastGame?.gameId === s.game.gameId) {
          // The game ended while this page could not hear it (its server's link to Redis
          // was cut), and the server has resent the room: show how the game ended.
          endGame({ type: SERVER.GAME_ENDED, ...f.lastGame, pgn: null }, s.game)
        }
        break
      case SERVER.PARTICIPANT_JOINED:
      case SERVER.PARTICIPANT_LEFT: {
        const known = Boolean(person(f.userId))
        s.participants = f.participants || s.participants
        const fresh = f.type === SERVER.PARTICIPANT_JOINED && !known // a rejoin says "is back" later
        if (fresh && f.userId !== me && s.joined) toast(`${nameOf(f.userId)} joined.`)
        break
      }
      case SERVER.RECONNECT_STATE: {
        if (!tracker.accept(f)) return
        s.pause = pauseFromFrame(f)
        if (s.pause && s.clock) s.clock = freeze(s.clock, app.serverTime.serverNow())
        if (!s.pause && f.disconnectedUserId && f.disconnectedUserId !== me) toast(`${nameOf(f.disconnectedUserId)} is back.`)
        break
      }
      case SERVER.GAME_STARTED:
        s.ended = null
        s.pause = null
        s.flipped = false
        closeEndDialog()
        applyGame(f, { sound: "start" })
        orient()
        break
      case SERVER.MOVE_MADE:
        applyGame(f, { sound: soundFor(f) })
        break
      case SERVER.TAKEBACK_APPLIED:
        applyGame({ ...f, isCheck: false })
        toast(f.byUserId === me ? "Your move was taken back." : `${nameOf(f.byUserId)} took back a move.`)
        break
      case SERVER.DRAW_OFFER_PENDING:
      case SERVER.DRAW_OFFER_STATE:
        if (s.game) s.game.drawOffer = f.drawOffer
        break
      case SERVER.DRAW_ACCEPTED:
        toast("Draw agreed.")
        break
      case SERVER.GAME_ENDED:
        if (!tracker.accept(f)) return
        endGame(f, f)
        break
      case SERVER.VIDEO_READY:
        if (f.provider && f.provider !== "webrtc") video.unavailable("This server's video provider is not supported by this page.")
        else video.ready(f)
        break
      case SERVER.VIDEO_UNAVAILABLE:
        video.unavailable(f.reason)
        break
      case SERVER.SIGNAL:
        video.receive(f.data)
        break
      case SERVER.ROOM_CLOSED:
        s.fatal = `This room is closed${f.reason ? ` (${f.reason.replaceAll("_", " ")})` : ""}.`
        video.close()
        break
      case SERVER.ROOM_LEFT:
        app.navigate("/")
        return
      case SERVER.ERROR:
        onError(f)
        break
      default:
        return
    }
    render()
  }

  function onError(f) {
    const ctxRoom = f.context?.roomCode
    if (ctxRoom && ctxRoom !== code) return
    if (!s.joined && JOIN_FATAL.has(f.code)) {
      s.fatal = errorText(f)
      return
    }
    if (REVERT_ON.has(f.code)) board.revert()
    toast(errorText(f), { kind: f.retryable ? "info" : "error" })
  }

  // ---- rendering ----------------------------------------------------------------------
  function render() {
    if (s.fatal) {
      clear(
        main,
        h(
          "section",
          { class: "card narrow", "data-testid": "room-error" },
          h("h1", {}, "Can't open this room"),
          h("p", {}, s.fatal),
          h("a", { class: "btn btn-primary", href: "#/" }, "Back to the lobby"),
        ),
      )
      return
    }
    const g = s.game
    const mine = myColour()
    orient()
    const bottomColour = board.orientation()
    const topColour = bottomColour === "white" ? "black" : "white"
    const idOf = (colour) => (g ? (colour === "white" ? g.whitePlayerId : g.blackPlayerId) : colour === bottomColour ? me : opponentId())
    fillBar(el.top, idOf(topColour), topColour)
    fillBar(el.bottom, idOf(bottomColour), bottomColour)
    renderStatus(mine)
    renderDraw()
    renderControls(mine)
    renderStartForm()
    renderMoves()
    renderOverlay()
    el.moveForm.hidden = !live() || !mine
    el.conn.textContent = socket.status === "open" ? "● online" : socket.status === "reconnecting" ? "● reconnecting" : "● connecting"
    el.conn.dataset.status = socket.status
    if (g) drawBoard()
    tick()
  }

  function fillBar(bar, userId, colour) {
    const p = userId ? person(userId) : null
    bar.dataset.colour = colour
    bar.dataset.userId = userId || ""
    bar.querySelector(".player-name").textContent = userId ? nameOf(userId) + (userId === me ? " (you)" : "") : "Waiting for a friend…"
    const presence = bar.querySelector(".presence")
    presence.dataset.on = String(Boolean(p?.connected))
    presence.title = p?.connected ? "Connected" : "Not connected"
    const note = bar.querySelector(".player-note")
    note.textContent = s.game?.drawOffer?.offered_by_user_id === userId && userId ? "offers a draw" : ""
  }

  function renderStatus(mine) {
    const g = s.game
    let text
    if (!s.joined) text = "Joining the room…"
    else if (s.ended) text = endLine(s.ended)
    else if (g && s.pause) text = s.pause.userId === me ? "You were disconnected — the game is paused." : `${nameOf(s.pause.userId)} lost connection — the game is paused.`
    else if (g) text = g.turn === mine ? "Your move" : `${nameOf(g.turn === "white" ? g.whitePlayerId : g.blackPlayerId)} to move`
    else if (s.participants.length < 2) text = "Waiting for your friend — send them the link."
    else if (!bothHere()) text = "Waiting for your friend to reconnect…"
    else text = isHost() ? "Choose the time control and start the game." : `Waiting for ${nameOf(s.hostUserId)} to start the game.`
    el.status.textContent = text
    el.status.dataset.turn = g && !s.ended ? (g.turn === mine ? "mine" : "theirs") : ""
  }

  function endLine(f) {
    const reason = REASONS[f.result] || f.result
    if (f.result === "aborted") return "Game aborted."
    if (f.winner === "draw") return `Draw ${reason}.`
    return f.winner === me ? `You won ${reason}!` : `${nameOf(f.winner)} won ${reason}.`
  }

  function renderDraw() {
    const offer = live() ? s.game.drawOffer : null
    const fromThem = offer && offer.offered_by_user_id !== me
    el.drawBanner.hidden = !fromThem
    if (fromThem) {
      clear(
        el.drawBanner,
        h("span", {}, `${nameOf(offer.offered_by_user_id)} offers a draw.`),
        h("button", { class: "btn btn-small btn-primary", type: "button", "data-testid": "accept-draw", onclick: () => send(CLIENT.ACCEPT_DRAW) }, "Accept"),
        h("button", { class: "btn btn-small", type: "button", "data-testid": "decline-draw", onclick: () => send(CLIENT.DECLINE_DRAW) }, "Decline"),
      )
    }
  }

  function renderControls(mine) {
    const g = s.game
    const buttons = [h("button", { class: "btn btn-small", type: "button", "data-testid": "flip", onclick: () => ((s.flipped = !s.flipped), render()) }, "Flip board")]
    if (live() && mine) {
      const paused = Boolean(s.pause)
      const myOffer = g.drawOffer?.offered_by_user_id === me
      if ((g.ply ?? g.moves.length) < 2)
        buttons.push(h("button", { class: "btn btn-small", type: "button", disabled: paused, "data-testid": "abort", onclick: () => send(CLIENT.ABORT) }, "Abort"))
      if (myOffer) buttons.push(h("button", { class: "btn btn-small", type: "button", "data-testid": "cancel-draw", onclick: () => send(CLIENT.CANCEL_DRAW) }, "Cancel draw offer"))
      else if (!g.drawOffer)
        buttons.push(h("button", { class: "btn btn-small", type: "button", disabled: paused, "data-testid": "offer-draw", onclick: () => send(CLIENT.OFFER_DRAW) }, "Offer draw"))
      const st = g.settings || {}
      if (st.allow_takebacks) {
        const used = mine === "white" ? g.takebacksWhiteUsed : g.takebacksBlackUsed
        const max = mine === "white" ? st.takebacks_white_max : st.takebacks_black_max
        buttons.push(
          h("button", { class: "btn btn-small", type: "button", disabled: paused || used >= max, "data-testid": "takeback", onclick: () => send(CLIENT.REQUEST_TAKEBACK) }, `Take back (${Math.max(0, max - used)})`),
        )
      }
      buttons.push(
        h(
          "button",
          {
            class: "btn btn-small btn-danger",
            type: "button",
            "data-testid": "resign",
            onclick: async () => (await confirmDialog("Resign this game?", { confirm: "Resign", danger: true })) && send(CLIENT.RESIGN),
          },
          "Resign",
        ),
      )
    }
    if (s.ended) buttons.push(h("button", { class: "btn btn-small", type: "button", onclick: () => showEndDialog(s.ended) }, "Result"))
    clear(el.controls, buttons)
  }

  function renderStartForm() {
    const show = s.joined && !live() && isHost() && bothHere() && !el.endDialog.open
    el.startForm.hidden = !show
    if (!show || el.startForm.childElementCount) return
    const st = s.lastSettings
    const minutes = h("input", { id: "tc-minutes", name: "minutes", type: "number", min: "0.05", max: "180", step: "any", required: true, value: st ? st.initial_time_white / 60 : 5 })
    const inc = h("input", { id: "tc-increment", name: "increment", type: "number", min: "0", max: "60", step: "1", required: true, value: st ? st.increment_seconds : 0 })
    const allow = h("input", { id: "tc-takebacks", name: "takebacks", type: "checkbox", checked: Boolean(st?.allow_takebacks) })
    const count = h("input", { id: "tc-takeback-count", name: "takebackCount", type: "number", min: "1", max: "10", value: st?.takebacks_white_max || 1 })
    const presets = h(
      "div",
      { class: "presets", role: "group", "aria-label": "Time control presets" },
      PRESETS.map(([label, m, i]) =>
        h("button", { class: "btn btn-small", type: "button", onclick: () => ((minutes.value = m), (inc.value = i)) }, label),
      ),
    )
    clear(
      el.startForm,
      h("h2", {}, "New game"),
      presets,
      h("div", { class: "grid2" }, h("label", { for: "tc-minutes" }, "Minutes each"), minutes, h("label", { for: "tc-increment" }, "Increment (s)"), inc),
      h("label", { class: "check" }, allow, " Allow takebacks"),
      h("div", { class: "grid2" }, h("label", { for: "tc-takeback-count" }, "Takebacks each"), count),
      h("button", { class: "btn btn-primary btn-wide", type: "submit", "data-testid": "start-game" }, "Start game"),
    )
    el.startForm.onsubmit = (event) => {
      event.preventDefault()
      const seconds = Math.round(Number(minutes.value) * 60 * 1000) / 1000
      const n = allow.checked ? Math.max(1, Number(count.value) || 1) : 0
      send(CLIENT.START_GAME, {
        settings: {
          timeWhiteSeconds: seconds,
          timeBlackSeconds: seconds,
          incrementSeconds: Number(inc.value) || 0,
          allowTakebacks: allow.checked,
          takebacksWhite: n,
          takebacksBlack: n,
        },
      })
    }
  }

  function renderMoves() {
    const sans = s.game?.moveSans || []
    clear(
      el.moves,
      moveRows(sans).map(([n, w, b]) => h("li", {}, h("span", { class: "move-no" }, `${n}.`), h("span", { class: "move" }, w), h("span", { class: "move" }, b))),
    )
    el.moves.scrollTop = el.moves.scrollHeight
  }

  function renderOverlay() {
    const offline = socket.status !== "open"
    const pausedForThem = live() && s.pause && s.pause.userId !== me
    el.overlay.hidden = !(offline || pausedForThem)
    el.overlay.dataset.kind = offline ? "self" : pausedForThem ? "opponent" : ""
    if (offline) {
      clear(
        el.overlay,
        h("div", { class: "spinner", "aria-hidden": "true" }),
        h("strong", {}, "Reconnecting…"),
        h("span", { class: "grace" }),
        h("button", { class: "btn btn-small", type: "button", onclick: () => socket.retryNow() }, "Retry now"),
      )
    } else if (pausedForThem) {
      clear(
        el.overlay,
        h("div", { class: "spinner", "aria-hidden": "true" }),
        h("strong", {}, `${nameOf(s.pause.userId)} lost connection`),
        h("span", { class: "grace", "data-testid": "grace" }),
        h("span", { class: "muted" }, "The game is paused; nobody's clock runs."),
      )
    }
  }

  // ---- end of game --------------------------------------------------------------------
  /** `f` says how the game ended; `clocks` has the final `timeWhite` and `timeBlack` (seconds). */
  function endGame(f, clocks) {
    const { timeWhite, timeBlack } = clocks
    s.ended = f
    s.pause = null
    if (s.game) {
      s.game = { ...s.game, legalMoves: [], drawOffer: null }
      s.clock = clockSnapshot({ ...s.game, timeWhite, timeBlack, serverTimestampMs: app.serverTime.serverNow() }, { running: false })
      drawBoard()
    }
    app.sounds.play("end")
    showEndDialog(f)
  }

  function showEndDialog(f) {
    const next = isHost()
      ? h("button", { class: "btn btn-primary", type: "button", "data-testid": "next-game", onclick: () => (closeEndDialog(), render()) }, "Next game")
      : h("p", { class: "muted" }, `${nameOf(s.hostUserId)} starts the next game.`)
    clear(
      el.endDialog,
      h("h2", { id: "end-title", "data-testid": "end-title" }, endLine(f)),
      h("p", { class: "muted" }, f.outcome || ""),
      h(
        "div",
        { class: "row" },
        h("button", { class: "btn", type: "button", "data-testid": "download-pgn", onclick: () => (f.pgn ? download(`chesschat-${f.gameId}.pgn`, f.pgn) : downloadPgn(f.gameId)) }, "Download PGN"),
        next,
        h("button", { class: "btn btn-ghost", type: "button", onclick: () => closeEndDialog() }, "Close"),
      ),
    )
    if (!el.endDialog.open) el.endDialog.showModal()
  }

  function closeEndDialog() {
    if (el.endDialog.open) el.endDialog.close()
  }
  el.endDialog.addEventListener("close", () => render())

  // ---- typed moves (keyboard players) -------------------------------------------------
  function typedMove(event) {
    event.preventDefault()
    const text = el.moveInput.value.trim()
    if (!text || !live()) return
    const uci = text.toLowerCase()
    if (/^[a-h][1-8][a-h][1-8][qrbn]?$/.test(uci) && !s.game.legalMoves.some((m) => m === uci || m === `${uci}q`)) {
      toast("That move isn't legal here.", { kind: "error" })
      return
    }
    if (send(CLIENT.MAKE_MOVE, { move: text })) el.moveInput.value = ""
  }

  // ---- clocks and countdowns ----------------------------------------------------------
  let raf = 0
  function tick() {
    const now = app.serverTime.serverNow()
    for (const bar of [el.top, el.bottom]) {
      const clockEl = bar.querySelector(".clock")
      const colour = bar.dataset.colour
      if (!s.clock || !s.game) {
        clockEl.textContent = "–:––"
        clockEl.className = "clock"
        continue
      }
      const left = remainingAt(s.clock, colour, now)
      const text = formatClock(left)
      if (clockEl.textContent !== text) clockEl.textContent = text
      const initial = colour === "white" ? s.game.settings?.initial_time_white : s.game.settings?.initial_time_black
      const running = s.clock.running && s.clock.turn === colour && !s.ended && !s.pause
      clockEl.classList.toggle("running", running)
      clockEl.classList.toggle("low", isLowTime(left, initial) && !s.ended)
      clockEl.classList.toggle("flagged", left <= 0)
    }
    const grace = el.overlay.querySelector(".grace")
    if (grace && s.pause?.graceEndsAt && s.pause.userId !== me) {
      grace.textContent = `They have ${formatClock(secondsUntil(s.pause.graceEndsAt, now))} to come back before forfeiting.`
    }
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
    renderOverlay()
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
    if (socket.status === "open" && s.joined && !live()) socket.send(frame(CLIENT.LEAVE_ROOM, { roomCode: code }))
    video.close()
    closeEndDialog()
    board.destroy()
  }
}
