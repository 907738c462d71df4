"""The HTTP API of friends, challenges, pair rooms and notifications.

Paths and bodies are the original ChessChat's, and what goes out has its items' attribute
names (the social tables' own, from :mod:`chesschat.adapters.records.social_mapping`), so a
client written for the original reads them as they are. Ours (+): each friend's ``online``,
cancelling a request, declining and cancelling a challenge, removing a friend, and marking
every notification read. An id that is not the caller's is refused as an unknown one.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from chesschat.adapters.records.social_mapping import (
    challenge_to_item,
    friendship_to_item,
    notification_to_item,
    request_to_item,
    settings_from_map,
)
from chesschat.domain.errors import InvalidSettings
from chesschat.domain.social import (
    Challenge,
    FriendRequest,
    NotChallenged,
    NotChallenger,
    Notification,
    SelfChallenge,
    SelfFriendRequest,
)
from chesschat.protocol import outbound
from chesschat.services.social import Friend, Push, Social, UserFrames
from chesschat.web.http import CurrentAccount, error_response, refusals

# Ids are the server's own (``fr_…``, ``ch_…``, ``ntf_…``, UUIDs); a bound keeps a forged
# one from reaching the store.
Id = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Username = Annotated[str, Field(max_length=64)]
READ = refusals("UNAUTHORIZED", "NOT_READY")
LOOKUP = refusals("UNAUTHORIZED", "NOT_FOUND", "CONFLICT", "INVALID_PAYLOAD", "NOT_READY")
WRITE = refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "NOT_FOUND", "CONFLICT", "INVALID_PAYLOAD", "NOT_READY")
# The challenger answering their own challenge, or the challenged cancelling it: the
# original's 403, not a 401 that a client reads as a lapsed session.
FORBIDDEN = 403
ANSWER = {**WRITE, FORBIDDEN: {**WRITE[FORBIDDEN], "description": "`FORBIDDEN_ORIGIN`, `UNAUTHORIZED`"}}


class RequestOut(BaseModel):
    request_id: str
    sender_user_id: str
    sender_username: str
    recipient_user_id: str
    recipient_username: str
    status: str
    """``pending``, ``accepted``, ``declined`` or ``canceled``."""
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, request: FriendRequest) -> RequestOut:
        return cls(**request_to_item(request))


class RequestResponse(BaseModel):
    request: RequestOut


class RequestsOut(BaseModel):
    received: list[RequestOut]
    sent: list[RequestOut]


class FriendOut(BaseModel):
    user_id: str
    friend_user_id: str
    friend_username: str
    created_at: str
    online: bool
    """Whether the friend has the app open (a live socket) right now."""

    @classmethod
    def of(cls, friend: Friend) -> FriendOut:
        return cls(**friendship_to_item(friend.friendship), online=friend.online)


class FriendsOut(BaseModel):
    friends: list[FriendOut]


class ChallengeOut(BaseModel):
    challenge_id: str
    challenger_user_id: str
    challenger_username: str
    challenged_user_id: str
    challenged_username: str
    room_code: str | None
    """The pair's room, once accepted."""
    status: str
    """``pending``, ``active`` (accepted), ``declined``, ``canceled`` or ``expired``."""
    settings: dict[str, Any]
    created_at: str
    updated_at: str
    expires_at: str

    @classmethod
    def of(cls, challenge: Challenge) -> ChallengeOut:
        return cls(**{"room_code": None, **challenge_to_item(challenge)})


class ChallengeResponse(BaseModel):
    challenge: ChallengeOut


class ChallengesOut(BaseModel):
    challenges: list[ChallengeOut]


class NotificationOut(BaseModel):
    user_id: str
    notification_id: str
    type: str
    title: str
    message: str
    entity_id: str | None
    """The friend request or challenge it is about."""
    read: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        return cls(**notification_to_item(notification))


class NotificationsOut(BaseModel):
    notifications: list[NotificationOut]


class MarkedOut(BaseModel):
    updated: int
    """How many were unread."""


class Opponent(BaseModel):
    user_id: str
    username: str
    display_name: str


class PairRoomOut(BaseModel):
    room_code: str
    opponent: Opponent


class FriendRequestIn(BaseModel):
    username: Username


class RespondIn(BaseModel):
    action: Literal["accept", "decline"]


class ChallengeSettingsIn(BaseModel):
    """The game proposed, in ``start_game``'s words; what is left out is the default
    (300 s a side, no increment, no takebacks, random colours). The bounds below are the
    widest; the server's own limits (``max_time_seconds``, ``max_increment_seconds``) may be
    lower, and a challenge beyond them is refused with 422."""

    timeWhiteSeconds: float | None = Field(default=None, gt=0, le=86_400)
    incrementSeconds: float | None = Field(default=None, ge=0, le=3_600)
    allowTakebacks: bool | None = None
    takebacksWhite: int | None = Field(default=None, ge=0, le=100)
    color: Literal["white", "black", "random"] | None = None


class ChallengeIn(BaseModel):
    username: Username
    settings: ChallengeSettingsIn = ChallengeSettingsIn()


def pusher(frames: UserFrames) -> Push:
    """Sends each stored notification, as the list shows it, to its recipient's sockets."""

    async def push(notification: Notification) -> None:
        frame = outbound.Notification(NotificationOut.of(notification).model_dump(mode="json"))
        await frames.to_user(notification.user_id, frame)

    return push


def _social(request: Request) -> Social:
    service: Social = request.app.state.wiring.social
    return service


def install(app: FastAPI) -> None:
    @app.exception_handler(NotChallenged)
    @app.exception_handler(NotChallenger)
    async def forbidden(_: Request, exc: NotChallenged | NotChallenger) -> JSONResponse:
        response = error_response(exc.code, exc.detail)
        response.status_code = FORBIDDEN
        return response

    @app.exception_handler(SelfFriendRequest)
    @app.exception_handler(SelfChallenge)
    async def with_oneself(_: Request, exc: SelfFriendRequest | SelfChallenge) -> JSONResponse:
        # A well-formed request naming the caller: refused for what it asks, not its form.
        return error_response("CONFLICT", exc.detail)

    @app.get("/api/friends", tags=["friends"], responses=READ)
    async def friends(request: Request, account: CurrentAccount) -> FriendsOut:
        return FriendsOut(friends=[FriendOut.of(f) for f in await _social(request).friends(account.user_id)])

    # User ids are UUIDs; the converter keeps this path from also matching /api/friends/requests.
    @app.delete("/api/friends/{user_id:uuid}", tags=["friends"], status_code=204, responses=WRITE)
    async def remove_friend(request: Request, account: CurrentAccount, user_id: uuid.UUID) -> Response:
        await _social(request).remove_friend(account.user_id, str(user_id))
        return Response(status_code=204)

    @app.get("/api/friends/requests", tags=["friends"], responses=READ)
    async def friend_requests(request: Request, account: CurrentAccount) -> RequestsOut:
        received, sent = await _social(request).requests(account.user_id)
        return RequestsOut(received=[RequestOut.of(r) for r in received], sent=[RequestOut.of(r) for r in sent])

    @app.post("/api/friends/requests", tags=["friends"], status_code=201, responses=WRITE)
    async def send_friend_request(request: Request, account: CurrentAccount, body: FriendRequestIn) -> RequestResponse:
        """Ask a player to be friends. If they had already asked the caller, the two are
        friends at once, and the answer is their request, accepted."""
        sent = await _social(request).send_request(account, body.username)
        return RequestResponse(request=RequestOut.of(sent))

    @app.post("/api/friends/requests/{request_id}/respond", tags=["friends"], responses=WRITE)
    async def respond(request: Request, account: CurrentAccount, request_id: Id, body: RespondIn) -> RequestResponse:
        answered = await _social(request).answer_request(account.user_id, request_id, body.action == "accept")
        return RequestResponse(request=RequestOut.of(answered))

    @app.post("/api/friends/requests/{request_id}/cancel", tags=["friends"], responses=WRITE)
    async def cancel_request(request: Request, account: CurrentAccount, request_id: Id) -> RequestResponse:
        cancelled = await _social(request).cancel_request(account.user_id, request_id)
        return RequestResponse(request=RequestOut.of(cancelled))

    @app.get("/api/challenges", tags=["challenges"], responses=READ)
    async def challenges(request: Request, account: CurrentAccount) -> ChallengesOut:
        """The caller's pending challenges, sent and received, newest first."""
        waiting = await _social(request).challenges(account.user_id)
        return ChallengesOut(challenges=[ChallengeOut.of(c) for c in waiting])

    @app.post("/api/challenges", tags=["challenges"], status_code=201, responses=WRITE)
    async def challenge(request: Request, account: CurrentAccount, body: ChallengeIn) -> ChallengeResponse:
        """Challenge a friend to a game."""
        settings = settings_from_map(body.settings.model_dump(exclude_none=True))
        limits = request.app.state.wiring.settings
        if settings.time_per_side_ms > limits.max_time_seconds * 1000:
            raise InvalidSettings(f"time must be at most {limits.max_time_seconds:g} seconds")
        if settings.increment_ms > limits.max_increment_seconds * 1000:
            raise InvalidSettings(f"increment must be at most {limits.max_increment_seconds:g} seconds")
        created = await _social(request).challenge(account, body.username, settings)
        return ChallengeResponse(challenge=ChallengeOut.of(created))

    @app.post("/api/challenges/{challenge_id}/accept", tags=["challenges"], responses=ANSWER)
    async def accept(request: Request, account: CurrentAccount, challenge_id: Id) -> ChallengeResponse:
        """Accept; ``room_code`` is the room both players join."""
        accepted = await _social(request).accept_challenge(account.user_id, challenge_id)
        return ChallengeResponse(challenge=ChallengeOut.of(accepted))

    @app.post("/api/challenges/{challenge_id}/decline", tags=["challenges"], responses=ANSWER)
    async def decline(request: Request, account: CurrentAccount, challenge_id: Id) -> ChallengeResponse:
        declined = await _social(request).decline_challenge(account.user_id, challenge_id)
        return ChallengeResponse(challenge=ChallengeOut.of(declined))

    @app.post("/api/challenges/{challenge_id}/cancel", tags=["challenges"], responses=ANSWER)
    async def cancel(request: Request, account: CurrentAccount, challenge_id: Id) -> ChallengeResponse:
        cancelled = await _social(request).cancel_challenge(account.user_id, challenge_id)
        return ChallengeResponse(challenge=ChallengeOut.of(cancelled))

    @app.get("/api/notifications", tags=["notifications"], responses=READ)
    async def notifications(request: Request, account: CurrentAccount) -> NotificationsOut:
        """The caller's newest notifications, newest first."""
        listed = await _social(request).notifications(account.user_id)
        return NotificationsOut(notifications=[NotificationOut.of(n) for n in listed])

    @app.post("/api/notifications/read-all", tags=["notifications"], responses=READ)
    async def read_all(request: Request, account: CurrentAccount) -> MarkedOut:
        return MarkedOut(updated=await _social(request).mark_all_read(account.user_id))

    @app.post("/api/notifications/{notification_id}/read", tags=["notifications"], status_code=204, responses=WRITE)
    async def read(request: Request, account: CurrentAccount, notification_id: Id) -> Response:
        await _social(request).mark_read(account.user_id, notification_id)
        return Response(status_code=204)

    @app.get("/api/rooms/pair", tags=["rooms"], responses=LOOKUP)
    async def pair_room(
        request: Request, account: CurrentAccount, username: Annotated[str, Query(max_length=64)]
    ) -> PairRoomOut:
        """The room the caller shares with that player: the same code every time."""
        code, opponent = await _social(request).pair_room(account.user_id, username)
        return PairRoomOut(
            room_code=code,
            opponent=Opponent(user_id=opponent.user_id, username=opponent.username, display_name=opponent.username),
        )
