// The end of a game, as a panel beside the board (the final position and the video stay in
// view): the result, the PGN, the rematch and the next game; and the note once the room
// has closed, with what to do next.
import { clear, download, h } from "../../dom.js"
import { downloadPgn } from "../history.js"

/**
 * Fills `panel` for game_ended frame `f`, titled `title`. `rematch` says how a rematch
 * stands: `{canOffer, mine, theirs}` (`theirs`: the offerer's name); `busy(action)` is
 * true while that request waits for the server. The host gets "Next game" (`onNextGame`);
 * the guest is told that `hostName` starts it.
 */
export function renderEndPanel(panel, f, { title, isHost, hostName, closed, rematch, busy, on }) {
  panel.hidden = false
  const button = (testid, label, onclick, { primary = false, disabled = false } = {}) =>
    h("button", { class: primary ? "btn btn-small btn-primary" : "btn btn-small", type: "button", "data-testid": testid, disabled, onclick }, label)
  const rows = []
  if (!closed) {
    if (rematch.theirs) {
      rows.push(
        h(
          "div",
          { class: "banner", "data-testid": "rematch-banner" },
          h("span", {}, `${rematch.theirs} offers a rematch.`),
          button("accept-rematch", "Accept", on.acceptRematch, { primary: true, disabled: busy("accept_rematch") }),
          button("decline-rematch", "Decline", on.declineRematch, { disabled: busy("decline_rematch") }),
        ),
      )
    } else if (rematch.mine) {
      rows.push(h("p", { class: "muted", "data-testid": "rematch-waiting" }, "Rematch offered — waiting for an answer."))
    }
  }
  const next = []
  if (!closed && rematch.canOffer && !rematch.mine && !rematch.theirs) {
    next.push(button("offer-rematch", "Rematch", on.offerRematch, { primary: true, disabled: busy("offer_rematch") }))
  }
  if (!closed && isHost) next.push(button("next-game", "Next game", on.nextGame))
  clear(
    panel,
    h("h2", { id: "end-title", "data-testid": "end-title" }, title),
    h("p", { class: "muted", "data-testid": "end-outcome" }, f.result === "aborted" ? "No result: the game was aborted before both sides had moved." : f.outcome || ""),
    rows,
    h(
      "div",
      { class: "row" },
      h("button", { class: "btn btn-small", type: "button", "data-testid": "download-pgn", onclick: () => (f.pgn ? download(`chesschat-${f.gameId}.pgn`, f.pgn) : downloadPgn(f.gameId)) }, "Download PGN"),
      next,
      h("button", { class: "btn btn-small btn-ghost", type: "button", "data-testid": "close-result", onclick: on.close }, "Close"),
    ),
    !closed && !isHost && !rematch.canOffer ? h("p", { class: "muted" }, `${hostName} starts the next game.`) : null,
  )
}

export function hideEndPanel(panel) {
  panel.hidden = true
}

/** The calm note once the room has closed: `note` from `closedNote`; `on.again`, `on.lobby`. */
export function renderClosedNote(box, note, { on }) {
  box.hidden = !note
  if (!note) return
  clear(
    box,
    h("p", { class: "closed-text" }, note.text),
    h(
      "div",
      { class: "row" },
      note.opponentName ? h("button", { class: "btn btn-small btn-primary", type: "button", "data-testid": "play-again", onclick: on.again }, `Play ${note.opponentName} again`) : null,
      h("button", { class: "btn btn-small", type: "button", "data-testid": "to-lobby", onclick: on.lobby }, "Lobby"),
    ),
  )
}
