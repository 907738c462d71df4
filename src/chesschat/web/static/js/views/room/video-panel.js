// The room's video call: it signals through the room's socket, and the panel shows how the
// call stands and toggles the mic and the camera.
import { toast } from "../../dom.js"
// WebRTC, or a Chime meeting when video_ready says so: video-chime.js picks.
import { RoomCall } from "../../video-chime.js"

/**
 * Starts the call on the layout's video elements; `send(data)` carries a signal frame,
 * `onMedia({mic, camera})` tells the friend when this side mutes or turns its camera off,
 * and `onRefresh()` asks the server to set the call up afresh (`now()`: the server's time).
 */
export function startVideo(el, send, onMedia = () => {}, { onRefresh = () => {}, now } = {}) {
  const video = new RoomCall({ send, localVideo: el.local, remoteVideo: el.remote, now })
  video.addEventListener("refresh", () => onRefresh())
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
    onMedia({ mic: video.micOn, camera: video.cameraOn })
  })
  el.cam.addEventListener("click", () => {
    const on = video.toggleCamera()
    el.cam.textContent = on ? "Camera off" : "Camera on"
    el.cam.setAttribute("aria-pressed", String(!on))
    el.local.classList.toggle("off", !on)
    onMedia({ mic: video.micOn, camera: video.cameraOn })
  })
  movableTile(el.videoPanel)
  // The camera starts on entering the room, so the self-view shows (and the browser asks
  // for permission) while waiting for the friend, not in the middle of the game.
  video.media()
  return video
}

/** On a phone during a game the panel is a small tile over the page: the player drags it aside. */
function movableTile(panel) {
  let start = null
  panel.addEventListener("pointerdown", (event) => {
    if (getComputedStyle(panel).position !== "fixed" || event.target.closest("button")) return
    const box = panel.getBoundingClientRect()
    start = { dx: event.clientX - box.left, dy: event.clientY - box.top }
    panel.setPointerCapture(event.pointerId)
  })
  panel.addEventListener("pointermove", (event) => {
    if (!start) return
    const box = panel.getBoundingClientRect()
    const left = Math.min(Math.max(0, event.clientX - start.dx), innerWidth - box.width)
    const top = Math.min(Math.max(0, event.clientY - start.dy), innerHeight - box.height)
    Object.assign(panel.style, { left: `${left}px`, top: `${top}px`, right: "auto" })
  })
  const stop = () => (start = null)
  panel.addEventListener("pointerup", stop)
  panel.addEventListener("pointercancel", stop)
}
