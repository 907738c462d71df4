"""What a room transition tells the players. The edge renders each into wire frames.

``to`` is a user id, or ``None`` for everyone in the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from chesschat.domain.game import Game, MovePlayed


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    user_id: str


@dataclass(frozen=True, slots=True)
class ParticipantLeft:
    user_id: str


@dataclass(frozen=True, slots=True)
class RoomSnapshot:
    """The whole room (and its running game) as it now stands."""

    to: str | None = None


@dataclass(frozen=True, slots=True)
class DrawOfferState:
    to: str | None


@dataclass(frozen=True, slots=True)
class DrawDeclined:
    """The opponent declined the draw offer (``by``: who declined)."""

    by: str


@dataclass(frozen=True, slots=True)
class ReconnectState:
    status: Literal["paused", "restored"]
    user_id: str
    grace_ends_at_ms: int | None


@dataclass(frozen=True, slots=True)
class VideoReady:
    to: str | None


@dataclass(frozen=True, slots=True)
class ChatSaid:
    """A line of the players' chat."""

    user_id: str
    text: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class WatchingChanged:
    """The host let friends watch the room, or stopped them (and every watcher's view closes)."""

    allowed: bool


@dataclass(frozen=True, slots=True)
class VideoUnavailable:
    """Video cannot start in this room; the game goes on."""

    reason: str


@dataclass(frozen=True, slots=True)
class GameStarted:
    pass


@dataclass(frozen=True, slots=True)
class MoveMade:
    game: Game
    played: MovePlayed


@dataclass(frozen=True, slots=True)
class TakebackApplied:
    by: str


@dataclass(frozen=True, slots=True)
class TakebackRequested:
    """A takeback was asked of the opponent (``by``: who asked)."""

    by: str


@dataclass(frozen=True, slots=True)
class TakebackDeclined:
    """The opponent refused the takeback request (``by``: who refused)."""

    by: str


@dataclass(frozen=True, slots=True)
class RematchOffered:
    """A player offered the next game (``by``: who offered)."""

    by: str


@dataclass(frozen=True, slots=True)
class RematchDeclined:
    """The opponent declined the rematch (``by``: who declined)."""

    by: str


@dataclass(frozen=True, slots=True)
class GameEnded:
    game: Game
    pgn: str


@dataclass(frozen=True, slots=True)
class RoomClosed:
    reason: str


Event = (
    ParticipantJoined
    | ParticipantLeft
    | RoomSnapshot
    | DrawOfferState
    | DrawDeclined
    | ReconnectState
    | VideoReady
    | VideoUnavailable
    | ChatSaid
    | WatchingChanged
    | GameStarted
    | MoveMade
    | TakebackApplied
    | TakebackRequested
    | TakebackDeclined
    | RematchOffered
    | RematchDeclined
    | GameEnded
    | RoomClosed
)
