"""What the use cases need from the outside world."""

from __future__ import annotations

import time
from typing import Any, Protocol

from chesschat.domain.room import Room


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class Video(Protocol):
    """A video provider: what each player needs to start video, and room cleanup."""

    def ready(self, room: Room, user_id: str) -> dict[str, Any]: ...

    async def close(self, room: Room) -> None: ...


class Metrics(Protocol):
    def incr(self, name: str, value: int = 1) -> None: ...
