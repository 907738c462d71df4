"""The finalization worker: every finished game is recorded exactly once.

Every ``chesschat serve`` process runs one, and ``chesschat worker`` runs one alone. Each worker takes jobs with
BLMOVE into its own processing list, renews a lease while it lives, and acknowledges a
job only after the store has it. A reaper in every worker returns the jobs of workers
whose lease lapsed, so a job whose worker was killed is taken again; the store's
"insert only if new" turns that replay into a no-op that counts as success.

Failures come in two kinds. A store that cannot be reached (down, locked, throttled)
refuses every game alike, so the worker keeps the job and waits, backing off up to
``finalizer_backoff_max_seconds``, for as long as the outage lasts; nothing is used up.
A store that answers and refuses this game (e.g. a player with no account) counts an
attempt: exponential backoff from ``finalizer_backoff_base_seconds`` with jitter, and
after ``finalizer_attempts`` the job goes to the dead letter with the last error. A job
that cannot be read goes there at once. Nothing here ever stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog
from redis.exceptions import RedisError

from chesschat.loops import Outage, forever, stop_all
from chesschat.services.ports import FinishedGameQueue, Metrics
from chesschat.services.records import MalformedJob, Records, StoreUnavailable
from chesschat.settings import Settings

log = structlog.get_logger("chesschat.finalizer")


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(base_s: float, attempt: int, cap_s: float) -> float:
    """Exponential backoff with equal jitter: between half and all of ``base * 2**(n-1)``."""
    delay = min(cap_s, base_s * 2 ** (attempt - 1))
    return float(delay / 2 + random.uniform(0, delay / 2))


def job_id(job: bytes) -> str:
    """A job's name for operators: its game id, or a digest if it has none."""
    with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
        game_id = orjson.loads(job).get("gameId")
        if isinstance(game_id, str) and game_id:
            return game_id
    return "job-" + hashlib.sha256(job).hexdigest()[:16]


def dead_letter_entry(job: bytes, error: str, attempts: int, worker_id: str) -> bytes:
    entry = {
        "id": job_id(job),
        "error": error,
        "attempts": attempts,
        "failedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "workerId": worker_id,
        "job": job.decode(errors="replace"),
    }
    return orjson.dumps(entry)


class Finalizer:
    def __init__(self, queue: FinishedGameQueue, records: Records, metrics: Metrics, settings: Settings) -> None:
        self.queue = queue
        self.records = records
        self.metrics = metrics
        self.settings = settings
        self.tasks: list[asyncio.Task[None]] = []
        self.outage = Outage(log, "finalizer", workerId=queue.worker_id)

    @property
    def worker_id(self) -> str:
        return self.queue.worker_id

    @property
    def lease_ms(self) -> int:
        return int(self.settings.finalizer_lease_seconds * 1000)

    async def start(self) -> None:
        await self.queue.renew(self.lease_ms)
        s = self.settings
        housekeeping = Outage(log, "finalizer_housekeeping", workerId=self.worker_id)
        loops = [
            ("finalizer-lease", self._renew, s.finalizer_lease_seconds / 3),
            ("finalizer-reaper", self._reap, s.finalizer_reap_seconds),
        ]
        for name, step, every_s in loops:
            loop = forever(
                step,
                log=log,
                event="finalizer_housekeeping",
                failure="finalizer_housekeeping_failed",
                every_s=every_s,
                on_error=self._count_error,
                outage=housekeeping,
                workerId=self.worker_id,
            )
            self.tasks.append(asyncio.create_task(loop, name=name))
        for n in range(s.finalizer_concurrency):
            # Redis unreachable or a bug: the job (if any) stays in our processing list and
            # returns to the queue when this worker stops or dies.
            slot = forever(
                self._take,
                log=log,
                event="finalizer",
                failure="finalizer_take_failed",
                pause_after=lambda failures: backoff(s.finalizer_backoff_base_seconds, failures, 5.0),
                on_error=self._count_error,
                outage=self.outage,
                workerId=self.worker_id,
            )
            self.tasks.append(asyncio.create_task(slot, name=f"finalizer-{n}"))
        log.info("finalizer_started", workerId=self.worker_id, concurrency=s.finalizer_concurrency)

    async def stop(self) -> None:
        await stop_all(self.tasks)
        try:
            returned = await self.queue.release()
        except RedisError:
            log.warning("finalizer_release_failed", workerId=self.worker_id)
        else:
            log.info("finalizer_stopped", workerId=self.worker_id, returned=returned)

    def _count_error(self) -> None:
        self.metrics.incr("AppErrors")

    async def _renew(self) -> None:
        await self.queue.renew(self.lease_ms)

    async def _reap(self) -> None:
        moved = await self.queue.reap()
        if moved:
            log.warning("finalizer_reaped", workerId=self.worker_id, jobs=moved)

    async def _take(self) -> None:
        job = await self.queue.take(self.settings.finalizer_block_seconds)
        if job is not None:
            await self.process(job)

    async def process(self, job: bytes) -> None:
        """Record one job, retrying as the module says; returns once it is acknowledged."""
        s = self.settings
        try:
            game = self.queue.decode(job)
        except MalformedJob as exc:
            await self._give_up(job, f"malformed job: {exc}", 0)
            return
        refused = outages = 0
        while True:
            try:
                fresh = await self.records.finalize(game)
            except StoreUnavailable as exc:
                outages += 1
                self.metrics.incr("GamePersistRetried")
                log.warning("game_persist_waiting", gameId=game.game_id, error=str(exc), waits=outages)
                await asyncio.sleep(backoff(s.finalizer_backoff_base_seconds, outages, s.finalizer_backoff_max_seconds))
                continue
            except Exception as exc:
                refused += 1
                error = f"{type(exc).__name__}: {exc}"
                if refused >= s.finalizer_attempts:
                    await self._give_up(job, error, refused)
                    return
                self.metrics.incr("GamePersistRetried")
                log.warning("game_persist_retry", gameId=game.game_id, error=error, attempt=refused)
                await asyncio.sleep(backoff(s.finalizer_backoff_base_seconds, refused, s.finalizer_backoff_max_seconds))
                continue
            await self._redis_until_done(self.queue.ack, job)
            self.metrics.incr("GamePersistSucceeded")
            log.info("game_persisted", gameId=game.game_id, replay=not fresh)
            return

    async def _give_up(self, job: bytes, error: str, attempts: int) -> None:
        entry = dead_letter_entry(job, error, attempts, self.worker_id)
        await self._redis_until_done(self.queue.dead_letter, job, entry)
        self.metrics.incr("GamePersistFailed")
        log.error("game_persist_failed", jobId=job_id(job), error=error, attempts=attempts)

    async def _redis_until_done(self, action: Callable[..., Awaitable[Any]], *args: bytes) -> None:
        """An acknowledgement must not be lost to a Redis blip, or the job would sit in a
        live worker's list until that worker stops."""
        for attempt in itertools.count(1):
            try:
                await action(*args)
                return
            except RedisError:
                log.warning("finalizer_redis_retry", workerId=self.worker_id, attempt=attempt)
                await asyncio.sleep(backoff(self.settings.finalizer_backoff_base_seconds, attempt, 5.0))
