// The player bars above and below the board: who sits there, whether they are connected,
// a draw offer, and their clock.

/** Fills `bar` for the player of `colour`; `words` come from `seat`. */
export function fillBar(bar, userId, colour, words) {
  bar.dataset.colour = colour
  bar.dataset.userId = userId || ""
  bar.querySelector(".player-name").textContent = words.name
  bar.querySelector(".clock").setAttribute("aria-label", userId ? `${words.name}, ${colour}: clock` : `${colour}: clock`)
  const presence = bar.querySelector(".presence")
  presence.dataset.on = String(words.connected)
  presence.title = words.connected ? "Connected" : "Not connected"
  bar.querySelector(".player-note").textContent = words.note
}

/** Shows `face` (from `clockFace`; null before there is a game) on the bar's clock. */
export function showClock(bar, face) {
  const clockEl = bar.querySelector(".clock")
  if (!face) {
    clockEl.textContent = "–:––"
    clockEl.className = "clock"
    return
  }
  // Only a changed text is written: this runs every animation frame.
  if (clockEl.textContent !== face.text) clockEl.textContent = face.text
  clockEl.classList.toggle("running", face.running)
  clockEl.classList.toggle("low", face.low)
  clockEl.classList.toggle("flagged", face.flagged)
}
