// Live video between the two seated players: browser-native WebRTC with the "perfect
// negotiation" pattern. The server relays `signal` frames to the other player only and
// says in `video_ready` which side is polite. Each peer connection has a session id, so a
// peer that rejoined with a fresh connection is told apart from stale signals.
// The game never waits for video: every failure ends in the "unavailable" state.

const MEDIA = { video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: true }
// A peer connection still gathering with not one candidate after this long is stuck (a
// relay answers within a round trip or two; host candidates come at once): the call is set
// up afresh, on both sides, at most FRESH_STARTS times before it says video is unavailable.
const GATHER_STALL_MS = 5_000
const FRESH_STARTS = 2

function sessionId() {
  return Math.random().toString(36).slice(2, 10)
}

export class VideoCall extends EventTarget {
  /**
   * `send(data)` relays signalling to the peer; the elements show the two streams; `now()`
   * is the time in epoch ms. A "refresh" event asks the server to set the call up afresh
   * (video_refresh: both sides get a new video_ready, with fresh credentials, and rebuild):
   * when a failed connection cannot start again on the credentials it has, or when a peer
   * connection gathers nothing at all. `timers` are setTimeout/clearTimeout.
   */
  constructor({ send, localVideo, remoteVideo, now = () => Date.now(), timers = globalThis }) {
    super()
    this.send = send
    this.now = now
    this.timers = timers
    this.stallTimer = null
    this.freshStarts = 0
    this.credentialsExpireAt = null
    this.localVideo = localVideo
    this.remoteVideo = remoteVideo
    this.pc = null
    this.local = null
    this.localPromise = null
    this.micOn = true
    this.cameraOn = true
    this.state = "idle"
    this.early = []
  }

  setState(state, reason = "") {
    this.state = state
    this.dispatchEvent(new CustomEvent("state", { detail: { state, reason } }))
  }

  /** The camera and microphone, asked for once. */
  media() {
    if (!this.localPromise) {
      const devices = navigator.mediaDevices
      const asked = (devices?.getUserMedia ? devices.getUserMedia(MEDIA) : Promise.reject(new Error("no media devices")))
        .then((stream) => {
          if (this.localPromise !== asked) {
            // The room was left while the browser was still asking: release the camera.
            for (const t of stream.getTracks()) t.stop()
            return null
          }
          this.local = stream
          this.localVideo.srcObject = stream
          this.applyToggles()
          this.dispatchEvent(new CustomEvent("local", { detail: { ok: true } }))
          return stream
        })
        .catch((error) => {
          if (this.localPromise !== asked) return null
          this.dispatchEvent(new CustomEvent("local", { detail: { ok: false, error: String(error?.name || error) } }))
          return null
        })
      this.localPromise = asked
    }
    return this.localPromise
  }

  /**
   * video_ready: (re)build the peer connection unless the current one is healthy. Its
   * servers and credentials are kept either way, for the next connection the peer starts.
   */
  ready({ iceServers = [], polite = false, peerUserId = null, iceTransportPolicy = "all", credentialsExpireAt = null }) {
    if (typeof RTCPeerConnection === "undefined") {
      this.setState("unavailable", "This browser cannot do video calls.")
      return
    }
    const healthy = this.pc && ["connected", "completed"].includes(this.pc.iceConnectionState)
    const samePeer = this.peerUserId === peerUserId
    this.iceServers = iceServers
    this.iceTransportPolicy = iceTransportPolicy
    this.credentialsExpireAt = credentialsExpireAt
    this.polite = polite
    this.peerUserId = peerUserId
    if (healthy && samePeer) return
    this.connect()
    const early = this.early
    this.early = []
    for (const data of early) this.receive(data)
  }

  connect(remoteSid = null) {
    this.closePeer()
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy })
    this.pc = pc
    this.sid = sessionId()
    this.remoteSid = remoteSid
    this.makingOffer = false
    this.ignoreOffer = false
    this.candidates = []
    this.setState("connecting")
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true
        await pc.setLocalDescription()
        this.signal({ description: pc.localDescription })
      } catch (error) {
        console.warn("video: offer failed", error)
      } finally {
        this.makingOffer = false
      }
    }
    let gathered = false
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return
      gathered = true
      this.signal({ candidate })
    }
    pc.onicegatheringstatechange = () => {
      if (pc !== this.pc || pc.iceGatheringState !== "gathering") return
      this.timers.clearTimeout(this.stallTimer)
      this.stallTimer = this.timers.setTimeout(() => {
        if (pc === this.pc && !gathered && pc.iceGatheringState === "gathering") this.stalled()
      }, GATHER_STALL_MS)
    }
    pc.ontrack = ({ streams, track }) => {
      const stream = streams[0] || new MediaStream([track])
      if (this.remoteVideo.srcObject !== stream) {
        this.remoteVideo.srcObject = stream
        this.playRemote()
      }
    }
    pc.oniceconnectionstatechange = () => {
      if (pc !== this.pc) return
      const s = pc.iceConnectionState
      if (s === "connected" || s === "completed") {
        this.freshStarts = 0
        this.setState("live")
      } else if (s === "failed") {
        this.setState("unavailable", "Could not connect the video.")
        this.recover(pc)
      } else if (s === "disconnected") this.setState("connecting")
    }
    this.media().then((stream) => {
      if (pc !== this.pc || pc.signalingState === "closed") return
      if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream)
      else {
        pc.addTransceiver("video", { direction: "recvonly" })
        pc.addTransceiver("audio", { direction: "recvonly" })
      }
    })
  }

  /** Starts ICE again on `pc`; with credentials that have run out, asks for fresh ones. */
  recover(pc) {
    if (pc !== this.pc) return
    // A relay outlives its credentials, but a new one needs fresh ones.
    if (this.credentialsStale()) this.dispatchEvent(new CustomEvent("refresh"))
    else pc.restartIce()
  }

  /** The peer connection gathers nothing: start the call afresh, a few times at most. */
  stalled() {
    if (this.freshStarts >= FRESH_STARTS) {
      this.setState("unavailable", "Could not connect the video.")
      return
    }
    this.freshStarts += 1
    this.dispatchEvent(new CustomEvent("refresh"))
  }

  /** Whether the TURN credentials have run out, or will within a minute. */
  credentialsStale() {
    return this.credentialsExpireAt !== null && this.now() >= this.credentialsExpireAt - 60_000
  }

  signal(payload) {
    this.send({ sid: this.sid, ...payload })
  }

  /** A `signal` frame's data from the peer. */
  async receive(data) {
    if (!data) return
    if (!this.iceServers) {
      this.early.push(data) // the peer was told before us: keep it for ready()
      return
    }
    const { sid, description, candidate } = data
    if (description?.type === "offer" && sid && this.remoteSid && sid !== this.remoteSid) {
      this.connect(sid) // the peer started over: so do we
    } else if (sid && !this.remoteSid) {
      this.remoteSid = sid
    } else if (sid && sid !== this.remoteSid) {
      return // from a connection the peer already dropped
    }
    const pc = this.pc
    if (!pc) return
    try {
      if (description) {
        const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable")
        this.ignoreOffer = !this.polite && collision
        if (this.ignoreOffer) return
        await pc.setRemoteDescription(description)
        const early = this.candidates
        this.candidates = []
        for (const c of early) await pc.addIceCandidate(c).catch(() => {})
        if (description.type === "offer") {
          await pc.setLocalDescription()
          this.signal({ description: pc.localDescription })
        }
      } else if (candidate) {
        if (!pc.remoteDescription) {
          this.candidates.push(candidate) // before its description: add it after
          return
        }
        try {
          await pc.addIceCandidate(candidate)
        } catch (error) {
          if (!this.ignoreOffer) throw error
        }
      }
    } catch (error) {
      console.warn("video: signalling failed", error)
    }
  }

  playRemote() {
    const video = this.remoteVideo
    video.play().catch((error) => {
      if (error?.name !== "NotAllowedError") return // interrupted by a newer stream: fine
      // Autoplay with sound refused until a gesture: start muted, offer to unmute.
      video.muted = true
      video.play().catch(() => {})
      this.dispatchEvent(new CustomEvent("muted-autoplay"))
    })
  }

  toggleMic() {
    this.micOn = !this.micOn
    this.applyToggles()
    return this.micOn
  }

  toggleCamera() {
    this.cameraOn = !this.cameraOn
    this.applyToggles()
    return this.cameraOn
  }

  applyToggles() {
    for (const t of this.local?.getAudioTracks() || []) t.enabled = this.micOn
    for (const t of this.local?.getVideoTracks() || []) t.enabled = this.cameraOn
  }

  unavailable(reason) {
    this.closePeer()
    this.setState("unavailable", reason || "Video is not available in this room.")
  }

  closePeer() {
    this.timers.clearTimeout(this.stallTimer)
    const pc = this.pc
    if (pc) {
      pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.oniceconnectionstatechange = null
      pc.onicegatheringstatechange = null
      pc.close()
    }
    this.pc = null
    this.remoteVideo.srcObject = null
  }

  close() {
    this.closePeer()
    for (const t of this.local?.getTracks() || []) t.stop()
    this.local = null
    this.localPromise = null
    this.setState("idle")
  }
}
