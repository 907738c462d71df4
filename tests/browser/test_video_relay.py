"""Video through TURN only: two Chromium contexts with fake cameras, told by the server to
use nothing but relays (CHESSCHAT_TURN_RELAY_ONLY), connect through the embedded coturn and
each plays the other's video; also with the two players on two server processes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser
from playwright.async_api import Error as PlaywrightError

from chesschat.cli.turn import start_embedded
from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player, two_people
from tests.browser.helpers import open_room, remote_video_plays
from tests.support import ServerThread, free_port, settings_for
from tests.video.conftest import need_turnserver, turn_overrides

# Keeps the page's peer connections within reach of the test; they behave as before.
KEEP_PEER_CONNECTIONS = """
window.peerConnections = []
window.RTCPeerConnection = class extends window.RTCPeerConnection {
  constructor(...args) {
    super(...args)
    window.peerConnections.push(this)
  }
}
"""
PEER_STATES = """async () => Promise.all(window.peerConnections.map(async (pc) => {
  const stats = [...(await pc.getStats()).values()]
  return {
    ice: pc.iceConnectionState,
    gathering: pc.iceGatheringState,
    signaling: pc.signalingState,
    policy: pc.getConfiguration().iceTransportPolicy,
    servers: pc.getConfiguration().iceServers.flatMap((server) => server.urls),
    local: stats.filter((s) => s.type === "local-candidate").map((s) => s.candidateType),
    remote: stats.filter((s) => s.type === "remote-candidate").map((s) => s.candidateType),
    remoteDescription: Boolean(pc.remoteDescription),
  }
}))"""
# How the page's live peer connection is set up and which candidates carry the call
# (null until the transport has selected a pair).
SELECTED_PATH = """async () => {
  const pc = window.peerConnections.filter((p) => p.connectionState !== "closed").at(-1)
  const stats = [...(await pc.getStats()).values()]
  const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId)
  const pair = transport && stats.find((s) => s.id === transport.selectedCandidatePairId)
  if (!pair) return null
  const local = stats.find((s) => s.id === pair.localCandidateId)
  const remote = stats.find((s) => s.id === pair.remoteCandidateId)
  return {
    policy: pc.getConfiguration().iceTransportPolicy,
    local: local.candidateType,
    remote: remote.candidateType,
    relayProtocol: local.relayProtocol,
    url: local.url,
    bytes: pair.bytesReceived,
  }
}"""
# True once the selected pair has carried media to this page (a pair chosen a moment ago,
# e.g. after ICE nominated a better relay pair, starts at zero).
SELECTED_PAIR_CARRIES_MEDIA = f"async () => ((await ({SELECTED_PATH})()) ?? {{ bytes: 0 }}).bytes > 0"


@pytest.fixture(params=["one server", "two servers"])
def relay_servers(clean_redis: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[list[ServerThread]]:
    """The app with its embedded coturn, and with ``two servers`` a second process of it on
    the same Redis and the same coturn (each player on their own)."""
    need_turnserver()
    base = settings_for(clean_redis, tmp_path, reconnect_grace_seconds=30.0, turn_relay_only=True, **turn_overrides())
    settings, turn = start_embedded(base)
    assert turn is not None, f"coturn did not start; see {tmp_path / 'turn'}"
    running = [ServerThread(settings, SystemClock()).start()]
    if request.param == "two servers":
        running.append(ServerThread(settings.model_copy(update={"port": free_port()}), SystemClock()).start())
    yield running
    for server in running:
        server.stop()
    turn.stop()


@pytest.fixture
async def relay_players(
    browser: Browser, relay_servers: list[ServerThread], request: pytest.FixtureRequest
) -> AsyncIterator[list[Player]]:
    sites = iter([relay_servers[0], relay_servers[-1]])

    async def next_server() -> tuple[str, None]:
        return next(sites).base_url, None

    async for made in two_people(browser, request, next_server):
        for player in made:
            await player.context.add_init_script(KEEP_PEER_CONNECTIONS)
        yield made


async def test_two_browsers_see_each_other_through_turn_alone(
    relay_players: list[Player], relay_servers: list[ServerThread]
) -> None:
    host, guest = relay_players
    await open_room(host, guest)
    seated = time.perf_counter()
    for player in (host, guest):
        try:
            await remote_video_plays(player)
        except PlaywrightError as failed:
            states = [await p.page.evaluate(PEER_STATES) for p in (host, guest)]
            raise AssertionError(f"no remote video on {player.name}'s screen; peer connections: {states}") from failed
    print(f"seated to both remote videos playing through TURN: {time.perf_counter() - seated:.2f} s")
    turn_port = relay_servers[0].settings.turn_port
    for player in (host, guest):
        try:
            await player.page.wait_for_function(SELECTED_PAIR_CARRIES_MEDIA, timeout=10_000, polling=200)
        except PlaywrightError as failed:
            path, states = await player.page.evaluate(SELECTED_PATH), await player.page.evaluate(PEER_STATES)
            raise AssertionError(f"{player.name}'s selected pair carries nothing: {path} {states}") from failed
        path = await player.page.evaluate(SELECTED_PATH)
        assert path["policy"] == "relay"
        assert (path["local"], path["remote"]) == ("relay", "relay")
        assert path["url"].startswith(f"turn:127.0.0.1:{turn_port}")
        await player.shot(f"video-relay-{len(relay_servers)}")
    assert sum(server.wiring.metrics.value("TurnCredentialsIssued") for server in relay_servers) >= 2
