"""Chime video in the real web client. The server makes its meetings on the local stand-in of
the Chime SDK Meetings API (tests/chime_meetings.py). No Chime media service is reachable
here: this Chromium resolves no chime.aws name at all (the meetings' MediaPlacement hosts
are there), so nothing leaves the machine. What is tested is the browser's half up to the
media: the page fetches the SDK, joins the meeting from video_ready and opens its
signalling socket to the meeting's SignalingUrl, the friend's tile says it is connecting,
mute and camera off work, and leaving the room ends the session, all without a page error
or a security policy violation."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

from chesschat.services.ports import SystemClock
from tests.browser.conftest import CHROMIUM_ARGS, Player, chromium_path, two_people
from tests.browser.helpers import open_room
from tests.chime_meetings import MeetingsStandIn, chime_endpoint
from tests.support import ServerThread, settings_for

NO_CHIME_DNS = "--host-resolver-rules=MAP *.chime.aws ~NOTFOUND"


async def quiet(value: Callable[[], object], for_s: float = 6.0, within_s: float = 30.0) -> None:
    """``value()`` stays the same for ``for_s`` seconds, before ``within_s`` have passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    last, since = value(), loop.time()
    while loop.time() - since < for_s:
        assert loop.time() < deadline, f"still changing: {last}"
        await asyncio.sleep(0.2)
        if value() != last:
            last, since = value(), loop.time()


async def until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


@pytest.fixture
async def chime_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=chromium_path(), args=[*CHROMIUM_ARGS, NO_CHIME_DNS])
        yield launched
        await launched.close()


@pytest.fixture
def chime_server(clean_redis: str, tmp_path: Path) -> Iterator[tuple[ServerThread, MeetingsStandIn]]:
    with chime_endpoint() as stand_in:
        settings = settings_for(clean_redis, tmp_path, video="chime", reconnect_grace_seconds=30.0)
        running = ServerThread(settings, SystemClock()).start()
        yield running, stand_in
        running.stop()


@pytest.fixture
async def players(
    chime_browser: Browser, chime_server: tuple[ServerThread, MeetingsStandIn], request: pytest.FixtureRequest
) -> AsyncIterator[list[Player]]:
    server, _ = chime_server

    async def direct() -> tuple[str, None]:
        return server.base_url, None

    async for made in two_people(chime_browser, request, direct):
        yield made


async def test_both_players_join_the_chime_meeting_and_wait_for_its_media(
    players: list[Player], chime_server: tuple[ServerThread, MeetingsStandIn]
) -> None:
    _, stand_in = chime_server
    sockets: dict[str, list[str]] = {p.name: [] for p in players}
    fetched: dict[str, list[str]] = {p.name: [] for p in players}
    for p in players:
        p.page.on("websocket", lambda ws, seen=sockets[p.name]: seen.append(ws.url))
        p.page.on("request", lambda r, seen=fetched[p.name]: seen.append(r.url))
    alice, bob = players
    code = await open_room(alice, bob)

    (meeting,) = stand_in.meetings.values()
    assert meeting["ExternalMeetingId"] == code
    signalling = meeting["MediaPlacement"]["SignalingUrl"]
    for p in players:
        # The SDK started the session: its first step is the meeting's signalling socket.
        await until(lambda name=p.name: any(url.startswith(signalling) for url in sockets[name]))
        assert any(url.endswith("/vendor/chime.js") for url in fetched[p.name])
        note = p.page.get_by_test_id("video-state")
        await expect(note).to_have_attribute("data-state", "connecting")
        await expect(note).to_have_text("Connecting video…")
        await expect(p.page.locator(".toast")).to_have_count(0)

    # Mute and camera off, as in a WebRTC room.
    mic, cam = alice.page.get_by_test_id("toggle-mic"), alice.page.get_by_test_id("toggle-camera")
    await mic.click()
    await expect(mic).to_have_text("Unmute mic")
    await cam.click()
    await expect(cam).to_have_text("Camera on")
    await expect(alice.page.get_by_test_id("local-video")).to_have_class(re.compile(r"\boff\b"))
    await cam.click()
    await mic.click()
    await expect(mic).to_have_text("Mute mic")
    await alice.shot("chime-connecting")

    # The SDK keeps trying the unreachable meeting (it gives up only after two minutes, and
    # what the call does then is tested with a stand-in SDK in tests/js).
    attempts = len(sockets["alice"])
    await until(lambda: len(sockets["alice"]) > attempts)

    # Leaving the room ends both sessions (the room closes for Alice too); nothing throws.
    await bob.page.goto("/#/")
    await expect(bob.page.get_by_test_id("create-room")).to_be_visible()
    await expect(alice.page.get_by_test_id("video-state")).to_have_attribute("data-state", "idle")
    # Chime may finish the reconnection attempt under way; then nothing more.
    await quiet(lambda: {name: len(urls) for name, urls in sockets.items()})
    for p in players:
        assert not [line for line in p.console if "Security Policy Violation" in line], p.console
