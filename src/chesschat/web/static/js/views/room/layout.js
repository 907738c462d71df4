// The room's page: every element the room view fills in, and where each one sits.
import { clear, h, toast } from "../../dom.js"
import { moveRows } from "../../moves.js"

/** Builds the room for `code` into `main`; returns its elements by name. */
export function roomLayout(main, code, { onTypedMove, chat }) {
  const el = {}
  el.boardBox = h("div", { class: "board", "data-testid": "board", role: "group", "aria-label": "Chess board", "aria-describedby": "move-hint" })
  el.top = playerBar("top")
  el.bottom = playerBar("bottom")
  el.overlay = h("div", { class: "overlay", hidden: true, role: "status", "aria-live": "assertive", "data-testid": "reconnect-overlay" })
  el.status = h("p", { class: "game-status", role: "status", "aria-live": "polite", "data-testid": "game-status" })
  el.drawBanner = h("div", { class: "banner", hidden: true, "data-testid": "draw-banner" })
  el.takebackBanner = h("div", { class: "banner", hidden: true, "data-testid": "takeback-banner" })
  el.firstMove = h("p", { class: "first-move", hidden: true, "data-testid": "first-move" })
  el.endPanel = h("section", { class: "end-panel", hidden: true, "data-testid": "end-dialog", "aria-labelledby": "end-title", "aria-live": "polite" })
  el.closedNote = h("div", { class: "closed-note", hidden: true, role: "status", "data-testid": "room-closed" })
  el.controls = h("div", { class: "controls" })
  el.startForm = h("form", { class: "start-form", hidden: true, "data-testid": "start-form" })
  el.moves = h("ol", { class: "moves", "data-testid": "move-list", "aria-label": "Moves" })
  el.moveInput = h("input", {
    id: "move-input",
    class: "move-input",
    placeholder: "Type a move: e4, Nf3, e2e4",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "move-hint move-error",
  })
  el.moveError = h("p", { id: "move-error", class: "move-error", role: "alert", "data-testid": "move-error" })
  el.moveForm = h(
    "form",
    { class: "row", onsubmit: (e) => onTypedMove(e) },
    h("label", { for: "move-input", class: "sr-only" }, "Type a move"),
    el.moveInput,
    h("button", { class: "btn btn-small", type: "submit" }, "Play"),
    h("p", { id: "move-hint", class: "sr-only" }, "To move with the keyboard, type your move in the move box, like e4, Nf3 or e2e4, and press Enter."),
  )
  el.remote = h("video", { class: "video-remote", autoplay: true, playsinline: true, "data-testid": "remote-video" })
  el.local = h("video", { class: "video-local", autoplay: true, playsinline: true, "data-testid": "local-video" })
  el.local.muted = true
  el.videoNote = h("p", { class: "video-note", "data-testid": "video-state" }, "Video starts when your friend joins.")
  el.peerNote = h("p", { class: "peer-note", hidden: true, "data-testid": "peer-note" })
  el.mic = h("button", { class: "btn btn-small", type: "button", "aria-pressed": "false", "data-testid": "toggle-mic" }, "Mute mic")
  el.cam = h("button", { class: "btn btn-small", type: "button", "aria-pressed": "false", "data-testid": "toggle-camera" }, "Camera off")
  el.unmute = h("button", { class: "btn btn-small", type: "button", hidden: true }, "Turn on sound")
  el.conn = h("span", { class: "conn", "data-testid": "connection" })
  el.watch = h("div", { class: "row watch-bar", "data-testid": "watch-bar" })
  el.headToHead = h("div", { class: "room-head-to-head" })
  el.videoPanel = h(
    "div",
    { class: "video-panel", role: "region", "aria-label": "Video", "data-testid": "video-panel" },
    h("div", { class: "video-stage" }, el.remote, el.local, el.videoNote, el.peerNote),
    h("div", { class: "row video-controls" }, el.mic, el.cam, el.unmute),
  )
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
          el.watch,
          el.conn,
          chat.toggle,
        ),
      ),
      el.videoPanel,
      h("div", { class: "board-col" }, el.top, h("div", { class: "board-wrap" }, el.boardBox, el.overlay), el.bottom),
      h(
        "aside",
        { class: "side card" },
        el.status,
        el.headToHead,
        el.firstMove,
        el.endPanel,
        el.closedNote,
        el.drawBanner,
        el.takebackBanner,
        el.controls,
        el.moveForm,
        el.moveError,
        el.startForm,
        el.moves,
        chat.panel,
      ),
    ),
  )
  return el
}

/** The move list `list` shows the game's moves `sans`, scrolled to the latest. */
export function fillMoves(list, sans) {
  clear(
    list,
    moveRows(sans).map(([n, w, b]) => h("li", {}, h("span", { class: "move-no" }, `${n}.`), h("span", { class: "move" }, w), h("span", { class: "move" }, b))),
  )
  list.scrollTop = list.scrollHeight
}

/** In place of the room, when this page cannot be in it. */
export function roomError(main, text) {
  clear(
    main,
    h(
      "section",
      { class: "card narrow", "data-testid": "room-error" },
      h("h1", {}, "Can't open this room"),
      h("p", {}, text),
      h("a", { class: "btn btn-primary", href: "#/" }, "Back to the lobby"),
    ),
  )
}

export function playerBar(position) {
  return h(
    "div",
    { class: `player-bar player-${position}`, "data-testid": `player-${position}` },
    h("span", { class: "presence" }),
    h("span", { class: "player-name" }),
    h("span", { class: "player-note" }),
    h("span", { class: "clock", role: "timer", "aria-live": "off", "data-testid": `clock-${position}` }, "–:––"),
  )
}

export function copy(text, message) {
  navigator.clipboard?.writeText(text).then(
    () => toast(message),
    () => toast(text),
  )
}
