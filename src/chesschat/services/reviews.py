"""Post-game review: a player asks for their finished game to be reviewed by the engine; a
worker on any process takes it from the queue, and the result is kept once per game, in
its own table (the game record itself stays one write per game).

A review is ``queued``, then ``running``, then ``done`` (or ``failed``). Asking again
changes nothing unless it failed (then it is queued afresh): the first request queued it,
and a crash between taking and finishing it returns the job to the queue (see
:class:`~chesschat.adapters.redis_live.ReliableQueue`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from chesschat.domain.errors import DomainError
from chesschat.domain.review import Evaluation, Review
from chesschat.services.ports import Clock
from chesschat.services.records import Records

Status = Literal["queued", "running", "done", "failed"]


class ReviewUnavailable(DomainError):
    code = "NOT_READY"


class NotRequested(DomainError):
    code = "NOT_FOUND"


@dataclass(frozen=True, slots=True)
class StoredReview:
    game_id: str
    status: Status
    review: Review | None
    updated_ms: int


class ReviewStore(Protocol):
    def add_review(self, game_id: str, now_ms: int) -> bool:
        """Note the game as ``queued`` (again, if its review failed); ``False`` if it already
        has a review that has not failed."""

    def review(self, game_id: str) -> StoredReview | None: ...

    def set_review(self, game_id: str, status: Status, review: Review | None, now_ms: int) -> None: ...


class ReviewQueue(Protocol):
    async def push(self, game_id: str) -> None: ...


class Engine(Protocol):
    def evaluate(self, moves: Sequence[str]) -> list[Evaluation]:
        """Evaluations of the start position and of the position after each move, within the
        configured budget. Blocks: run it in a worker thread."""

    def close(self) -> None: ...


class Reviews:
    def __init__(self, records: Records, store: ReviewStore, queue: ReviewQueue, clock: Clock, available: bool) -> None:
        self.records = records
        self.store = store
        self.queue = queue
        self.clock = clock
        self.available = available

    async def request(self, user_id: str, game_id: str) -> StoredReview:
        """Queue the review of a game ``user_id`` played (once, or again after it failed).

        :raises GameNotFound: no such game, or not theirs.
        :raises ReviewUnavailable: this server has no engine.
        """
        await self.records.game(user_id, game_id)
        if not self.available:
            raise ReviewUnavailable("Game review needs Stockfish, which this server does not have.")
        if await asyncio.to_thread(self.store.add_review, game_id, self.clock.now_ms()):
            await self.queue.push(game_id)
        return await self._stored(game_id)

    async def get(self, user_id: str, game_id: str) -> StoredReview:
        """:raises GameNotFound: no such game, or not theirs. :raises NotRequested:"""
        await self.records.game(user_id, game_id)
        return await self._stored(game_id)

    async def _stored(self, game_id: str) -> StoredReview:
        stored = await asyncio.to_thread(self.store.review, game_id)
        if stored is None:
            raise NotRequested("Nobody has asked for this game's review yet.")
        return stored
