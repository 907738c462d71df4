// The end-of-game dialog: the result, the PGN, and who starts the next game.
import { clear, download, h } from "../../dom.js"
import { downloadPgn } from "../history.js"

/**
 * Opens `dialog` for game_ended frame `f`, titled `title`. The host gets a "Next game"
 * button (`onNextGame`); the guest is told that `hostName` starts it.
 */
export function showEndDialog(dialog, f, { title, isHost, hostName, onNextGame }) {
  const next = isHost
    ? h("button", { class: "btn btn-primary", type: "button", "data-testid": "next-game", onclick: onNextGame }, "Next game")
    : h("p", { class: "muted" }, `${hostName} starts the next game.`)
  clear(
    dialog,
    h("h2", { id: "end-title", "data-testid": "end-title" }, title),
    h("p", { class: "muted" }, f.outcome || ""),
    h(
      "div",
      { class: "row" },
      h("button", { class: "btn", type: "button", "data-testid": "download-pgn", onclick: () => (f.pgn ? download(`chesschat-${f.gameId}.pgn`, f.pgn) : downloadPgn(f.gameId)) }, "Download PGN"),
      next,
      h("button", { class: "btn btn-ghost", type: "button", onclick: () => closeEndDialog(dialog) }, "Close"),
    ),
  )
  if (!dialog.open) dialog.showModal()
}

export function closeEndDialog(dialog) {
  if (dialog.open) dialog.close()
}
