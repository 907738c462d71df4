"""The timers every process runs: flag fall, reconnect grace, room expiry, dead processes.

Each loop polls its sorted set for members whose time has come and hands them to the room
service. Any number of processes may poll the same sets at once: the room update is a
compare-and-set, so exactly one of them acts and the others find nothing left to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from chesschat.adapters import redis_live
from chesschat.domain.errors import DomainError
from chesschat.services.ports import Clock, LiveStore, Metrics
from chesschat.services.rooms import RoomService
from chesschat.settings import Settings
from chesschat.workers.loops import stop_all, stopping

log = structlog.get_logger("chesschat.workers")


async def poll(
    name: str,
    interval_s: float,
    index: str,
    action: Callable[[str], Awaitable[None]],
    live: LiveStore,
    clock: Clock,
    metrics: Metrics,
) -> None:
    while not stopping():
        try:
            for code in await live.due(index, clock.now_ms() / 1000):
                try:
                    await action(code)
                except DomainError as exc:
                    log.info("timer_skipped", worker=name, roomCode=code, code=exc.code)
                except Exception:
                    metrics.incr("AppErrors")
                    log.exception("timer_failed", worker=name, roomCode=code)
        except asyncio.CancelledError:
            raise
        except Exception:
            if stopping():
                raise asyncio.CancelledError from None
            metrics.incr("AppErrors")
            log.exception("timer_poll_failed", worker=name)
        await asyncio.sleep(interval_s)


class Timers:
    def __init__(self, rooms: RoomService, settings: Settings, metrics: Metrics) -> None:
        self.rooms = rooms
        self.settings = settings
        self.metrics = metrics
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        s, rooms = self.settings, self.rooms
        loops = (
            ("clock", s.clock_poll_seconds, redis_live.CLOCK_DEADLINES, rooms.check_flag),
            ("grace", s.grace_poll_seconds, redis_live.RECONNECT_DEADLINES, rooms.expire_grace),
            ("expiry", s.expiry_poll_seconds, redis_live.ROOM_EXPIRIES, rooms.expire_room),
            ("nodes", s.node_heartbeat_seconds, redis_live.LIVE_NODES, rooms.reap_node),
        )
        for name, interval, index, action in loops:
            coro = poll(name, interval, index, action, rooms.live, rooms.clock, self.metrics)
            self.tasks.append(asyncio.create_task(coro, name=f"timer-{name}"))
        self.tasks.append(asyncio.create_task(self._heartbeat(), name="timer-heartbeat"))

    async def _heartbeat(self) -> None:
        """Report this process alive; the "nodes" loop of every process reaps the silent."""
        while not stopping():
            try:
                await self.rooms.heartbeat()
            except asyncio.CancelledError:
                raise
            except Exception:
                if stopping():
                    raise asyncio.CancelledError from None
                log.exception("heartbeat_failed")
            await asyncio.sleep(self.settings.node_heartbeat_seconds)

    async def stop(self) -> None:
        await stop_all(self.tasks)
