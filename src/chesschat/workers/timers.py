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

from chesschat.adapters import redis_live
from chesschat.domain.errors import DomainError
from chesschat.services.ports import Clock, LiveStore, Metrics
from chesschat.services.rooms import RoomService
from chesschat.settings import Settings
from chesschat.workers.loops import Outage, stop_all, stopping

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
        name: str,
        longest_s: float,
        index: str,
        action: Callable[[str], Awaitable[None]],
        live: LiveStore,
        clock: Clock,
        metrics: Metrics,
    ) -> None:
        self.name, self.longest_s, self.index, self.action = name, longest_s, index, action
        self.live, self.clock, self.metrics = live, clock, metrics
        self.wake = asyncio.Event()
        self.sleeping_until: float | None = None  # None while working through the set
        self.nudged = math.inf  # the earliest deadline written while working
        self.outage = Outage(log, "timer", worker=name)

    def nudge(self, at_s: float) -> None:
        if self.sleeping_until is None:
            self.nudged = min(self.nudged, at_s)
        elif at_s < self.sleeping_until:
            self.wake.set()

    async def _act(self, code: str) -> None:
        try:
            await self.action(code)
        except DomainError as exc:
            log.info("timer_skipped", worker=self.name, roomCode=code, code=exc.code)
        except Exception:
            self.metrics.incr("AppErrors")
            log.exception("timer_failed", worker=self.name, roomCode=code)

    async def run(self) -> None:
        while not stopping():
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
        try:
            due = await self.live.due(self.index, now_s, limit=DUE_BATCH)
            self.outage.ok()
            await asyncio.gather(*(self._act(code) for code in due))
            return await self.live.first_due(self.index), len(due) == DUE_BATCH
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if stopping():
                raise asyncio.CancelledError from None
            self.metrics.incr("AppErrors")
            if not self.outage.failed(exc):
                log.exception("timer_poll_failed", worker=self.name)
            return None, False


class Timers:
    def __init__(self, rooms: RoomService, settings: Settings, metrics: Metrics) -> None:
        self.rooms = rooms
        self.settings = settings
        self.metrics = metrics
        self.tasks: list[asyncio.Task[None]] = []
        self.loops: dict[str, Deadlines] = {}

    def start(self) -> None:
        s, rooms = self.settings, self.rooms
        loops = (
            ("clock", s.clock_poll_seconds, redis_live.CLOCK_DEADLINES, rooms.check_flag),
            ("grace", s.grace_poll_seconds, redis_live.RECONNECT_DEADLINES, rooms.expire_grace),
            ("expiry", s.expiry_poll_seconds, redis_live.ROOM_EXPIRIES, rooms.expire_room),
            ("nodes", s.node_heartbeat_seconds, redis_live.LIVE_NODES, rooms.reap_node),
        )
        for name, longest, index, action in loops:
            deadlines = Deadlines(name, longest, index, action, rooms.live, rooms.clock, self.metrics)
            self.loops[name] = deadlines
            self.tasks.append(asyncio.create_task(deadlines.run(), name=f"timer-{name}"))
        rooms.on_deadline = self.nudge
        self.tasks.append(asyncio.create_task(self._heartbeat(), name="timer-heartbeat"))

    async def _heartbeat(self) -> None:
        """Report this process alive; the "nodes" loop of every process reaps the silent."""
        outage = Outage(log, "heartbeat")
        while not stopping():
            try:
                await self.rooms.heartbeat()
                outage.ok()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if stopping():
                    raise asyncio.CancelledError from None
                if not outage.failed(exc):
                    log.exception("heartbeat_failed")
            await asyncio.sleep(self.settings.node_heartbeat_seconds)

    def nudge(self, name: str, at_s: float) -> None:
        """This process wrote a deadline into the ``name`` set."""
        loop = self.loops.get(name)
        if loop is not None:
            loop.nudge(at_s)

    async def stop(self) -> None:
        self.rooms.on_deadline = None
        await stop_all(self.tasks)
