// Chess clocks from the server's snapshots: the server's numbers always win, the client
// only interpolates between them. Seconds on the wire; server timestamps are epoch ms.

/** "m:ss" (or "h:mm:ss"), and "s.t" with tenths under 10 seconds. */
export function formatClock(seconds) {
  const s = Math.max(0, Number.isFinite(seconds) ? seconds : 0)
  if (s < 10) return (Math.floor(s * 10) / 10).toFixed(1)
  const whole = Math.floor(s)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const sec = String(whole % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`
}

/** Low time: under a tenth of the starting time, clamped between 10 and 30 seconds. */
export function isLowTime(seconds, initialSeconds) {
  const threshold = Math.min(30, Math.max(10, (initialSeconds || 0) * 0.1))
  return seconds < threshold
}

/**
 * The server's clock as seen from here: offset = server − local, estimated from
 * heartbeat round trips; the sample with the shortest round trip wins.
 */
export class ServerTime {
  constructor(now = () => Date.now()) {
    this.now = now
    this.offsetMs = 0
    this.bestRttMs = Infinity
  }

  /** A heartbeat sent at local `sentMs`, answered with `serverMs`, received at local `receivedMs`. */
  sample(sentMs, serverMs, receivedMs) {
    const rtt = Math.max(0, receivedMs - sentMs)
    if (rtt <= this.bestRttMs) {
      this.bestRttMs = rtt
      this.offsetMs = serverMs - (sentMs + rtt / 2)
    }
  }

  serverNow() {
    return this.now() + this.offsetMs
  }
}

/** The clock part of a game_started / move_made / takeback_applied / activeGame frame. */
export function clockSnapshot(frame, { running = true } = {}) {
  return {
    white: Number(frame.timeWhite),
    black: Number(frame.timeBlack),
    turn: frame.turn,
    stampMs: Number(frame.serverTimestampMs),
    // Before both sides have moved no clock runs: the first-move deadline counts instead.
    running: running && !frame.paused && !frame.firstMoveDeadlineMs,
  }
}

/** Seconds left for `colour` at server time `serverNowMs`. */
export function remainingAt(snapshot, colour, serverNowMs) {
  const stored = colour === "white" ? snapshot.white : snapshot.black
  if (!snapshot.running || snapshot.turn !== colour) return Math.max(0, stored)
  const elapsed = Math.max(0, serverNowMs - snapshot.stampMs) / 1000
  return Math.max(0, stored - elapsed)
}

/** Stop the clock where it stands (paused, or game over). */
export function freeze(snapshot, serverNowMs) {
  return {
    ...snapshot,
    white: remainingAt(snapshot, "white", serverNowMs),
    black: remainingAt(snapshot, "black", serverNowMs),
    stampMs: serverNowMs,
    running: false,
  }
}

/** Whole seconds left until an epoch-ms deadline (for the reconnect grace countdown). */
export function secondsUntil(deadlineMs, serverNowMs) {
  return Math.max(0, Math.ceil((deadlineMs - serverNowMs) / 1000))
}
