"""The review worker: takes games to review from the queue (any process may), runs the
engine on them in a worker thread, and keeps the result. One engine per process by
default (``review_concurrency``); a job stays in this worker's processing list until its
result is kept, so a crash loses nothing (the reaper returns it to the queue)."""

from __future__ import annotations

import asyncio
from typing import Protocol

import structlog

from chesschat.domain.review import review
from chesschat.loops import Outage, forever, stop_all
from chesschat.services.ports import Clock
from chesschat.services.records import RecordStore
from chesschat.services.reviews import Engine, ReviewStore
from chesschat.settings import Settings

log = structlog.get_logger("chesschat.reviewer")


class ReviewQueueWorker(Protocol):
    """What the worker needs of the queue (see ``AnalysisQueue``)."""

    worker_id: str

    async def renew(self, lease_ms: int) -> None: ...

    async def take(self, timeout_s: float) -> bytes | None: ...

    async def ack(self, job: bytes) -> None: ...

    async def reap(self) -> int: ...

    async def release(self) -> int: ...


class Reviewer:
    def __init__(
        self,
        queue: ReviewQueueWorker,
        reviews: ReviewStore,
        records: RecordStore,
        engine: Engine,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.queue = queue
        self.reviews = reviews
        self.records = records
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.tasks: list[asyncio.Task[None]] = []

    @property
    def lease_ms(self) -> int:
        return int(self.settings.finalizer_lease_seconds * 1000)

    async def start(self) -> None:
        await self.queue.renew(self.lease_ms)
        outage = Outage(log, "reviewer", workerId=self.queue.worker_id)
        loops = [
            ("reviewer-lease", self._renew, self.settings.finalizer_lease_seconds / 3),
            ("reviewer-reaper", self._reap, self.settings.finalizer_reap_seconds),
        ]
        loops += [(f"reviewer-{n}", self._take, 0.0) for n in range(self.settings.review_concurrency)]
        for name, step, every_s in loops:
            loop = forever(step, log=log, event="reviewer", failure="reviewer_failed", every_s=every_s, outage=outage)
            self.tasks.append(asyncio.create_task(loop, name=name))

    async def stop(self) -> None:
        await stop_all(self.tasks)
        await self.queue.release()
        await asyncio.to_thread(self.engine.close)

    async def _renew(self) -> None:
        await self.queue.renew(self.lease_ms)

    async def _reap(self) -> None:
        await self.queue.reap()

    async def _take(self) -> None:
        job = await self.queue.take(self.settings.finalizer_block_seconds)
        if job is not None:
            await self.process(job.decode())
            await self.queue.ack(job)

    async def process(self, game_id: str) -> None:
        """Review one game and keep the result (``failed`` if the engine could not)."""
        game = await asyncio.to_thread(self.records.game, game_id)
        if game is None:
            log.warning("review_of_unknown_game", gameId=game_id)
            return
        await asyncio.to_thread(self.reviews.set_review, game_id, "running", None, self.clock.now_ms())
        started = self.clock.now_ms()
        try:
            evaluations = await asyncio.to_thread(self.engine.evaluate, game.moves)
        except Exception:
            log.exception("review_failed", gameId=game_id)
            await asyncio.to_thread(self.reviews.set_review, game_id, "failed", None, self.clock.now_ms())
            return
        done = review(game.moves, evaluations)
        await asyncio.to_thread(self.reviews.set_review, game_id, "done", done, self.clock.now_ms())
        log.info("review_done", gameId=game_id, plies=len(done.plies), ms=self.clock.now_ms() - started)
