"""The deadline loops: they sleep until the earliest deadline, a deadline this process
writes wakes them, and a deadline that stays due is retried calmly, not in a spin.

Real Redis, injected clock. What is observed is the loop's plan (``sleeping_until``, in
the injected clock's seconds) and the actions it takes, never how long anything took.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from chesschat.adapters.metrics import PrometheusMetrics
from chesschat.adapters.redis_live import CLOCK_DEADLINES, RedisLive
from chesschat.services.ports import Deadline
from chesschat.workers.timers import RETRY_OVERDUE_S, Deadlines
from tests.support import FakeClock

LONGEST_S = 600.0  # far beyond any test: a loop that only polled would never get there


async def settled(condition: object, timeout: float = 5.0) -> None:
    """Yield to the loop until ``condition()`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "the loop never got there"
        await asyncio.sleep(0.005)


class Recorder:
    def __init__(self, live: RedisLive, *, clears: bool = True) -> None:
        self.live, self.clears = live, clears
        self.calls: list[str] = []

    async def __call__(self, code: str) -> None:
        self.calls.append(code)
        if self.clears:  # what a room update does: the deadline leaves the set
            await self.live.redis.zrem(CLOCK_DEADLINES, code)


@pytest.fixture
async def live(clean_redis: str) -> AsyncIterator[RedisLive]:
    redis = Redis.from_url(clean_redis)
    yield RedisLive(redis, 3_600_000)
    await redis.aclose()


async def running(loop: Deadlines) -> asyncio.Task[None]:
    task = asyncio.create_task(loop.run())
    await settled(lambda: loop.sleeping_until is not None)
    return task


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_idle_loop_sleeps_and_a_deadline_written_here_wakes_it(live: RedisLive) -> None:
    clock = FakeClock(1_000_000)
    action = Recorder(live)
    loop = Deadlines(Deadline.CLOCK, LONGEST_S, action, live, clock, PrometheusMetrics())
    task = await running(loop)
    assert loop.sleeping_until == pytest.approx(1000 + LONGEST_S)

    # A move here sets a flag deadline five seconds away: the loop now plans to wake then.
    await live.redis.zadd(CLOCK_DEADLINES, {"ROOMAAAA": 1005.0})
    loop.nudge(1005.0)
    await settled(lambda: loop.sleeping_until == pytest.approx(1005.0))
    # A later deadline changes nothing: the loop is not woken and keeps its earlier plan.
    loop.nudge(1100.0)
    assert not loop.wake.is_set()
    assert loop.sleeping_until == pytest.approx(1005.0) and action.calls == []

    # Its time comes (the clock moved on while the loop slept): acted on, once.
    clock.advance(5_000)
    # (Its real-time sleep is not over, the clock being injected: wake it as its timer would.)
    loop.wake.set()
    await settled(lambda: action.calls == ["ROOMAAAA"])
    await settled(lambda: loop.sleeping_until == pytest.approx(1005 + LONGEST_S))
    await stop(task)


async def test_deadlines_that_fall_together_are_all_met_in_one_pass(live: RedisLive) -> None:
    clock = FakeClock(2_000_000)
    action = Recorder(live)
    await live.redis.zadd(CLOCK_DEADLINES, {f"ROOM{i:04d}": 1999.0 + i / 1000 for i in range(20)})
    loop = Deadlines(Deadline.CLOCK, LONGEST_S, action, live, clock, PrometheusMetrics())
    task = await running(loop)
    assert sorted(action.calls) == [f"ROOM{i:04d}" for i in range(20)]
    assert await live.first_due(Deadline.CLOCK) is None
    await stop(task)


async def test_a_deadline_that_stays_due_is_retried_calmly_not_in_a_spin(live: RedisLive) -> None:
    clock = FakeClock(3_000_000)
    action = Recorder(live, clears=False)  # e.g. another process holds the room
    await live.redis.zadd(CLOCK_DEADLINES, {"ROOMSTUK": 2999.0})
    loop = Deadlines(Deadline.CLOCK, LONGEST_S, action, live, clock, PrometheusMetrics())
    task = await running(loop)
    assert action.calls == ["ROOMSTUK"]
    assert loop.sleeping_until == pytest.approx(3000 + RETRY_OVERDUE_S)
    # A deadline that became due while the loop was acting is not made to wait, though.
    clock.advance(10)
    await live.redis.zadd(CLOCK_DEADLINES, {"ROOMNEW1": 3000.005})
    loop.nudge(3000.005)
    await settled(lambda: "ROOMNEW1" in action.calls)
    await stop(task)
