"""Helpers for background loops that must survive every error but still stop when asked."""

from __future__ import annotations

import asyncio
import contextlib


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
