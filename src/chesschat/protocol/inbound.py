"""Client → server frames: a closed family, one class per action, parsed in one place.

:func:`parse` never raises: it returns a message, or a :class:`Rejection` naming the
catalogue code the first failing check produced (envelope, then room code format, then the
action's own fields). A message that comes out of it is complete and well typed, so no
handler ever meets a missing key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, get_args

import orjson

from chesschat.domain.game import TakebackMode
from chesschat.domain.room import ColourAsked

ROOM_CODE_INPUT = re.compile(r"[A-Za-z0-9]{8}")
MAX_MOVE_CHARS = 10
MAX_SIGNAL_DEPTH = 16
MAX_CHAT_CHARS = 500
"""Characters in one chat line."""
"""SDP and ICE candidates nest two or three levels; the encoder refuses past 254."""


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
    takeback_mode: TakebackMode = "unilateral"
    color: ColourAsked | None = None
    """The colour the host asks for; ``None``: the room's rule (a coin, then alternating)."""


@dataclass(frozen=True, slots=True)
class Heartbeat:
    TYPE: ClassVar[str] = "heartbeat"


@dataclass(frozen=True, slots=True)
class CreateRoom:
    TYPE: ClassVar[str] = "create_room"


@dataclass(frozen=True, slots=True)
class JoinRoom:
    TYPE: ClassVar[str] = "join_room"
    room_code: str


@dataclass(frozen=True, slots=True)
class LeaveRoom:
    TYPE: ClassVar[str] = "leave_room"
    room_code: str


@dataclass(frozen=True, slots=True)
class StartGame:
    TYPE: ClassVar[str] = "start_game"
    room_code: str
    settings: StartSettings


@dataclass(frozen=True, slots=True)
class MakeMove:
    TYPE: ClassVar[str] = "make_move"
    room_code: str
    move: str


@dataclass(frozen=True, slots=True)
class Resign:
    TYPE: ClassVar[str] = "resign"
    room_code: str


@dataclass(frozen=True, slots=True)
class RequestTakeback:
    TYPE: ClassVar[str] = "request_takeback"
    room_code: str


@dataclass(frozen=True, slots=True)
class AcceptTakeback:
    TYPE: ClassVar[str] = "accept_takeback"
    room_code: str


@dataclass(frozen=True, slots=True)
class DeclineTakeback:
    TYPE: ClassVar[str] = "decline_takeback"
    room_code: str


@dataclass(frozen=True, slots=True)
class OfferDraw:
    TYPE: ClassVar[str] = "offer_draw"
    room_code: str


@dataclass(frozen=True, slots=True)
class AcceptDraw:
    TYPE: ClassVar[str] = "accept_draw"
    room_code: str


@dataclass(frozen=True, slots=True)
class DeclineDraw:
    TYPE: ClassVar[str] = "decline_draw"
    room_code: str


@dataclass(frozen=True, slots=True)
class CancelDraw:
    TYPE: ClassVar[str] = "cancel_draw"
    room_code: str


@dataclass(frozen=True, slots=True)
class Abort:
    TYPE: ClassVar[str] = "abort"
    room_code: str


@dataclass(frozen=True, slots=True)
class OfferRematch:
    TYPE: ClassVar[str] = "offer_rematch"
    room_code: str


@dataclass(frozen=True, slots=True)
class AcceptRematch:
    TYPE: ClassVar[str] = "accept_rematch"
    room_code: str


@dataclass(frozen=True, slots=True)
class DeclineRematch:
    TYPE: ClassVar[str] = "decline_rematch"
    room_code: str


@dataclass(frozen=True, slots=True)
class Signal:
    """WebRTC signalling for the other seated player; ``data`` is relayed as sent."""

    TYPE: ClassVar[str] = "signal"
    room_code: str
    data: Any


@dataclass(frozen=True, slots=True)
class Chat:
    """A line for the other player; text only, never markup."""

    TYPE: ClassVar[str] = "chat"
    room_code: str
    text: str


@dataclass(frozen=True, slots=True)
class VideoRefresh:
    """Fresh ICE credentials for both players: the call must be set up afresh (its own ran
    out, or a browser gathered no candidate)."""

    TYPE: ClassVar[str] = "video_refresh"
    room_code: str


@dataclass(frozen=True, slots=True)
class WatchRoom:
    """Follow the room's game read-only, taking no seat."""

    TYPE: ClassVar[str] = "watch_room"
    room_code: str


@dataclass(frozen=True, slots=True)
class SetWatching:
    """The host lets friends watch the room, or stops them."""

    TYPE: ClassVar[str] = "set_watching"
    room_code: str
    allowed: bool


RoomMessage = (
    JoinRoom
    | LeaveRoom
    | StartGame
    | MakeMove
    | Resign
    | RequestTakeback
    | AcceptTakeback
    | DeclineTakeback
    | OfferDraw
    | AcceptDraw
    | DeclineDraw
    | CancelDraw
    | Abort
    | OfferRematch
    | AcceptRematch
    | DeclineRematch
    | Signal
    | Chat
    | VideoRefresh
    | WatchRoom
    | SetWatching
)
ClientMessage = Heartbeat | CreateRoom | RoomMessage


class Invalid(ValueError):
    """A field of an action is missing or malformed (answered ``INVALID_PAYLOAD``)."""


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("expected a number")
    return float(value)


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise Invalid("expected a whole number")
    return int(value)


def _settings(raw: Any) -> StartSettings:
    if raw is None:
        return StartSettings()
    if not isinstance(raw, dict):
        raise Invalid("settings must be an object")
    allow = raw.get("allowTakebacks", False)
    if not isinstance(allow, bool):
        raise Invalid("allowTakebacks must be true or false")
    mode = raw.get("takebackMode", "unilateral")
    if mode not in get_args(TakebackMode):
        raise Invalid("takebackMode must be 'unilateral' or 'consent'")
    color = raw.get("color")
    if color is not None and color not in get_args(ColourAsked):
        raise Invalid("color must be 'white', 'black' or 'random'")
    return StartSettings(
        time_white_seconds=_number(raw.get("timeWhiteSeconds")),
        time_black_seconds=_number(raw.get("timeBlackSeconds")),
        increment_seconds=_number(raw.get("incrementSeconds")),
        allow_takebacks=allow,
        takebacks_white=_count(raw.get("takebacksWhite")),
        takebacks_black=_count(raw.get("takebacksBlack")),
        takeback_mode=mode,
        color=color,
    )


def _start_game(code: str, data: Mapping[str, Any]) -> StartGame:
    try:
        return StartGame(code, _settings(data.get("settings")))
    except Invalid as exc:
        raise Invalid(f"Invalid settings: {exc}.") from None


def _make_move(code: str, data: Mapping[str, Any]) -> MakeMove:
    move = data.get("move")
    if not isinstance(move, str) or not 0 < len(move) <= MAX_MOVE_CHARS:
        raise Invalid("make_move needs 'move', e.g. \"e2e4\".")
    return MakeMove(code, move)


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_SIGNAL_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _signal(code: str, data: Mapping[str, Any]) -> Signal:
    if data.get("data") is None:
        raise Invalid("signal needs 'data'.")
    if _depth(data["data"]) > MAX_SIGNAL_DEPTH:
        raise Invalid(f"signal 'data' nests deeper than {MAX_SIGNAL_DEPTH} levels.")
    return Signal(code, data["data"])


def _chat(code: str, data: Mapping[str, Any]) -> Chat:
    text = data.get("text")
    if not isinstance(text, str) or not 0 < len(text.strip()) <= MAX_CHAT_CHARS:
        raise Invalid(f"chat needs 'text', 1 to {MAX_CHAT_CHARS} characters.")
    return Chat(code, text.strip())


def _set_watching(code: str, data: Mapping[str, Any]) -> SetWatching:
    allowed = data.get("allowed")
    if not isinstance(allowed, bool):
        raise Invalid("set_watching needs 'allowed': true or false.")
    return SetWatching(code, allowed)


def _plain(cls: Callable[[str], RoomMessage]) -> Callable[[str, Mapping[str, Any]], RoomMessage]:
    return lambda code, _data: cls(code)


ROOM_PARSERS: dict[str, Callable[[str, Mapping[str, Any]], RoomMessage]] = {
    JoinRoom.TYPE: _plain(JoinRoom),
    LeaveRoom.TYPE: _plain(LeaveRoom),
    StartGame.TYPE: _start_game,
    MakeMove.TYPE: _make_move,
    Resign.TYPE: _plain(Resign),
    RequestTakeback.TYPE: _plain(RequestTakeback),
    AcceptTakeback.TYPE: _plain(AcceptTakeback),
    DeclineTakeback.TYPE: _plain(DeclineTakeback),
    OfferDraw.TYPE: _plain(OfferDraw),
    AcceptDraw.TYPE: _plain(AcceptDraw),
    DeclineDraw.TYPE: _plain(DeclineDraw),
    CancelDraw.TYPE: _plain(CancelDraw),
    Abort.TYPE: _plain(Abort),
    OfferRematch.TYPE: _plain(OfferRematch),
    AcceptRematch.TYPE: _plain(AcceptRematch),
    DeclineRematch.TYPE: _plain(DeclineRematch),
    Signal.TYPE: _signal,
    Chat.TYPE: _chat,
    VideoRefresh.TYPE: _plain(VideoRefresh),
    WatchRoom.TYPE: _plain(WatchRoom),
    SetWatching.TYPE: _set_watching,
}
ROOM_TAGS = frozenset(ROOM_PARSERS)
CLIENT_TAGS = ROOM_TAGS | {Heartbeat.TYPE, CreateRoom.TYPE}


def parse(raw: str | bytes) -> ClientMessage | Rejection:
    """Read one text frame."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Rejection("BAD_JSON")
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return Rejection("INVALID_PAYLOAD", "A frame is a JSON object with a string 'type'.")
    tag = data["type"]
    if tag == Heartbeat.TYPE:
        return Heartbeat()
    if tag == CreateRoom.TYPE:
        return CreateRoom()
    room_parser = ROOM_PARSERS.get(tag)
    if room_parser is None:
        return Rejection("UNKNOWN_EVENT", f"Unknown event type: {tag[:40]}")
    code = data.get("roomCode")
    if not isinstance(code, str) or not ROOM_CODE_INPUT.fullmatch(code):
        return Rejection("INVALID_ROOM_CODE")
    try:
        return room_parser(code.upper(), data)
    except Invalid as exc:
        return Rejection("INVALID_PAYLOAD", str(exc))
