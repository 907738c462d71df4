// The one WebSocket: reconnects by itself (first retry within a second, then backing off
// with jitter), keeps a heartbeat that also measures the server's clock, and reports its
// status. Events: "status" {status}, "frame" {frame}.
import { CLIENT, SERVER } from "./protocol.js"
import { backoffDelay } from "./reconnect.js"

const HEARTBEAT_MS = 4000
const DEAD_AFTER_MS = 6000
const CLOSE_UNAUTHORIZED = 4001

export class Socket extends EventTarget {
  constructor(url, serverTime) {
    super()
    this.url = url
    this.serverTime = serverTime
    this.ws = null
    this.status = "idle"
    this.attempt = 0
    this.retryTimer = null
    this.beatTimer = null
    this.lastHeard = 0
    this.pendingBeat = null
    this.wanted = false
    this.onOnline = () => this.status === "reconnecting" && this.retryNow()
  }

  start() {
    if (this.wanted) return
    this.wanted = true
    addEventListener("online", this.onOnline)
    this.open()
  }

  stop() {
    this.wanted = false
    removeEventListener("online", this.onOnline)
    clearTimeout(this.retryTimer)
    this.drop()
    this.setStatus("idle")
  }

  send(frame) {
    if (this.ws?.readyState !== WebSocket.OPEN) return false
    this.ws.send(JSON.stringify(frame))
    return true
  }

  setStatus(status) {
    if (status === this.status) return
    this.status = status
    this.dispatchEvent(new CustomEvent("status", { detail: { status, attempt: this.attempt } }))
  }

  open() {
    clearTimeout(this.retryTimer)
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting")
    let ws
    try {
      ws = new WebSocket(typeof this.url === "function" ? this.url() : this.url)
    } catch {
      this.scheduleRetry()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      this.attempt = 0
      this.lastHeard = Date.now()
      this.setStatus("open")
      this.beat()
      this.beatTimer = setInterval(() => this.beat(), HEARTBEAT_MS)
    }
    ws.onmessage = (event) => {
      this.lastHeard = Date.now()
      let frame
      try {
        frame = JSON.parse(event.data)
      } catch {
        return
      }
      if (frame.type === SERVER.HEARTBEAT_ACK && this.pendingBeat !== null) {
        this.serverTime?.sample(this.pendingBeat, frame.serverTimestampMs, Date.now())
        this.pendingBeat = null
      }
      this.dispatchEvent(new CustomEvent("frame", { detail: { frame } }))
    }
    ws.onclose = (event) => {
      if (ws !== this.ws) return
      this.drop()
      if (event.code === CLOSE_UNAUTHORIZED) {
        this.wanted = false
        this.setStatus("unauthorized")
        return
      }
      if (this.wanted) this.scheduleRetry()
    }
  }

  /** Forget the current socket at once (a dead one may take long to close). */
  drop() {
    clearInterval(this.beatTimer)
    this.pendingBeat = null
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
      try {
        ws.close()
      } catch {
        /* already closed */
      }
    }
  }

  beat() {
    if (Date.now() - this.lastHeard > DEAD_AFTER_MS) {
      this.drop()
      this.scheduleRetry()
      return
    }
    this.pendingBeat = Date.now()
    this.send({ type: CLIENT.HEARTBEAT })
  }

  scheduleRetry() {
    this.setStatus("reconnecting")
    const delay = backoffDelay(this.attempt)
    this.attempt += 1
    this.retryTimer = setTimeout(() => this.wanted && this.open(), delay)
  }

  retryNow() {
    clearTimeout(this.retryTimer)
    if (this.wanted) this.open()
  }
}
