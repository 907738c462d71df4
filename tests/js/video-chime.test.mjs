import { test, mock } from "node:test"
import assert from "node:assert/strict"
import { ReconnectTracker } from "../../src/chesschat/web/static/js/reconnect.js"
import { RoomCall } from "../../src/chesschat/web/static/js/video-chime.js"
import { initialState, reduce } from "../../src/chesschat/web/static/js/views/room/state.js"

// Just enough of the browser for a WebRTC call to begin.
globalThis.RTCPeerConnection ??= class {
  addTransceiver() {}
  close() {}
}
globalThis.navigator ??= {}

const READY = {
  type: "video_ready",
  roomCode: "ABCD2345",
  provider: "chime",
  meetingData: { MeetingId: "m-1", MediaPlacement: {} },
  attendeeData: { AttendeeId: "a-ann", ExternalUserId: "ann", JoinToken: "t" },
  polite: false,
  peerUserId: "bob",
  iceServers: [],
}

/** The SDK's classes as the call uses them, recording what it asks of the meeting. */
function fakeChime() {
  const calls = []
  const seen = { observers: [] }
  const record =
    (name, result) =>
    (...args) => (calls.push([name, ...args]), result)
  const av = {
    addObserver: (observer) => (seen.observers.push(observer), (seen.observer ||= observer)),
    addAudioMixObserver: (observer) => (seen.audioMix = observer),
    realtimeSubscribeToAttendeeIdPresence: (callback) => (seen.presence = callback),
    listAudioInputDevices: async () => [{ deviceId: "usb-mic" }, { deviceId: "default" }],
    listVideoInputDevices: async () => [{ deviceId: "cam-1" }, { deviceId: "cam-2" }],
    startAudioInput: record("startAudioInput", Promise.resolve()),
    startVideoInput: record("startVideoInput", Promise.resolve()),
    stopAudioInput: record("stopAudioInput", Promise.resolve()),
    stopVideoInput: record("stopVideoInput", Promise.resolve()),
    bindAudioElement: record("bindAudioElement", Promise.resolve()),
    unbindAudioElement: record("unbindAudioElement"),
    bindVideoElement: record("bindVideoElement"),
    start: record("start"),
    stop: record("stop"),
    startLocalVideoTile: record("startLocalVideoTile"),
    stopLocalVideoTile: record("stopLocalVideoTile"),
    realtimeMuteLocalAudio: record("mute"),
    realtimeUnmuteLocalAudio: record("unmute"),
  }
  const sdk = {
    LogLevel: { WARN: 3 },
    ConsoleLogger: class {},
    DefaultDeviceController: class {},
    MeetingSessionConfiguration: class {
      constructor(meeting, attendee) {
        seen.configuration = { meeting, attendee }
      }
    },
    DefaultMeetingSession: class {
      audioVideo = av
      destroy = record("destroy", Promise.resolve())
    },
  }
  return { sdk, calls, seen, named: (name) => calls.filter((c) => c[0] === name) }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

async function joined(audio = { play: async () => {} }) {
  const chime = fakeChime()
  let loads = 0
  const states = []
  const localVideo = { name: "self-view" }
  const remoteVideo = { name: "friend" }
  const call = new RoomCall({
    send: () => {},
    localVideo,
    remoteVideo,
    loadSdk: async () => (loads++, chime.sdk),
    audio,
  })
  call.addEventListener("state", ({ detail }) => states.push(detail))
  call.ready(READY)
  for (let i = 0; i < 5; i++) await settle()
  return { call, chime, states, localVideo, remoteVideo, loads: () => loads }
}

test("a chime video_ready joins the meeting with the default microphone and camera", async () => {
  const { call, chime, states, loads } = await joined()
  assert.equal(loads(), 1)
  assert.deepEqual(chime.seen.configuration, { meeting: READY.meetingData, attendee: READY.attendeeData })
  assert.deepEqual(chime.named("startAudioInput"), [["startAudioInput", "default"]])
  assert.deepEqual(chime.named("startVideoInput"), [["startVideoInput", "cam-1"]])
  assert.equal(chime.named("start").length, 1)
  assert.equal(states.at(-1).state, "connecting")
  call.ready(READY) // the same meeting again (the player came back): nothing new
  await settle()
  assert.equal(loads(), 1)
  assert.equal(chime.named("start").length, 1)
})

test("the self-view and the friend's tile are bound, and the call is live with the friend there", async () => {
  const { chime, states, localVideo, remoteVideo } = await joined()
  chime.seen.observer.audioVideoDidStart()
  assert.equal(chime.named("startLocalVideoTile").length, 1)
  assert.equal(states.at(-1).state, "connecting", "the friend is not in the meeting yet")
  chime.seen.presence("a-ann", true) // oneself
  assert.equal(states.at(-1).state, "connecting")
  chime.seen.presence("a-bob", true)
  assert.equal(states.at(-1).state, "live")
  chime.seen.observer.videoTileDidUpdate({ tileId: 1, localTile: true })
  chime.seen.observer.videoTileDidUpdate({ tileId: 2, localTile: false, boundAttendeeId: "a-bob" })
  chime.seen.observer.videoTileDidUpdate({ tileId: 3, localTile: false, isContent: true, boundAttendeeId: "a-bob" })
  assert.deepEqual(chime.named("bindVideoElement"), [
    ["bindVideoElement", 1, localVideo],
    ["bindVideoElement", 2, remoteVideo],
  ])
  chime.seen.presence("a-bob", false)
  assert.equal(states.at(-1).state, "connecting")
})

test("mute and camera off go to the meeting", async () => {
  const { call, chime } = await joined()
  chime.seen.observer.audioVideoDidStart()
  assert.equal(call.toggleMic(), false)
  assert.equal(call.toggleMic(), true)
  assert.equal(call.toggleCamera(), false)
  assert.equal(call.toggleCamera(), true)
  const asked = chime.calls.map((c) => c[0]).filter((n) => /mute|LocalVideoTile/.test(n))
  assert.deepEqual(asked, ["startLocalVideoTile", "mute", "unmute", "stopLocalVideoTile", "startLocalVideoTile"])
})

test("toggled before the meeting starts, mic and camera start as the player left them", async () => {
  const { call, chime } = await joined()
  call.toggleMic()
  call.toggleCamera()
  chime.seen.observer.audioVideoDidStart()
  assert.ok(chime.named("mute").length > 0)
  assert.equal(chime.named("unmute").length, 0)
  assert.equal(chime.named("startLocalVideoTile").length, 0)
})

test("a session dropped without a final reason starts again by itself; a final one is unavailable", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] })
  const { chime, states } = await joined()
  const dropped = { isTerminal: () => false }
  chime.seen.observer.audioVideoDidStop(dropped)
  assert.deepEqual(states.at(-1), { state: "unavailable", reason: "Could not connect the video; trying again." })
  t.mock.timers.tick(999)
  assert.equal(chime.named("start").length, 1)
  t.mock.timers.tick(1)
  assert.equal(chime.named("start").length, 2)
  chime.seen.observer.audioVideoDidStartConnecting(false)
  assert.equal(states.at(-1).state, "unavailable", "still says it is trying again")
  chime.seen.observer.audioVideoDidStop(dropped)
  t.mock.timers.tick(1999)
  assert.equal(chime.named("start").length, 2, "the second wait is longer")
  t.mock.timers.tick(1)
  assert.equal(chime.named("start").length, 3)
  chime.seen.observer.audioVideoDidStart()
  assert.equal(states.at(-1).state, "connecting")

  chime.seen.observer.audioVideoDidStop({ isTerminal: () => true })
  assert.deepEqual(states.at(-1), { state: "unavailable", reason: "The video call ended." })
  assert.equal(chime.named("stop").length, 1)
  t.mock.timers.tick(60_000)
  assert.equal(chime.named("start").length, 3, "no restart after a final stop")
})

test("leaving the room leaves the meeting and lets the devices go", async () => {
  const { call, chime, states } = await joined()
  call.close()
  await settle()
  for (const name of ["stop", "unbindAudioElement", "stopVideoInput", "stopAudioInput"]) {
    assert.equal(chime.named(name).length, 1, name)
  }
  assert.equal(chime.named("destroy").length, 0, "not while Chime may still be reconnecting")
  assert.equal(states.at(-1).state, "idle")
  for (const observer of chime.seen.observers) observer.audioVideoDidStop({ isTerminal: () => true })
  assert.equal(chime.named("destroy").length, 1, "once Chime has stopped")
  assert.equal(states.at(-1).state, "idle", "the old session says nothing more")
})

test("leaving while the SDK is still loading never joins", async () => {
  const chime = fakeChime()
  let release
  const call = new RoomCall({ send: () => {}, localVideo: {}, remoteVideo: {}, loadSdk: () => new Promise((r) => (release = r)) })
  call.ready(READY)
  call.close()
  release(chime.sdk)
  await settle()
  assert.equal(chime.calls.length, 0)
})

test("the room hands a chime video_ready to the call", () => {
  const ctx = { code: "ABCD2345", viewer: { userId: "ann", username: "ann" }, serverNow: () => 0, tracker: new ReconnectTracker() }
  assert.deepEqual(reduce(initialState(), READY, ctx).effects, [{ do: "videoReady", frame: READY }])
})

test("a chime SDK that does not load leaves the video unavailable", async () => {
  const states = []
  const warn = mock.method(console, "warn", () => {})
  const call = new RoomCall({ send: () => {}, localVideo: {}, remoteVideo: {}, loadSdk: () => Promise.reject(new Error("404")) })
  call.addEventListener("state", ({ detail }) => states.push(detail))
  call.ready(READY)
  await settle()
  warn.mock.restore()
  assert.deepEqual(states.at(-1), { state: "unavailable", reason: "Could not load the video." })
})

test("a webrtc video_ready takes the browser-to-browser path and never fetches the SDK", async () => {
  let loads = 0
  const call = new RoomCall({ send: () => {}, localVideo: {}, remoteVideo: {}, loadSdk: async () => loads++ })
  call.ready({ type: "video_ready", provider: "webrtc", iceServers: [], polite: true, peerUserId: "bob" })
  await settle()
  assert.equal(loads, 0)
  assert.ok(call.pc instanceof RTCPeerConnection)
  assert.equal(call.session, null)
  call.close()
})

test("the friend's voice plays when it arrives; a refused autoplay waits for the player's tap", async () => {
  const taps = []
  globalThis.document = { addEventListener: (type, listener) => taps.push([type, listener]) }
  let plays = 0
  const refused = Object.assign(new Error("no gesture yet"), { name: "NotAllowedError" })
  const audio = { play: () => (plays++, plays === 1 ? Promise.reject(refused) : Promise.resolve()) }
  const { call, chime } = await joined(audio)
  let offered = 0
  call.addEventListener("muted-autoplay", () => offered++)
  chime.seen.audioMix.meetingAudioStreamBecameActive({})
  await settle()
  assert.equal(offered, 1, "the panel offers to turn the sound on")
  assert.deepEqual(taps.map(([type]) => type), ["pointerdown"])
  taps[0][1]()
  assert.equal(plays, 2)
  delete globalThis.document
})
