"""Helpers for background loops that must survive every error but still stop when asked."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

LINK_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


def stopping() -> bool:
    """Whether the current task has been asked to stop.

    A cancellation that lands inside redis-py can be absorbed there (it tidies up its
    connection and returns), so a loop cannot rely on ``CancelledError`` reaching it; it
    checks this on every turn and in its error handlers.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def stop_all(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the loops and wait until each has ended."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    tasks.clear()


class Outage:
    """A loop's lost link to Redis, logged once when it starts and once when it ends rather
    than on every retry (a failover would otherwise fill the logs with tracebacks)."""

    def __init__(self, log: Any, event: str, **fields: Any) -> None:
        self.log, self.event, self.fields = log, event, fields
        self.down = False

    def failed(self, exc: BaseException) -> bool:
        """Note a failure; ``False`` if it is not a lost link (the caller logs it itself)."""
        if not isinstance(exc, LINK_ERRORS):
            return False
        if not self.down:
            self.down = True
            self.log.warning(f"{self.event}_cut", error=str(exc), **self.fields)
        return True

    def ok(self) -> None:
        if self.down:
            self.down = False
            self.log.info(f"{self.event}_restored", **self.fields)
