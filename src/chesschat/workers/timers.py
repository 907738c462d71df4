"""The timers every process runs: flag fall, reconnect grace, room expiry, dead processes.

Each loop waits for the earliest deadline in its sorted set and hands the members whose
time has come to the room service. Any number of processes may work the same sets at once:
the room update is a compare-and-set, so exactly one of them acts and the others find
nothing left to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Awaitable, Callable

import structlog

from chesschat.domain.errors import DomainError
from chesschat.loops import forever, stop_all
from chesschat.services.ports import Clock, Deadline, LiveStore, Metrics
from chesschat.services.presence import Presence
from chesschat.services.room_commands import RoomCommands
from chesschat.services.room_repository import RoomRepository
from chesschat.settings import Settings

log = structlog.get_logger("chesschat.workers")


# A deadline still in its set after its action ran (the action failed, or another process
# is acting on it) is retried this often rather than in a tight loop.
RETRY_OVERDUE_S = 0.05
# Deadlines acted on together, at most.
DUE_BATCH = 100


class Deadlines:
    """One sorted set of deadlines, worked through by every process.

    The loop sleeps until the set's earliest deadline, but never longer than ``longest_s``;
    a deadline this process writes that falls before the planned wake-up wakes it at once
    (``nudge``). So a flag falls the moment its time is up, and an idle process sleeps. A
    deadline written by another process is that process's to meet; this one sees it at its
    next wake-up at the latest, which covers a writer that died.
    """

    def __init__(
        self,
        deadline: Deadline,
        longest_s: float,
        action: Callable[[str], Awaitable[None]],
        live: LiveStore,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        self.deadline, self.longest_s, self.action = deadline, longest_s, action
        self.live, self.clock, self.metrics = live, clock, metrics
        self.wake = asyncio.Event()
        self.sleeping_until: float | None = None  # None while working through the set
        self.nudged = math.inf  # the earliest deadline written while working

    def nudge(self, at_s: float) -> None:
        if self.sleeping_until is None:
            self.nudged = min(self.nudged, at_s)
        elif at_s < self.sleeping_until:
            self.wake.set()

    async def _act(self, code: str) -> None:
        try:
            await self.action(code)
        except DomainError as exc:
            log.info("timer_skipped", worker=self.deadline.value, roomCode=code, code=exc.code)
        except Exception:
            self.metrics.incr("AppErrors")
            log.exception("timer_failed", worker=self.deadline.value, roomCode=code)

    async def run(self) -> None:
        await forever(
            self._pass,
            log=log,
            event="timer",
            failure="timer_poll_failed",
            pause_after=lambda _failures: self.longest_s,
            on_error=lambda: self.metrics.incr("AppErrors"),
            worker=self.deadline.value,
        )

    async def _pass(self) -> None:
        """Act on what is due, then sleep until the next deadline (or a nudge)."""
        self.sleeping_until, self.nudged = None, math.inf
        looked_at = self.clock.now_ms() / 1000
        first, more = await self._work(looked_at)
        now_s = self.clock.now_ms() / 1000
        wake_at = min(now_s + self.longest_s, self.nudged, math.inf if first is None else first)
        if more:
            wake_at = now_s
        elif first is not None and first <= looked_at:
            # Still there after its action ran: give it a moment rather than spin.
            wake_at = max(wake_at, now_s + RETRY_OVERDUE_S)
        delay = max(0.0, wake_at - now_s)
        self.wake.clear()
        self.sleeping_until = now_s + delay
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), delay)

    async def _work(self, now_s: float) -> tuple[float | None, bool]:
        """Act on the deadlines passed by ``now_s``, all rooms at once (twenty flags falling
        together are twenty independent updates). Returns the earliest deadline left, and
        whether the batch was full (more are due)."""
        due = await self.live.due(self.deadline, now_s, limit=DUE_BATCH)
        await asyncio.gather(*(self._act(code) for code in due))
        return await self.live.first_due(self.deadline), len(due) == DUE_BATCH


class Timers:
    """Every deadline loop, and this process's heartbeat."""

    def __init__(
        self,
        rooms: RoomCommands,
        presence: Presence,
        repository: RoomRepository,
        live: LiveStore,
        clock: Clock,
        settings: Settings,
        metrics: Metrics,
    ) -> None:
        self.rooms = rooms
        self.presence = presence
        self.repository = repository
        self.live = live
        self.clock = clock
        self.settings = settings
        self.metrics = metrics
        self.tasks: list[asyncio.Task[None]] = []
        self.loops: dict[Deadline, Deadlines] = {}

    def start(self) -> None:
        s, rooms = self.settings, self.rooms
        loops = (
            (Deadline.CLOCK, s.clock_poll_seconds, rooms.check_flag),
            (Deadline.GRACE, s.grace_poll_seconds, rooms.expire_grace),
            (Deadline.EXPIRY, s.expiry_poll_seconds, rooms.expire_room),
            (Deadline.NODES, s.node_heartbeat_seconds, rooms.reap_node),
        )
        for deadline, longest, action in loops:
            loop = Deadlines(deadline, longest, action, self.live, self.clock, self.metrics)
            self.loops[deadline] = loop
            self.tasks.append(asyncio.create_task(loop.run(), name=f"timer-{deadline.value}"))
        self.repository.on_deadline = self.nudge
        # Report this process alive; the NODES loop of every process reaps the silent.
        heartbeat = forever(
            self.presence.heartbeat,
            log=log,
            event="heartbeat",
            failure="heartbeat_failed",
            every_s=s.node_heartbeat_seconds,
        )
        self.tasks.append(asyncio.create_task(heartbeat, name="timer-heartbeat"))

    def nudge(self, deadline: Deadline, at_s: float) -> None:
        """This process wrote a deadline into that set."""
        loop = self.loops.get(deadline)
        if loop is not None:
            loop.nudge(at_s)

    async def stop(self) -> None:
        self.repository.on_deadline = None
        await stop_all(self.tasks)
