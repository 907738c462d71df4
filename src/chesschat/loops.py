"""Background loops that must survive every error but still stop when asked: written once,
for the adapters (the relay's read loop) and the workers (timers, heartbeat, finalizer)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
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


async def forever(
    step: Callable[[], Awaitable[object]],
    *,
    log: Any,
    event: str,
    failure: str,
    every_s: float = 0.0,
    pause_after: Callable[[int], float] = lambda failures: 0.2,
    on_error: Callable[[], None] | None = None,
    outage: Outage | None = None,
    **fields: Any,
) -> None:
    """Run ``step`` until the task is cancelled, waiting ``every_s`` after each run.

    A step that raises is logged — a lost Redis link once per outage as ``<event>_cut`` /
    ``<event>_restored``, anything else as ``failure`` with its traceback — and the loop
    goes on after ``pause_after(consecutive failures)`` seconds (or ``every_s``, if longer).
    Loops doing one job side by side may share one ``outage``, so that it is told once.
    """
    outage = outage or Outage(log, event, **fields)
    failures = 0
    while not stopping():
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if stopping():
                raise asyncio.CancelledError from None
            failures += 1
            if on_error is not None:
                on_error()
            if not outage.failed(exc):
                log.exception(failure, **fields)
            await asyncio.sleep(max(every_s, pause_after(failures)))
            continue
        failures = 0
        outage.ok()
        if every_s:
            await asyncio.sleep(every_s)
