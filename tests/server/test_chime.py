"""Chime video. No emulator of the Chime SDK Meetings API exists (moto has none), so the
adapter is tested with botocore's Stubber against the API's real request and response
shapes, and once end to end against a small local HTTP stand-in of the Meetings REST API
(below), reached through boto3's own ``AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS``."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
import redis
from botocore.stub import Stubber

from chesschat.adapters.redis_live import room_key
from chesschat.adapters.video_chime import ChimeMeetings, ChimeVideo, request_token
from chesschat.domain.room import Participant, Room
from chesschat.services.ports import VideoFailed
from tests.server.rooms import start
from tests.support import Client, ServerThread, eventually, free_port, play, signup

CODE = "ABCD2345"


def meeting(meeting_id: str = "m-1") -> dict[str, Any]:
    return {
        "MeetingId": meeting_id,
        "ExternalMeetingId": CODE,
        "MediaRegion": "us-east-1",
        "MediaPlacement": {
            "AudioHostUrl": "audio.example:3478",
            "AudioFallbackUrl": "wss://audio.example/fallback",
            "SignalingUrl": "wss://signal.example/control",
            "TurnControlUrl": "https://turn.example/control",
        },
    }


def attendee(user_id: str, attendee_id: str | None = None) -> dict[str, Any]:
    return {"ExternalUserId": user_id, "AttendeeId": attendee_id or f"a-{user_id}", "JoinToken": f"t-{user_id}"}


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


class MeetingsStandIn:
    """The Chime SDK Meetings REST API in miniature: meetings and attendees in memory;
    ``fail_with`` makes every call answer that error."""

    def __init__(self) -> None:
        self.meetings: dict[str, dict[str, Any]] = {}
        self.attendees: dict[str, dict[str, dict[str, Any]]] = {}
        self.deleted: list[str] = []
        self.fail_with: str | None = None
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any] | None = None, error: str | None = None) -> None:
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("content-length") or 0)
                parsed: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                return parsed

            def do_POST(self) -> None:
                body = self._body()
                if stand_in.fail_with:
                    return self._answer(403, {"Message": "no"}, stand_in.fail_with)
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts == ["meetings"]:
                    meeting_id = str(uuid.uuid5(uuid.NAMESPACE_URL, body["ClientRequestToken"]))
                    found = stand_in.meetings.setdefault(
                        meeting_id, {**meeting(meeting_id), "ExternalMeetingId": body["ExternalMeetingId"]}
                    )
                    stand_in.attendees.setdefault(meeting_id, {})
                    return self._answer(200, {"Meeting": found})
                if len(parts) == 3 and parts[2] == "attendees":
                    if parts[1] not in stand_in.meetings:
                        return self._answer(404, {"Message": "gone"}, "NotFoundException")
                    user = body["ExternalUserId"]
                    made = stand_in.attendees[parts[1]].setdefault(user, attendee(user, uuid.uuid4().hex))
                    return self._answer(200, {"Attendee": made})
                return self._answer(404, {"Message": "?"}, "NotFoundException")

            def do_GET(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")
                for found in stand_in.attendees.get(parts[1], {}).values():
                    if found["AttendeeId"] == parts[-1]:
                        return self._answer(200, {"Attendee": found})
                return self._answer(404, {"Message": "gone"}, "NotFoundException")

            def do_DELETE(self) -> None:
                meeting_id = self.path.strip("/").split("/")[1]
                stand_in.deleted.append(meeting_id)
                if stand_in.meetings.pop(meeting_id, None) is None:
                    return self._answer(404, {"Message": "gone"}, "NotFoundException")
                return self._answer(204)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def chime_site(make_server: Callable[..., ServerThread]) -> Iterator[tuple[ServerThread, MeetingsStandIn]]:
    stand_in = MeetingsStandIn()
    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    }
    os.environ.update(
        AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS=stand_in.url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"
    )
    yield make_server(video="chime"), stand_in
    stand_in.server.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


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
