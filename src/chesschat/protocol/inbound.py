"""Client → server frames: a closed family, parsed in one place.

:func:`parse` never raises: it returns a message, or a :class:`Rejection` naming the
catalogue code the first failing check produced (envelope, then room code format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

ROOM_CODE_INPUT = re.compile(r"[A-Za-z0-9]{8}")
MAX_MOVE_CHARS = 10


@dataclass(frozen=True, slots=True)
class Rejection:
    code: str
    message: str | None = None


@dataclass(frozen=True, slots=True)
class StartSettings:
    """The host's choices for the next game, as sent (seconds); ``None`` = default."""

    time_white_seconds: float | None = None
    time_black_seconds: float | None = None
    increment_seconds: float | None = None
    allow_takebacks: bool = False
    takebacks_white: int = 0
    takebacks_black: int = 0


@dataclass(frozen=True, slots=True)
class Heartbeat:
    pass


@dataclass(frozen=True, slots=True)
class CreateRoom:
    pass


@dataclass(frozen=True, slots=True)
class RoomMessage:
    """A frame bound to one room; ``type`` is its tag (see ROOM_TAGS)."""

    type: str
    room_code: str


@dataclass(frozen=True, slots=True)
class StartGame(RoomMessage):
    settings: StartSettings


@dataclass(frozen=True, slots=True)
class MakeMove(RoomMessage):
    move: str


@dataclass(frozen=True, slots=True)
class Signal(RoomMessage):
    data: Any


SIMPLE_ROOM_TAGS = frozenset(
    {
        "join_room",
        "leave_room",
        "resign",
        "request_takeback",
        "offer_draw",
        "accept_draw",
        "decline_draw",
        "cancel_draw",
        "abort",
    }
)
ROOM_TAGS = SIMPLE_ROOM_TAGS | {"start_game", "make_move", "signal"}
CLIENT_TAGS = ROOM_TAGS | {"heartbeat", "create_room"}

ClientMessage = Heartbeat | CreateRoom | RoomMessage


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    return float(value)


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError("expected a whole number")
    return int(value)


def _settings(raw: Any) -> StartSettings:
    if raw is None:
        return StartSettings()
    if not isinstance(raw, dict):
        raise ValueError("settings must be an object")
    allow = raw.get("allowTakebacks", False)
    if not isinstance(allow, bool):
        raise ValueError("allowTakebacks must be true or false")
    return StartSettings(
        time_white_seconds=_number(raw.get("timeWhiteSeconds")),
        time_black_seconds=_number(raw.get("timeBlackSeconds")),
        increment_seconds=_number(raw.get("incrementSeconds")),
        allow_takebacks=allow,
        takebacks_white=_count(raw.get("takebacksWhite")),
        takebacks_black=_count(raw.get("takebacksBlack")),
    )


def parse(raw: str | bytes) -> ClientMessage | Rejection:
    """Read one text frame."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Rejection("BAD_JSON")
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return Rejection("INVALID_PAYLOAD", "A frame is a JSON object with a string 'type'.")
    tag = data["type"]
    if tag not in CLIENT_TAGS:
        return Rejection("UNKNOWN_EVENT", f"Unknown event type: {tag[:40]}")
    if tag == "heartbeat":
        return Heartbeat()
    if tag == "create_room":
        return CreateRoom()
    code = data.get("roomCode")
    if not isinstance(code, str) or not ROOM_CODE_INPUT.fullmatch(code):
        return Rejection("INVALID_ROOM_CODE")
    code = code.upper()
    if tag in SIMPLE_ROOM_TAGS:
        return RoomMessage(tag, code)
    if tag == "make_move":
        move = data.get("move")
        if not isinstance(move, str) or not 0 < len(move) <= MAX_MOVE_CHARS:
            return Rejection("INVALID_PAYLOAD", "make_move needs 'move', e.g. \"e2e4\".")
        return MakeMove(tag, code, move)
    if tag == "start_game":
        try:
            return StartGame(tag, code, _settings(data.get("settings")))
        except ValueError as exc:
            return Rejection("INVALID_PAYLOAD", f"Invalid settings: {exc}.")
    if "data" not in data or data["data"] is None:
        return Rejection("INVALID_PAYLOAD", "signal needs 'data'.")
    return Signal(tag, code, data["data"])
