// Game sounds, synthesised with WebAudio (no files). Which sound a frame deserves is a pure
// function; check beats every other kind.

export const SOUND_NAMES = Object.freeze(["move", "capture", "castle", "promotion", "check", "end", "start", "chat"])

/** The sound for a server frame, or null. */
export function soundFor(frame) {
  if (!frame) return null
  if (frame.type === "game_started") return "start"
  if (frame.type === "game_ended") return "end"
  if (frame.type !== "move_made") return null
  if (frame.isCheck) return "check"
  return ["capture", "castle", "promotion"].includes(frame.moveType) ? frame.moveType : "move"
}

/** Each sound as notes: [delay s, frequency Hz, duration s, wave, gain]. */
export const RECIPES = Object.freeze({
  move: [[0, 520, 0.07, "triangle", 0.35]],
  capture: [
    [0, 300, 0.06, "square", 0.18],
    [0.05, 190, 0.09, "triangle", 0.35],
  ],
  castle: [
    [0, 520, 0.06, "triangle", 0.3],
    [0.09, 440, 0.07, "triangle", 0.3],
  ],
  promotion: [
    [0, 523, 0.08, "sine", 0.3],
    [0.08, 659, 0.08, "sine", 0.3],
    [0.16, 784, 0.12, "sine", 0.3],
  ],
  check: [
    [0, 880, 0.09, "sawtooth", 0.14],
    [0.1, 880, 0.12, "sawtooth", 0.14],
  ],
  end: [
    [0, 659, 0.16, "sine", 0.3],
    [0.16, 523, 0.16, "sine", 0.3],
    [0.32, 392, 0.3, "sine", 0.3],
  ],
  start: [
    [0, 392, 0.1, "sine", 0.25],
    [0.1, 523, 0.14, "sine", 0.25],
  ],
  chat: [[0, 740, 0.08, "sine", 0.2]],
})

const MUTE_KEY = "chesschat.muted"

export class Sounds {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage
    this.context = null
    this.muted = storage?.getItem(MUTE_KEY) === "1"
  }

  setMuted(muted) {
    this.muted = muted
    this.storage?.setItem(MUTE_KEY, muted ? "1" : "0")
  }

  /** Browsers allow audio only after a gesture: call this from one. */
  unlock() {
    const Ctor = globalThis.AudioContext || globalThis.webkitAudioContext
    if (!this.context && Ctor) this.context = new Ctor()
    if (this.context?.state === "suspended") this.context.resume().catch(() => {})
  }

  play(name) {
    const notes = RECIPES[name]
    if (this.muted || !notes) return
    this.unlock()
    const ctx = this.context
    if (!ctx) return
    const t0 = ctx.currentTime + 0.01
    for (const [delay, freq, duration, wave, level] of notes) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = wave
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.0001, t0 + delay)
      gain.gain.exponentialRampToValueAtTime(level, t0 + delay + 0.01)
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + delay + duration)
      osc.connect(gain).connect(ctx.destination)
      osc.start(t0 + delay)
      osc.stop(t0 + delay + duration + 0.02)
    }
  }
}
