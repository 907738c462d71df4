"""What the use cases need from the outside world."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from chesschat.domain.finished import FinishedGame
from chesschat.domain.room import Room
from chesschat.protocol.outbound import VideoReady


class Deadline(StrEnum):
    """The deadline sets every process works through, each member scored by when it is due."""

    CLOCK = "clock"
    """A game's side to move runs out of time (rooms)."""
    GRACE = "grace"
    """A dropped player's reconnect window ends (rooms)."""
    EXPIRY = "expiry"
    """A room reaches the end of its time to live (rooms)."""
    NODES = "nodes"
    """A server process counts as dead unless it reports in again (process ids)."""


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class Video(Protocol):
    """A video provider: what each player needs to start video, and room cleanup."""

    def ready(self, room: Room, user_id: str) -> VideoReady: ...

    async def close(self, room: Room) -> None: ...


class Metrics(Protocol):
    def incr(self, name: str, value: int = 1) -> None: ...


class RoomGone(Exception):
    """The room's key no longer exists."""


@dataclass(frozen=True, slots=True)
class Write:
    """One room update: the new document and everything that moves with it."""

    document: bytes
    ttl_ms: int
    expires_at_s: float
    reconnect_at_s: float | None
    clock_at_s: float | None
    now_ms: int
    finished: Sequence[FinishedGame] = ()
    """Games that ended in this update, queued to be recorded with it."""
    message: str = ""


class LiveStore(Protocol):
    """The live state: rooms and their indexes, reservations, connections, processes."""

    async def get_room(self, code: str) -> bytes | None: ...

    async def write_room(self, code: str, expected_version: int | None, write: Write) -> bytes | None:
        """``None`` if written; else the current document. :raises RoomGone:"""

    async def make_terminal(self, code: str, mark: Callable[[bytes], bytes | None]) -> bool: ...

    async def delete_room(self, code: str) -> None: ...

    async def forget_room(self, code: str) -> None: ...

    async def first_due(self, deadline: Deadline) -> float | None:
        """The earliest time in the set (epoch seconds), or ``None`` if it is empty."""

    async def due(self, deadline: Deadline, now_s: float, limit: int = 100) -> list[str]:
        """Members due by ``now_s``, earliest first."""

    async def reserve(self, code: str, user_id: str, ttl_ms: int) -> bool: ...

    async def claim_reservation(self, code: str) -> bool: ...

    async def publish(self, code: str, message: str) -> None: ...

    async def set_connection(self, connection_id: str, record: Mapping[str, object], ttl_s: int) -> None: ...

    async def node_alive(self, node_id: str, dead_after_s: float) -> None: ...

    async def node_holds(self, node_id: str, code: str) -> None: ...

    async def node_rooms(self, node_id: str) -> list[str]: ...

    async def forget_node(self, node_id: str) -> None: ...
