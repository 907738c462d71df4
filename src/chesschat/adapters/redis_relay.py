"""Redis pub/sub carrying room events to every process holding a connection of the room.

One subscriber connection per process; a room's channel is subscribed while this process
holds at least one of the room's sockets. A lost connection (Redis restarted, a network
cut, a failover) is re-established and its channels re-subscribed by redis-py; events
published while it was down never arrive, so each re-subscribed room is reported to
``on_resubscribed``, which resends the room as it now stands. The read loop never dies on
an error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis

from chesschat.adapters.redis_live import (
    NODE_CHANNEL,
    SESSION_REVOKED,
    USER_ENDED,
    USER_FRAME,
    channel_room,
    room_channel,
)
from chesschat.loops import forever

log = structlog.get_logger("chesschat.relay")
CONFIRM_TIMEOUT_S = 5.0


class RedisRelay:
    def __init__(self, redis: Redis, deliver: Callable[[str, str], Awaitable[None]]) -> None:
        self._pubsub = redis.pubsub()
        self._deliver = deliver
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._channels: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self.on_resubscribed: Callable[[str], Awaitable[None]] | None = None
        self.on_session_revoked: Callable[[str], object] | None = None
        self.on_user_ended: Callable[[str], object] | None = None
        self.on_user_frame: Callable[[str, str], object] | None = None

    async def start(self) -> None:
        await self._subscribe(NODE_CHANNEL)
        self._task = asyncio.create_task(self._run(), name="relay")
        await self._confirmed(NODE_CHANNEL)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]

    async def subscribe(self, code: str) -> None:
        """Returns once the channel is subscribed, so no later event can be missed."""
        channel = room_channel(code)
        if channel in self._channels and channel not in self._waiting:
            return
        if channel not in self._waiting:
            await self._subscribe(channel)
        await self._confirmed(channel)

    async def unsubscribe(self, code: str) -> None:
        channel = room_channel(code)
        self._forget(channel)
        await self._pubsub.unsubscribe(channel)

    async def _subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        self._waiting[channel] = asyncio.get_running_loop().create_future()
        try:
            await self._pubsub.subscribe(channel)
        except BaseException:
            self._forget(channel)
            raise

    async def _confirmed(self, channel: str) -> None:
        """Wait for Redis to confirm. One that never comes (the link dropped meanwhile) is
        given up on, so that the next attempt subscribes afresh instead of waiting on it."""
        future = self._waiting.get(channel)
        if future is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout=CONFIRM_TIMEOUT_S)
        except TimeoutError:
            if self._waiting.get(channel) is future:
                self._forget(channel)
            raise

    def _forget(self, channel: str) -> None:
        self._channels.discard(channel)
        self._waiting.pop(channel, None)

    async def _run(self) -> None:
        await forever(self._read, log=log, event="relay", failure="relay_read_failed")

    async def _read(self) -> None:
        message = await self._pubsub.get_message(timeout=1.0)
        if message is None:
            return
        channel = message["channel"].decode()
        if message["type"] == "subscribe":
            future = self._waiting.pop(channel, None)
            if future is not None:
                if not future.done():
                    future.set_result(None)
            elif channel != NODE_CHANNEL and self.on_resubscribed is not None:
                # Nobody asked: redis-py re-subscribed after a reconnect.
                await self.on_resubscribed(channel_room(channel))
        elif message["type"] != "message":
            return
        elif channel != NODE_CHANNEL:
            await self._deliver(channel_room(channel), message["data"].decode())
        else:
            kind, _, value = message["data"].decode().partition("\x1f")
            if kind == SESSION_REVOKED and self.on_session_revoked is not None:
                self.on_session_revoked(value)
            elif kind == USER_ENDED and self.on_user_ended is not None:
                self.on_user_ended(value)
            elif kind == USER_FRAME and self.on_user_frame is not None:
                user_id, _, text = value.partition("\x1f")
                self.on_user_frame(user_id, text)
