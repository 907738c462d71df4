"""Video through Amazon Chime SDK meetings, as the original runs it.

When the second player sits down, the room gets a meeting (``ExternalMeetingId`` = the room
code, created idempotently with a client request token derived from the room) and one
attendee per player (``ExternalUserId`` = the user id); each player's ``video_ready``
carries the meeting and their attendee, as the original sends them. A player who comes
back gets their attendee again, made anew if Chime dropped it (or the whole meeting, if
that went). The room's teardown deletes the meeting. Chime's calls block, so they run in a
worker thread, after the room's write and never inside it; throttling is retried with a
growing wait, and any failure becomes ``video_unavailable`` while the game goes on.

boto3 reads ``AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS`` by itself; credentials are the task
role's.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Collection
from typing import Any

import boto3
import structlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chesschat.domain.room import Room
from chesschat.protocol.outbound import VideoReady
from chesschat.services.ports import VideoFailed

log = structlog.get_logger("chesschat.video")
THROTTLED = {
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailableException",
    "ServiceFailureException",
}
ATTEMPTS = 5
BACKOFF_S = 0.2


def request_token(room: Room, generation: int) -> str:
    """The same for every process that prepares this room's ``generation``-th meeting, and
    another for a later meeting or the next room under the same code (2 to 64 characters)."""
    return hashlib.sha256(f"{room.code}:{room.created_at_ms}:{generation}".encode()).hexdigest()[:64]


class ChimeMeetings:
    """The Chime SDK Meetings API, with throttling retried and NotFound as ``None``."""

    def __init__(self, region: str, media_region: str, sleep: Callable[[float], None] = time.sleep) -> None:
        config = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=2, read_timeout=10)
        self.client = boto3.session.Session().client("chime-sdk-meetings", region_name=region, config=config)
        self.media_region = media_region
        self.sleep = sleep

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any] | None:
        for attempt in range(ATTEMPTS):
            try:
                response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
                return response
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code == "NotFoundException":
                    return None
                if code not in THROTTLED or attempt == ATTEMPTS - 1:
                    raise VideoFailed(_reason(code)) from exc
                self.sleep(BACKOFF_S * 2**attempt)
            except BotoCoreError as exc:
                raise VideoFailed("Video could not reach Chime.") from exc
        raise VideoFailed("Chime is busy; video could not start.")

    def create_meeting(self, code: str, token: str) -> dict[str, Any]:
        response = self._call(
            "create_meeting", ClientRequestToken=token, ExternalMeetingId=code, MediaRegion=self.media_region
        )
        if response is None:
            raise VideoFailed("Video could not start.")
        meeting: dict[str, Any] = response["Meeting"]
        return meeting

    def create_attendee(self, meeting_id: str, user_id: str) -> dict[str, Any] | None:
        """The player's attendee; ``None`` when the meeting is gone."""
        response = self._call("create_attendee", MeetingId=meeting_id, ExternalUserId=user_id[:64])
        return None if response is None else dict(response["Attendee"])

    def attendee(self, meeting_id: str, attendee_id: str) -> dict[str, Any] | None:
        response = self._call("get_attendee", MeetingId=meeting_id, AttendeeId=attendee_id)
        return None if response is None else dict(response["Attendee"])

    def delete_meeting(self, meeting_id: str) -> None:
        self._call("delete_meeting", MeetingId=meeting_id)


def _reason(code: str) -> str:
    if code in THROTTLED:
        return "Chime is busy; video could not start."
    if code in ("ForbiddenException", "UnauthorizedException", "AccessDeniedException"):
        return "This server may not start Chime meetings."
    return "Video could not start."


class ChimeVideo:
    def __init__(self, meetings: ChimeMeetings) -> None:
        self.meetings = meetings

    def ready(self, room: Room, user_id: str) -> VideoReady | None:
        state = room.video or {}
        attendee = state.get("attendees", {}).get(user_id)
        if state.get("meeting") is None or attendee is None:
            return None
        peer = room.opponent_of(user_id)
        return VideoReady(
            room_code=room.code,
            provider="chime",
            ice_servers=(),
            polite=user_id != room.host_user_id,
            peer_user_id=None if peer is None else peer.user_id,
            meeting_data=state["meeting"],
            attendee_data=attendee,
        )

    async def prepare(self, room: Room, user_ids: Collection[str]) -> dict[str, Any] | None:
        return await asyncio.to_thread(self._prepare, room, set(user_ids))

    def _prepare(self, room: Room, user_ids: set[str]) -> dict[str, Any] | None:
        state = room.video or {}
        meeting = state.get("meeting")
        attendees: dict[str, Any] = dict(state.get("attendees", {}))
        generation: int = state.get("generation", 0)
        changed = False
        if meeting is not None:
            # A player coming back: Chime may have dropped their attendee, or the meeting.
            for user_id in user_ids & attendees.keys():
                if self.meetings.attendee(meeting["MeetingId"], attendees[user_id]["AttendeeId"]) is None:
                    del attendees[user_id]
                    changed = True
        for _ in range(2):
            if meeting is None:
                generation += 1
                meeting = self.meetings.create_meeting(room.code, request_token(room, generation))
                attendees, changed = {}, True
            for participant in room.participants:
                if participant.user_id in attendees:
                    continue
                attendee = self.meetings.create_attendee(meeting["MeetingId"], participant.user_id)
                if attendee is None:  # the meeting ended under us: once more, with a new one
                    meeting = None
                    break
                attendees[participant.user_id] = attendee
                changed = True
            else:
                break
        if meeting is None:
            raise VideoFailed("Video could not start.")
        if not changed:
            return None
        log.info("chime_meeting_ready", roomCode=room.code, meetingId=meeting["MeetingId"])
        return {
            "meeting_id": meeting["MeetingId"],
            "meeting": meeting,
            "attendees": attendees,
            "generation": generation,
        }

    async def close(self, room: Room) -> None:
        meeting_id = (room.video or {}).get("meeting_id")
        if meeting_id:
            await asyncio.to_thread(self.meetings.delete_meeting, meeting_id)
