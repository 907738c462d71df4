"""What the use cases need from the outside world."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from chesschat.domain.finished import FinishedGame
from chesschat.domain.room import AgreedGame, Room
from chesschat.protocol.outbound import VideoReady
from chesschat.services.hub import Envelope


class Deadline(StrEnum):
    """The deadline sets every process works through, each member scored by when it is due."""

    CLOCK = "clock"
    """A game's side to move runs out of time, or of its first move's time (rooms)."""
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


class VideoFailed(Exception):
    """The provider cannot give the room video; ``reason`` says why, in words for players."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Video(Protocol):
    """A video provider: what each player needs to start video, and room cleanup."""

    def ready(self, room: Room, user_id: str) -> VideoReady | None:
        """The player's ``video_ready``, or ``None`` while the room's provider state
        (see :meth:`prepare`) is not there yet."""

    async def prepare(self, room: Room, user_ids: Collection[str]) -> dict[str, Any] | None:
        """Provider state to keep with the room before ``user_ids`` can start video (a
        meeting, their attendees), or ``None`` when the room's is enough. Runs after the
        room's write, never inside it. :raises VideoFailed:"""

    async def close(self, room: Room) -> None: ...


class Metrics(Protocol):
    def incr(self, name: str, value: int = 1) -> None: ...


class RoomGone(Exception):
    """The room's key no longer exists."""


@dataclass(frozen=True, slots=True)
class RoomDeadlines:
    """When a room's timers are due (epoch seconds); ``None``: not running."""

    expiry_s: float
    grace_s: float | None
    clock_s: float | None


@dataclass(frozen=True, slots=True)
class Outbox:
    """What leaves with a room write, in the same atomic step, or not at all."""

    deadlines: RoomDeadlines
    finished: tuple[FinishedGame, ...] = ()
    """Games that ended in this write, queued to be recorded."""
    envelope: Envelope | None = None
    """The frames for every process holding a socket of the room."""
    at_ms: int = 0
    """When the write was computed (the finished games' queueing time)."""


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """One open socket, for operators and for finding a dead process's seats."""

    user_id: str
    room_code: str | None
    connected_at_ms: int


class LiveStore(Protocol):
    """The live state: rooms, their deadlines, reservations, connections, processes."""

    async def load(self, code: str) -> Room | None: ...

    async def save(self, room: Room, expected_version: int | None, outbox: Outbox) -> Room | None:
        """Write ``room`` with its outbox if the stored room is still at
        ``expected_version`` (``None``: no room may exist under its code). Returns ``None``
        if written, else the stored room, unchanged. :raises RoomGone: it was expected."""

    async def make_terminal(self, code: str, mark: Callable[[Room], Room | None]) -> bool:
        """Replace the stored room by ``mark(stored)`` unless that is ``None``, with no
        other write in between. Returns whether it was replaced."""

    async def delete_room(self, code: str) -> None:
        """The room and its deadlines go."""

    async def forget_room(self, code: str) -> None:
        """The room's deadlines go (the room is already gone)."""

    async def first_due(self, deadline: Deadline) -> float | None:
        """The earliest time in the set (epoch seconds), or ``None`` if it is empty."""

    async def due(self, deadline: Deadline, now_s: float, limit: int = 100) -> list[str]:
        """Members due by ``now_s``, earliest first."""

    async def reserve(self, code: str, user_id: str, ttl_ms: int) -> bool:
        """Issue a code whose room the first joiner opens; ``False`` if it is taken."""

    async def claim_reservation(self, code: str) -> bool: ...

    async def pair_of(self, code: str) -> tuple[str, str] | None:
        """The two users whose pair room ``code`` is, or ``None`` if it is no pair's."""

    async def agreed_game(self, code: str) -> AgreedGame | None:
        """The game agreed for room ``code`` that has not started yet, if any."""

    async def forget_agreed_game(self, code: str, agreement_id: str) -> None:
        """It started (or was replaced): only that agreement goes."""

    async def publish(self, code: str, envelope: Envelope) -> None:
        """Frames that change nothing stored (signalling), for the room's processes."""

    async def set_connection(self, connection_id: str, record: ConnectionRecord, ttl_s: int) -> None: ...

    async def touch_connection(self, connection_id: str, ttl_s: int) -> None: ...

    async def delete_connection(self, connection_id: str) -> None: ...

    async def node_alive(self, node_id: str, dead_after_s: float) -> None:
        """The process counts as alive until ``dead_after_s`` (its NODES deadline)."""

    async def node_holds(self, node_id: str, code: str) -> None:
        """The process holds (or held) a socket of the room."""

    async def node_rooms(self, node_id: str) -> list[str]: ...

    async def forget_node(self, node_id: str) -> None: ...

    async def ping(self) -> bool: ...

    async def user_sockets(self, user_id: str, connection_id: str, alive_until_s: float, now_s: float) -> int:
        """Count the socket as the user's until ``alive_until_s`` (again, when refreshed);
        returns how many of the user's sockets are counted now, this one included."""

    async def forget_user_socket(self, user_id: str, connection_id: str) -> None: ...

    async def user_rooms(self, user_id: str, since_s: float) -> int:
        """How many rooms the user opened or reserved since ``since_s`` that are still open."""

    async def add_user_room(self, user_id: str, code: str, at_s: float) -> None: ...

    async def forget_user_room(self, user_id: str, code: str) -> None: ...

    async def revoke_session(self, session: str) -> None:
        """Tell every process that the session (its token's hash) has ended."""

    async def end_user(self, user_id: str) -> None:
        """Tell every process that the user's account is gone: all its sockets close."""


@dataclass(frozen=True, slots=True)
class LoginFailures:
    """The failed sign-ins counted against one account or one client address."""

    count: int = 0
    last_ms: int = 0
    """When the latest was counted (epoch ms)."""


class LoginAttempts(Protocol):
    """Failed sign-ins per account and per client address, each remembered until a while
    after its latest failure, so that guessing is slowed down."""

    async def login_failures(self, account: str, address: str) -> tuple[LoginFailures, LoginFailures]:
        """The failures counted against the account and against the address."""

    async def count_login_failure(
        self, account: str, address: str, at_ms: int, keep_s: int
    ) -> tuple[LoginFailures, LoginFailures]:
        """Count one more against each, in one step, both remembered ``keep_s`` after this
        one; returns them as they stood just before."""

    async def forget_login_failure(self, account: str, address: str) -> None:
        """A sign-in counted as failed succeeded after all: the account's failures are
        forgotten and the address's count goes back down by this one."""


class FinishedGameQueue(Protocol):
    """The reliable queue of finished games, as one finalization worker holds it: a job
    taken stays this worker's until it is acknowledged or dead-lettered, and comes back
    to the queue if the worker stops renewing its lease."""

    @property
    def worker_id(self) -> str: ...

    async def renew(self, lease_ms: int) -> None: ...

    async def take(self, timeout_s: float) -> bytes | None: ...

    def decode(self, job: bytes) -> FinishedGame:
        """:raises MalformedJob: the job cannot be read."""

    async def ack(self, job: bytes) -> None: ...

    async def dead_letter(self, job: bytes, entry: bytes) -> None: ...

    async def reap(self) -> int:
        """Return the jobs of workers whose lease lapsed; how many moved."""

    async def release(self) -> int:
        """Hand this worker's jobs back at once (it is stopping)."""
