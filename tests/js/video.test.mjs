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
  setGathering(state) {
    this.iceGatheringState = state
    this.onicegatheringstatechange()
  }
  gather(candidate) {
    this.onicecandidate({ candidate })
  }
}
globalThis.navigator ??= {}

const NOW = 1_800_000_000_000
const turn = (name) => [{ urls: ["turn:203.0.113.7:3478"], username: `${name}:u1`, credential: "c" }]
const element = () => ({ play: () => Promise.resolve() })

// Timers the test runs by hand: run() fires every pending one.
function manualTimers() {
  const pending = new Map()
  let next = 0
  return {
    setTimeout: (fn, ms) => (pending.set(++next, { fn, ms }), next),
    clearTimeout: (id) => pending.delete(id),
    pending,
    run() {
      const due = [...pending.values()]
      pending.clear()
      for (const { fn } of due) fn()
    },
  }
}

function call(now = NOW) {
  const stale = []
  const states = []
  const timers = manualTimers()
  const video = new VideoCall({ send: () => {}, localVideo: element(), remoteVideo: element(), now: () => now, timers })
  video.addEventListener("refresh", () => stale.push(true))
  video.addEventListener("state", ({ detail }) => states.push(detail.state))
  return { video, stale, states, timers }
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

test("a peer connection that gathers no candidate at all asks for the call to be set up afresh", () => {
  const { video, stale, timers } = call()
  video.ready({ iceServers: turn("a"), peerUserId: "u2", iceTransportPolicy: "relay", credentialsExpireAt: NOW + 3_600_000 })
  made.at(-1).setGathering("gathering")
  assert.deepEqual([...timers.pending.values()].map((t) => t.ms), [5_000])
  timers.run()
  assert.deepEqual(stale, [true], "both sides rebuild on the video_ready that follows")
  video.ready({ iceServers: turn("b"), peerUserId: "u2", iceTransportPolicy: "relay", credentialsExpireAt: NOW + 3_600_000 })
  assert.equal(timers.pending.size, 0, "the stuck connection's watch goes with it")
})

test("a connection that gathers a candidate, or connects, is left alone", () => {
  const { video, stale, timers } = call()
  video.ready({ iceServers: turn("a"), peerUserId: "u2", iceTransportPolicy: "relay" })
  const pc = made.at(-1)
  pc.setGathering("gathering")
  pc.gather({ candidate: "candidate:1 1 udp 1 203.0.113.7 50000 typ relay" })
  timers.run()
  assert.deepEqual(stale, [])
})

test("after two fresh starts that gather nothing, video is said to be unavailable", () => {
  const { video, stale, states, timers } = call()
  for (let round = 0; round < 3; round += 1) {
    video.ready({ iceServers: turn(`r${round}`), peerUserId: "u2", iceTransportPolicy: "relay" })
    made.at(-1).setGathering("gathering")
    timers.run()
  }
  assert.deepEqual(stale, [true, true])
  assert.equal(states.at(-1), "unavailable")
})

test("a call that went live gets its fresh starts back", () => {
  const { video, stale, timers } = call()
  for (let round = 0; round < 2; round += 1) {
    video.ready({ iceServers: turn(`r${round}`), peerUserId: "u2", iceTransportPolicy: "relay" })
    made.at(-1).setGathering("gathering")
    timers.run()
  }
  made.at(-1).setIce("connected")
  video.connect("peer-started-over")
  made.at(-1).setGathering("gathering")
  timers.run()
  assert.deepEqual(stale, [true, true, true])
})
