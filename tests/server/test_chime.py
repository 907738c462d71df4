"""Chime video. No emulator of the Chime SDK Meetings API exists (moto has none), so the
adapter is tested with botocore's Stubber against the API's real request and response
shapes, and end to end against a small local HTTP stand-in of the Meetings REST API
(tests/chime_meetings.py), reached through boto3's own ``AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
import redis
from botocore.stub import Stubber

from chesschat.adapters.redis_live import room_key
from chesschat.adapters.video_chime import ChimeMeetings, ChimeVideo, request_token
from chesschat.domain.room import Participant, Room
from chesschat.services.ports import VideoFailed
from tests.chime_meetings import CODE, MeetingsStandIn, attendee, chime_endpoint, meeting
from tests.server.rooms import start
from tests.support import Client, ServerThread, eventually, play, signup


def room(video: dict[str, Any] | None = None) -> Room:
    seats = tuple(Participant(u, u, u, True, f"c-{u}", 1) for u in ("ann", "bob"))
    return Room(CODE, "active", "ann", seats, 1_000, 9_000_000, video=video)


@pytest.fixture
def stubbed() -> Iterator[tuple[ChimeVideo, Stubber, list[float]]]:
    waits: list[float] = []
    meetings = ChimeMeetings("us-east-1", "us-east-1", sleep=waits.append)
    with Stubber(meetings.client) as stub:
        yield ChimeVideo(meetings), stub, waits
        stub.assert_no_pending_responses()


def test_the_second_player_sitting_down_makes_one_meeting_and_an_attendee_each(
    stubbed: tuple[ChimeVideo, Stubber, list[float]],
) -> None:
    video, stub, _ = stubbed
    token = request_token(room(), 1)
    stub.add_response(
        "create_meeting",
        {"Meeting": meeting()},
        {"ClientRequestToken": token, "ExternalMeetingId": CODE, "MediaRegion": "us-east-1"},
    )
    for user in ("ann", "bob"):
        stub.add_response("create_attendee", {"Attendee": attendee(user)}, {"MeetingId": "m-1", "ExternalUserId": user})
    state = video._prepare(room(), {"ann", "bob"})
    assert state is not None and state["meeting_id"] == "m-1"
    kept = room(state)
    ready = video.ready(kept, "bob")
    assert ready is not None
    wire = ready.wire()
    assert wire["provider"] == "chime" and wire["meetingData"]["MeetingId"] == "m-1"
    assert wire["attendeeData"] == attendee("bob")
    assert video.ready(room(), "bob") is None  # nothing to say until the room keeps its meeting
    assert token == request_token(room(), 1) != request_token(room(), 2)  # any process, same meeting


def test_a_player_back_gets_their_attendee_again_made_anew_if_chime_dropped_it(
    stubbed: tuple[ChimeVideo, Stubber, list[float]],
) -> None:
    video, stub, _ = stubbed
    state = {"meeting_id": "m-1", "meeting": meeting(), "attendees": {u: attendee(u) for u in ("ann", "bob")}}
    stub.add_response("get_attendee", {"Attendee": attendee("bob")}, {"MeetingId": "m-1", "AttendeeId": "a-bob"})
    assert video._prepare(room(state), {"bob"}) is None  # still there: the room's is enough
    stub.add_client_error("get_attendee", "NotFoundException", http_status_code=404)
    stub.add_response(
        "create_attendee", {"Attendee": attendee("bob", "a-bob-2")}, {"MeetingId": "m-1", "ExternalUserId": "bob"}
    )
    again = video._prepare(room(state), {"bob"})
    assert again is not None and again["attendees"]["bob"]["AttendeeId"] == "a-bob-2"
    assert again["attendees"]["ann"] == attendee("ann")


def test_a_meeting_chime_ended_is_made_again_under_a_new_token(
    stubbed: tuple[ChimeVideo, Stubber, list[float]],
) -> None:
    video, stub, _ = stubbed
    state = {"meeting_id": "m-1", "meeting": meeting(), "attendees": {"ann": attendee("ann")}, "generation": 1}
    stub.add_client_error("create_attendee", "NotFoundException", http_status_code=404)
    stub.add_response("create_meeting", {"Meeting": meeting("m-2")}, {
        "ClientRequestToken": request_token(room(), 2), "ExternalMeetingId": CODE, "MediaRegion": "us-east-1"
    })  # fmt: skip
    for user in ("ann", "bob"):
        stub.add_response("create_attendee", {"Attendee": attendee(user)}, {"MeetingId": "m-2", "ExternalUserId": user})
    fresh = video._prepare(room(state), {"bob"})
    assert fresh is not None and fresh["meeting_id"] == "m-2" and fresh["generation"] == 2
    assert set(fresh["attendees"]) == {"ann", "bob"}


def test_throttling_is_retried_with_a_growing_wait_and_then_succeeds(
    stubbed: tuple[ChimeVideo, Stubber, list[float]],
) -> None:
    video, stub, waits = stubbed
    for _ in range(2):
        stub.add_client_error("create_meeting", "ThrottlingException", http_status_code=429)
    stub.add_response("create_meeting", {"Meeting": meeting()})
    for user in ("ann", "bob"):
        stub.add_response("create_attendee", {"Attendee": attendee(user)})
    assert video._prepare(room(), {"ann", "bob"}) is not None
    assert waits == [0.2, 0.4]


def test_a_hard_failure_says_why_and_teardown_counts_a_gone_meeting_as_deleted(
    stubbed: tuple[ChimeVideo, Stubber, list[float]],
) -> None:
    video, stub, waits = stubbed
    stub.add_client_error("create_meeting", "ForbiddenException", http_status_code=403)
    with pytest.raises(VideoFailed, match="may not start Chime meetings"):
        video._prepare(room(), {"ann", "bob"})
    for _ in range(5):
        stub.add_client_error("create_meeting", "ThrottlingException", http_status_code=429)
    with pytest.raises(VideoFailed, match="busy"):
        video._prepare(room(), {"ann", "bob"})
    assert len(waits) == 4
    stub.add_client_error("delete_meeting", "NotFoundException", http_status_code=404)
    video.meetings.delete_meeting("m-1")  # no error: it is gone either way


@pytest.fixture
def chime_site(make_server: Callable[..., ServerThread]) -> Iterator[tuple[ServerThread, MeetingsStandIn]]:
    with chime_endpoint() as stand_in:
        yield make_server(video="chime"), stand_in


async def test_both_players_get_their_chime_attendee_and_the_room_keeps_its_meeting(
    chime_site: tuple[ServerThread, MeetingsStandIn], clean_redis: str
) -> None:
    site, stand_in = chime_site
    ann = await Client.connect(site.ws_url, signup(site.base_url))
    bob = await Client.connect(site.ws_url, signup(site.base_url))
    await ann.send({"type": "create_room"})
    code = (await ann.expect("room_joined"))["roomCode"]
    await bob.send({"type": "join_room", "roomCode": code})
    for player in (ann, bob):
        ready = await player.expect("video_ready")
        assert ready["provider"] == "chime" and ready["meetingData"]["ExternalMeetingId"] == code
        assert ready["attendeeData"]["ExternalUserId"] == player.user_id
    (meeting_id,) = stand_in.meetings
    stored = orjson.loads(redis.Redis.from_url(clean_redis).get(room_key(code)) or b"{}")
    assert stored["chime_meeting_id"] == meeting_id and stored["chime_meeting_data"]["MeetingId"] == meeting_id

    # Bob comes back: his attendee again, no second meeting.
    await bob.close()
    bob = await Client.connect(site.ws_url, bob.account)
    await bob.send({"type": "join_room", "roomCode": code})
    again = await bob.expect("video_ready")
    assert again["meetingData"]["MeetingId"] == meeting_id and len(stand_in.meetings) == 1

    await ann.send({"type": "leave_room", "roomCode": code})
    await bob.expect("room_closed")
    assert eventually(lambda: set(stand_in.deleted) == {meeting_id})  # a second teardown finds it gone
    await ann.close()
    await bob.close()


async def test_when_chime_refuses_both_are_told_and_the_game_goes_on(
    chime_site: tuple[ServerThread, MeetingsStandIn],
) -> None:
    site, stand_in = chime_site
    stand_in.fail_with = "ForbiddenException"
    ann = await Client.connect(site.ws_url, signup(site.base_url))
    bob = await Client.connect(site.ws_url, signup(site.base_url))
    await ann.send({"type": "create_room"})
    code = (await ann.expect("room_joined"))["roomCode"]
    await bob.send({"type": "join_room", "roomCode": code})
    for player in (ann, bob):
        unavailable = await player.expect("video_unavailable")
        assert unavailable["reason"] == "This server may not start Chime meetings."
    white, black, _ = await start(ann, bob, code)
    assert (await play(white, black, code, ["e2e4", "e7e5"]))["moveSan"] == "e5"
    assert site.wiring.metrics.value("VideoFailures") == 1
    await ann.close()
    await bob.close()


def _policy(site: ServerThread) -> dict[str, list[str]]:
    header = httpx.get(f"{site.base_url}/").headers["content-security-policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


def _allows(sources: list[str], url: str) -> bool:
    """CSP host-source matching, for ``'self'`` and ``scheme://*.domain`` sources."""
    parts = urlsplit(url)
    for source in sources:
        scheme, _, host = source.partition("://")
        if host.startswith("*.") and parts.scheme == scheme and (parts.hostname or "").endswith(host[1:]):
            return True
    return False


def test_in_chime_mode_the_pages_may_reach_the_meetings_hosts_and_the_sdks_worker(
    chime_site: tuple[ServerThread, MeetingsStandIn], make_server: Callable[..., ServerThread]
) -> None:
    site, _ = chime_site
    policy = _policy(site)
    placement = meeting()["MediaPlacement"]
    urls = [url for key, url in placement.items() if key != "AudioHostUrl"]  # audio goes over ICE, not fetch
    assert urls and all(_allows(policy["connect-src"], url) for url in urls), policy["connect-src"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # the SDK is this origin's; no eval
    webrtc = _policy(make_server())
    assert webrtc["connect-src"] == webrtc["script-src"] == ["'self'"] and "worker-src" not in webrtc
    assert not _allows(webrtc["connect-src"], placement["SignalingUrl"])
