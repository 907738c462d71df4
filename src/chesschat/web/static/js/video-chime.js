// The room's call: browser-to-browser WebRTC (video.js), or an Amazon Chime SDK meeting
// when `video_ready` says `provider: "chime"`. The SDK is a large bundle of its own
// (vendor/chime.js), fetched only then. Mute, camera off, the self-view and the states
// the panel shows are the same either way; a session Chime drops without a final reason
// starts again by itself.
import { VideoCall } from "./video.js"

const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000]

function loadChime() {
  return import("../vendor/chime.js")
}

/** Starts the device the browser calls "default", else the first it lists; none is fine. */
async function startDefault(list, start) {
  try {
    const devices = await list()
    const id = (devices.find((d) => d.deviceId === "default") || devices[0])?.deviceId
    if (id) await start(id)
  } catch (error) {
    console.warn("video: a camera or microphone did not start for Chime", error)
  }
}

export class RoomCall extends VideoCall {
  /** `loadSdk` fetches the SDK (vendor/chime.js unless told) and `audio` plays the friend's
   * voice (a new <audio> unless given). */
  constructor({ loadSdk = loadChime, audio = null, ...options }) {
    super(options)
    this.loadSdk = loadSdk
    this.audio = audio
    this.session = null
    this.meetingKey = null
  }

  ready(frame) {
    if (frame.provider !== "chime") {
      this.leaveChime()
      super.ready(frame)
      return
    }
    if (typeof RTCPeerConnection === "undefined") {
      this.setState("unavailable", "This browser cannot do video calls.")
      return
    }
    const key = `${frame.meetingData?.MeetingId}/${frame.attendeeData?.AttendeeId}`
    if (this.session && this.meetingKey === key) return // the same meeting, already joined
    this.closePeer()
    this.leaveChime()
    this.meetingKey = key
    this.joinChime(frame).catch((error) => {
      console.warn("video: could not join the Chime meeting", error)
      if (this.meetingKey !== key) return
      this.leaveChime()
      this.setState("unavailable", "Could not start the video.")
    })
  }

  async joinChime({ meetingData, attendeeData }) {
    const token = {}
    this.session = token
    this.setState("connecting")
    let sdk
    try {
      sdk = await this.loadSdk()
    } catch (error) {
      console.warn("video: the Chime SDK did not load", error)
      if (this.session === token) this.setState("unavailable", "Could not load the video.")
      return
    }
    if (this.session !== token) return
    const logger = new sdk.ConsoleLogger("ChessChat video", sdk.LogLevel.WARN)
    const devices = new sdk.DefaultDeviceController(logger)
    const configuration = new sdk.MeetingSessionConfiguration(meetingData, attendeeData)
    const session = new sdk.DefaultMeetingSession(configuration, logger, devices)
    const av = session.audioVideo
    this.session = session
    this.started = false
    this.peerHere = false
    this.retries = 0
    av.addObserver(this.observer(session))
    av.addAudioMixObserver({
      meetingAudioStreamBecameActive: () => this.session === session && this.playAudio(),
      meetingAudioStreamBecameInactive: () => {},
    })
    av.realtimeSubscribeToAttendeeIdPresence((attendeeId, present) => {
      if (this.session !== session || attendeeId === attendeeData.AttendeeId) return
      this.peerHere = present
      this.showChime()
    })
    await startDefault(() => av.listAudioInputDevices(), (id) => av.startAudioInput(id))
    await startDefault(() => av.listVideoInputDevices(), (id) => av.startVideoInput(id))
    this.audio ||= document.createElement("audio")
    await av.bindAudioElement(this.audio).catch((error) => console.warn("video: no sound from Chime", error))
    if (this.session !== session) {
      // The room was left while the devices were starting: let them go again.
      Promise.allSettled([av.stopVideoInput(), av.stopAudioInput()])
      return
    }
    av.start()
  }

  observer(session) {
    const av = session.audioVideo
    return {
      // While a dropped session is being started again, the panel keeps saying so.
      audioVideoDidStartConnecting: () => this.session === session && !this.retries && this.setState("connecting"),
      audioVideoDidStart: () => {
        if (this.session !== session) return
        this.started = true
        this.retries = 0
        if (!this.micOn) av.realtimeMuteLocalAudio()
        if (this.cameraOn) av.startLocalVideoTile()
        this.showChime()
      },
      audioVideoDidStop: (status) => {
        if (this.session !== session) return
        this.started = false
        if (status.isTerminal()) {
          this.leaveChime() // a later video_ready joins afresh
          this.setState("unavailable", "The video call ended.")
          return
        }
        this.setState("unavailable", "Could not connect the video; trying again.")
        const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]
        this.retry = setTimeout(() => this.session === session && av.start(), wait)
      },
      videoTileDidUpdate: (tile) => {
        if (this.session !== session || !tile.tileId || tile.isContent) return
        if (tile.localTile) {
          av.bindVideoElement(tile.tileId, this.localVideo)
          // Chime's camera is the self-view now: let the one asked for on entering go.
          for (const t of this.local?.getTracks() || []) t.stop()
          this.local = null
        } else if (tile.boundAttendeeId) {
          av.bindVideoElement(tile.tileId, this.remoteVideo)
        }
      },
    }
  }

  showChime() {
    this.setState(this.started && this.peerHere ? "live" : "connecting")
  }

  /** Chime plays the friend's voice through its own element; autoplay may wait for a tap. */
  playAudio() {
    this.audio.play().catch((error) => {
      if (error?.name !== "NotAllowedError") return
      this.dispatchEvent(new CustomEvent("muted-autoplay"))
      document.addEventListener("pointerdown", () => this.audio?.play().catch(() => {}), { once: true })
    })
  }

  toggleMic() {
    const on = super.toggleMic()
    const av = this.session?.audioVideo
    if (av) on ? av.realtimeUnmuteLocalAudio() : av.realtimeMuteLocalAudio()
    return on
  }

  toggleCamera() {
    const on = super.toggleCamera()
    const av = this.session?.audioVideo
    if (av && this.started) on ? av.startLocalVideoTile() : av.stopLocalVideoTile()
    return on
  }

  leaveChime() {
    const session = this.session
    this.session = null
    this.meetingKey = null
    clearTimeout(this.retry)
    if (session?.audioVideo) this.stopChime(session)
  }

  /** Leaves the meeting and releases the camera and microphone; once Chime has let the
   * session go (it may finish a reconnection attempt first), its event reporting ends too. */
  stopChime(session) {
    const av = session.audioVideo
    av.addObserver({ audioVideoDidStop: () => session.destroy().catch(() => {}) })
    av.stop()
    av.unbindAudioElement()
    Promise.allSettled([av.stopVideoInput(), av.stopAudioInput()])
  }

  unavailable(reason) {
    this.leaveChime()
    super.unavailable(reason)
  }

  close() {
    this.leaveChime()
    super.close()
  }
}
