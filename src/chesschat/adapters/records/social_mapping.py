"""The social values in the stores' words: one item shape per table, for both stores.

Attribute names and formats are the original ChessChat's (its ``services/dynamodb.js``),
so rows it wrote read here and rows written here read there: ISO 8601 text for times,
``updated_at`` as the time of the answer, usernames beside the ids, ``type``/``title``/
``message``/``entity_id``/``read`` for notifications. Ours (+): a challenge's
``expires_at``, and its ``settings`` in the form of ``start_game``'s settings
(``timeWhiteSeconds``, ``incrementSeconds``, ``takebacksWhite`` …) plus ``color``.

Reading is lenient where the original was loose: it stored a challenge's ``settings`` as
the client sent them and had no expiry, so missing or unusable values take their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from chesschat.adapters.records.mapping import MalformedItem, ms_of_text
from chesschat.domain.social import (
    CHALLENGE_LIFETIME_MS,
    Challenge,
    ChallengeSettings,
    ChallengeStatus,
    ColourChoice,
    FriendRequest,
    Friendship,
    Notification,
    NotificationKind,
    RequestStatus,
    UserRef,
)
from chesschat.services.records import utc_text

E = TypeVar("E", bound=StrEnum)


def request_to_item(request: FriendRequest) -> dict[str, Any]:
    created = utc_text(request.created_ms)
    return {
        "recipient_user_id": request.recipient.user_id,
        "request_id": request.request_id,
        "sender_user_id": request.sender.user_id,
        "sender_username": request.sender.username,
        "recipient_username": request.recipient.username,
        "status": request.status.value,
        "created_at": created,
        "updated_at": created if request.answered_ms is None else utc_text(request.answered_ms),
    }


def request_from_item(item: Mapping[str, Any]) -> FriendRequest:
    status = _enum(RequestStatus, item, "status")
    return FriendRequest(
        request_id=_text(item, "request_id"),
        sender=UserRef(_text(item, "sender_user_id"), _name(item, "sender_username")),
        recipient=UserRef(_text(item, "recipient_user_id"), _name(item, "recipient_username")),
        status=status,
        created_ms=_ms(item, "created_at"),
        answered_ms=None if status is RequestStatus.PENDING else _ms(item, "updated_at", item.get("created_at")),
    )


def friendship_to_item(friendship: Friendship) -> dict[str, Any]:
    return {
        "user_id": friendship.user_id,
        "friend_user_id": friendship.friend.user_id,
        "friend_username": friendship.friend.username,
        "created_at": utc_text(friendship.since_ms),
    }


def friendship_from_item(item: Mapping[str, Any]) -> Friendship:
    return Friendship(
        user_id=_text(item, "user_id"),
        friend=UserRef(_text(item, "friend_user_id"), _name(item, "friend_username")),
        since_ms=_ms(item, "created_at"),
    )


def settings_to_map(settings: ChallengeSettings) -> dict[str, Any]:
    seconds = settings.time_per_side_ms / 1000
    return {
        "timeWhiteSeconds": seconds,
        "timeBlackSeconds": seconds,
        "incrementSeconds": settings.increment_ms / 1000,
        "allowTakebacks": settings.takebacks > 0,
        "takebacksWhite": settings.takebacks,
        "takebacksBlack": settings.takebacks,
        "color": settings.colour.value,
    }


def settings_from_map(raw: Any) -> ChallengeSettings:
    """The settings a stored map describes; a value missing or out of range is the default."""
    values = raw if isinstance(raw, Mapping) else {}
    default = ChallengeSettings()

    def number(key: str, low: float) -> float | None:
        value = values.get(key)
        usable = isinstance(value, int | float) and not isinstance(value, bool) and value >= low
        return value if usable else None

    time_s = number("timeWhiteSeconds", 0.001)
    increment_s = number("incrementSeconds", 0)
    takebacks = number("takebacksWhite", 0) if values.get("allowTakebacks", True) is not False else None
    return ChallengeSettings(
        time_per_side_ms=default.time_per_side_ms if time_s is None else round(time_s * 1000),
        increment_ms=default.increment_ms if increment_s is None else round(increment_s * 1000),
        takebacks=default.takebacks if takebacks is None else int(takebacks),
        colour=_member(ColourChoice, values.get("color")) or default.colour,
    )


def challenge_to_item(challenge: Challenge) -> dict[str, Any]:
    created = utc_text(challenge.created_ms)
    item: dict[str, Any] = {
        "challenge_id": challenge.challenge_id,
        "challenger_user_id": challenge.challenger.user_id,
        "challenger_username": challenge.challenger.username,
        "challenged_user_id": challenge.challenged.user_id,
        "challenged_username": challenge.challenged.username,
        "status": challenge.status.value,
        "settings": settings_to_map(challenge.settings),
        "created_at": created,
        "updated_at": created if challenge.answered_ms is None else utc_text(challenge.answered_ms),
        "expires_at": utc_text(challenge.expires_ms),
    }
    if challenge.room_code is not None:
        item["room_code"] = challenge.room_code
    return item


def challenge_from_item(item: Mapping[str, Any]) -> Challenge:
    status = _enum(ChallengeStatus, item, "status")
    created_ms = _ms(item, "created_at")
    room_code = item.get("room_code")
    return Challenge(
        challenge_id=_text(item, "challenge_id"),
        challenger=UserRef(_text(item, "challenger_user_id"), _name(item, "challenger_username")),
        challenged=UserRef(_text(item, "challenged_user_id"), _name(item, "challenged_username")),
        settings=settings_from_map(item.get("settings")),
        status=status,
        created_ms=created_ms,
        expires_ms=_ms(item, "expires_at") if item.get("expires_at") else created_ms + CHALLENGE_LIFETIME_MS,
        room_code=room_code if isinstance(room_code, str) and room_code else None,
        answered_ms=None if status is ChallengeStatus.PENDING else _ms(item, "updated_at", item.get("created_at")),
    )


def notification_to_item(notification: Notification) -> dict[str, Any]:
    created = utc_text(notification.created_ms)
    return {
        "user_id": notification.user_id,
        "notification_id": notification.notification_id,
        "type": notification.kind.value,
        "title": notification.title,
        "message": notification.message,
        "entity_id": notification.entity_id,
        "read": notification.read,
        "created_at": created,
        "updated_at": created,
    }


def notification_from_item(item: Mapping[str, Any]) -> Notification:
    entity = item.get("entity_id")
    return Notification(
        notification_id=_text(item, "notification_id"),
        user_id=_text(item, "user_id"),
        kind=_member(NotificationKind, item.get("type")) or NotificationKind.SYSTEM,
        title=_name(item, "title"),
        message=_name(item, "message"),
        entity_id=entity if isinstance(entity, str) and entity else None,
        read=bool(item.get("read", False)),
        created_ms=_ms(item, "created_at"),
    )


def _text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedItem(f"{name} is missing or not a string")
    return value


def _name(item: Mapping[str, Any], name: str) -> str:
    """Optional text: the original writes ``null`` where it did not know a username."""
    value = item.get(name)
    return value if isinstance(value, str) else ""


def _ms(item: Mapping[str, Any], name: str, fallback: Any = None) -> int:
    value = item.get(name) or fallback
    try:
        return ms_of_text(value)
    except (TypeError, ValueError):
        raise MalformedItem(f"{name} is not an ISO 8601 time") from None


def _member(kind: type[E], value: Any) -> E | None:
    """The member ``value`` names (its other spellings included), or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def _enum(kind: type[E], item: Mapping[str, Any], name: str) -> E:
    member = _member(kind, item.get(name))
    if member is None:
        raise MalformedItem(f"{name} is not one this server knows")
    return member
