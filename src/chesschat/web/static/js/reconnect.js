// Reconnecting: when to try again, and which reconnect_state frames still matter.

/**
 * Delay before reconnect attempt `attempt` (0-based): the first comes within a second,
 * later ones back off exponentially to 8 s; all with jitter so two tabs never sync up.
 */
export function backoffDelay(attempt, random = Math.random) {
  if (attempt <= 0) return Math.round(100 + random() * 700)
  const ceiling = Math.min(8000, 500 * 2 ** attempt)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Keeps the newest reconnectVersion of one room; frames carrying an older one are stale
 * (they were overtaken on the way) and are ignored.
 */
export class ReconnectTracker {
  constructor() {
    this.version = -1
  }

  /** True when the frame is current (and remembers its version). */
  accept(frame) {
    const v = frame?.reconnectVersion
    if (typeof v !== "number") return true
    if (v < this.version) return false
    this.version = v
    return true
  }

  reset() {
    this.version = -1
  }
}

/**
 * What the room shows about connectivity, from reconnect_state frames: who is away and
 * until when, or nobody.
 */
export function pauseFromFrame(frame) {
  if (frame.status === "paused") {
    return { userId: frame.disconnectedUserId, graceEndsAt: frame.graceEndsAt }
  }
  return null
}
