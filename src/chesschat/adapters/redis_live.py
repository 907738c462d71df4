"""The live state in Redis. This module owns every Redis key and channel name.

Rooms are JSON strings under ``room:{code}`` whose first key is the version ``v``. Most
room updates are a versioned compare-and-set in one Lua script that, atomically with the
new document, keeps ``room_expiries``, ``room_reconnect_deadlines`` and
``game_clock_deadlines`` in step, queues finished games on ``game_finalization_queue``
and publishes the room's events. The terminal transition is the seed's WATCH/MULTI/EXEC.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import orjson
from redis.asyncio import Redis
from redis.exceptions import WatchError

ROOM_EXPIRIES = "room_expiries"
RECONNECT_DEADLINES = "room_reconnect_deadlines"
CLOCK_DEADLINES = "game_clock_deadlines"
FINALIZATION_QUEUE = "game_finalization_queue"
FINALIZATION_PROCESSING = "game_finalization_processing"
FINALIZATION_DEADLETTER = "game_finalization_deadletter"
ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LENGTH = 8


def _bytes(value: object) -> bytes:
    """redis-py types replies as ``bytes | str``; this client never decodes them."""
    return value if isinstance(value, bytes) else str(value).encode()


def room_key(code: str) -> str:
    return f"room:{code}"


def reservation_key(code: str) -> str:
    return f"room_reservation:{code}"


def login_failures_key(username: str) -> str:
    return f"login_failures:{username}"


def connection_key(connection_id: str) -> str:
    return f"ws:{connection_id}"


def room_channel(code: str) -> str:
    return f"room_events:{code}"


def channel_room(channel: str) -> str:
    return channel.partition(":")[2]


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


CAS_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '-1' then
  if current then return {0, current} end
else
  if not current then return {-1} end
  if string.match(current, '^{"v":(%d+)') ~= ARGV[1] then return {0, current} end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
if ARGV[6] == '' then redis.call('ZREM', KEYS[3], ARGV[4]) else redis.call('ZADD', KEYS[3], ARGV[6], ARGV[4]) end
if ARGV[7] == '' then redis.call('ZREM', KEYS[4], ARGV[4]) else redis.call('ZADD', KEYS[4], ARGV[7], ARGV[4]) end
for i = 10, #ARGV do redis.call('LPUSH', KEYS[5], ARGV[i]) end
if ARGV[9] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
return {1}
"""


class RoomGone(Exception):
    """The room's key no longer exists."""


@dataclass(frozen=True, slots=True)
class Write:
    """One room update: the new document and everything that moves with it."""

    document: bytes
    ttl_ms: int
    expires_at_s: float
    reconnect_at_s: float | None
    clock_at_s: float | None
    jobs: Sequence[bytes] = ()
    message: str = ""


class RedisLive:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._cas = redis.register_script(CAS_SCRIPT)

    async def get_room(self, code: str) -> bytes | None:
        raw = await self.redis.get(room_key(code))
        return None if raw is None else _bytes(raw)

    async def write_room(self, code: str, expected_version: int | None, write: Write) -> bytes | None:
        """Store ``write`` if the room is still at ``expected_version`` (``None``: the room
        must not exist yet). Returns ``None`` on success, else the current document.

        :raises RoomGone: the room was expected but its key is gone.
        """
        args: list[str | bytes | float | int] = [
            "-1" if expected_version is None else str(expected_version),
            write.document,
            write.ttl_ms,
            code,
            write.expires_at_s,
            "" if write.reconnect_at_s is None else write.reconnect_at_s,
            "" if write.clock_at_s is None else write.clock_at_s,
            room_channel(code),
            write.message,
            *write.jobs,
        ]
        keys = [room_key(code), ROOM_EXPIRIES, RECONNECT_DEADLINES, CLOCK_DEADLINES, FINALIZATION_QUEUE]
        reply = await self._cas(keys=keys, args=args)
        if reply[0] == 1:
            return None
        if reply[0] == -1:
            raise RoomGone(code)
        current: bytes = reply[1]
        return current

    async def make_terminal(self, code: str, mark: Callable[[bytes], bytes | None]) -> bool:
        """The seed's terminal transition: WATCH the room, let ``mark`` produce the terminal
        document (``None`` if the room is not closing), and commit it with MULTI/EXEC,
        retrying if another writer got in between. Returns whether the room is terminal."""
        key = room_key(code)
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(10):
                try:
                    await pipe.watch(key)
                    current = await pipe.get(key)
                    if current is None:
                        return False
                    terminal = mark(_bytes(current))
                    if terminal is None:
                        await pipe.unwatch()  # type: ignore[no-untyped-call]
                        return False
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, terminal, keepttl=True)
                    await pipe.execute()
                    return True
                except WatchError:
                    continue
        return False

    async def delete_room(self, code: str) -> None:
        """Cleanup after the terminal transition (separate commands, as the seed says)."""
        await self.redis.delete(room_key(code))
        await self.forget_room(code)

    async def forget_room(self, code: str) -> None:
        for index in (ROOM_EXPIRIES, RECONNECT_DEADLINES, CLOCK_DEADLINES):
            await self.redis.zrem(index, code)

    async def due(self, index: str, now_s: float, limit: int = 100) -> list[str]:
        members = await self.redis.zrangebyscore(index, "-inf", now_s, start=0, num=limit)
        return [_bytes(m).decode() for m in members]

    async def reserve(self, code: str, user_id: str, ttl_ms: int) -> bool:
        """Issue a code without opening its room yet (the first joiner opens it)."""
        if await self.redis.exists(room_key(code)):
            return False
        return bool(await self.redis.set(reservation_key(code), user_id, px=ttl_ms, nx=True))

    async def claim_reservation(self, code: str) -> bool:
        return await self.redis.getdel(reservation_key(code)) is not None

    async def publish(self, code: str, message: str) -> None:
        await self.redis.publish(room_channel(code), message)

    async def set_connection(self, connection_id: str, record: Mapping[str, object], ttl_s: int) -> None:
        await self.redis.set(connection_key(connection_id), orjson.dumps(record), ex=ttl_s)

    async def touch_connection(self, connection_id: str, ttl_s: int) -> None:
        await self.redis.expire(connection_key(connection_id), ttl_s)

    async def delete_connection(self, connection_id: str) -> None:
        await self.redis.delete(connection_key(connection_id))

    async def queued_jobs(self) -> list[bytes]:
        """Finished games waiting to be recorded (oldest first)."""
        jobs = await self.redis.lrange(FINALIZATION_QUEUE, 0, -1)
        return [_bytes(job) for job in reversed(jobs)]

    async def login_failures(self, username: str) -> int:
        return int(await self.redis.get(login_failures_key(username)) or 0)

    async def count_login_failure(self, username: str) -> None:
        """Failed logins per username, forgotten a minute after the last one."""
        key = login_failures_key(username)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 60)
            await pipe.execute()

    async def ping(self) -> bool:
        return bool(await self.redis.ping())
