import { test } from "node:test"
import assert from "node:assert/strict"
import { VideoCall } from "../../src/chesschat/web/static/js/video.js"

// A peer connection that records what the call asks of it, and whose ICE state the test sets.
const made = []
globalThis.RTCPeerConnection = class {
  constructor(config) {
    this.config = config
    this.iceConnectionState = "new"
    this.signalingState = "stable"
    this.restarts = 0
    made.push(this)
  }
  addTransceiver() {}
  addTrack() {}
  restartIce() {
    this.restarts += 1
  }
  close() {
    this.signalingState = "closed"
  }
  setIce(state) {
    this.iceConnectionState = state
    this.oniceconnectionstatechange()
  }
}
globalThis.navigator ??= {}

const NOW = 1_800_000_000_000
const turn = (name) => [{ urls: ["turn:203.0.113.7:3478"], username: `${name}:u1`, credential: "c" }]
const element = () => ({ play: () => Promise.resolve() })

function call(now = NOW) {
  const stale = []
  const video = new VideoCall({ send: () => {}, localVideo: element(), remoteVideo: element(), now: () => now })
  video.addEventListener("stale", () => stale.push(true))
  return { video, stale }
}

test("a failed connection starts ICE again while its credentials are good", () => {
  const { video, stale } = call()
  video.ready({ iceServers: turn("a"), peerUserId: "u2", credentialsExpireAt: NOW + 3_600_000 })
  const pc = made.at(-1)
  pc.setIce("failed")
  assert.equal(pc.restarts, 1)
  assert.deepEqual(stale, [])
})

test("once its credentials have run out it asks for fresh ones instead, and their video_ready rebuilds the call", () => {
  const { video, stale } = call()
  video.ready({ iceServers: turn("old"), peerUserId: "u2", credentialsExpireAt: NOW + 30_000 }) // within a minute
  const pc = made.at(-1)
  pc.setIce("failed")
  assert.equal(pc.restarts, 0, "an ICE restart on credentials that have run out could not get a relay")
  assert.deepEqual(stale, [true])
  video.ready({ iceServers: turn("fresh"), peerUserId: "u2", credentialsExpireAt: NOW + 3_600_000 })
  const rebuilt = made.at(-1)
  assert.notEqual(rebuilt, pc)
  assert.deepEqual(rebuilt.config.iceServers, turn("fresh"))
})

test("a healthy call keeps going on a new video_ready, but keeps its credentials for the next connection", () => {
  const { video } = call()
  video.ready({ iceServers: turn("old"), peerUserId: "u2", credentialsExpireAt: NOW + 30_000 })
  const pc = made.at(-1)
  pc.setIce("connected")
  video.ready({ iceServers: turn("fresh"), peerUserId: "u2", credentialsExpireAt: NOW + 3_600_000 })
  assert.equal(made.at(-1), pc, "the live call is not torn down")
  assert.equal(video.credentialsStale(), false)
  video.connect("peer-started-over") // the friend's new connection, answered with the fresh servers
  assert.deepEqual(made.at(-1).config.iceServers, turn("fresh"))
})

test("without TURN there are no credentials to run out", () => {
  const { video, stale } = call()
  video.ready({ iceServers: [{ urls: ["stun:203.0.113.7:3478"] }], peerUserId: "u2" })
  made.at(-1).setIce("failed")
  assert.equal(made.at(-1).restarts, 1)
  assert.deepEqual(stale, [])
})
