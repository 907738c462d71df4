"""The live state in Redis. This module owns every Redis key and channel name.

Rooms are JSON strings under ``room:{code}`` whose first key is the version ``v``. Most
room updates are a versioned compare-and-set in one Lua script that, atomically with the
new document, keeps ``room_expiries``, ``room_reconnect_deadlines`` and
``game_clock_deadlines`` in step, queues finished games on ``game_finalization_queue``
and publishes the room's events. The terminal transition is the seed's WATCH/MULTI/EXEC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import orjson
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import WatchError

from chesschat.adapters import aws
from chesschat.adapters.records.mapping import decode_job, encode_job
from chesschat.domain.finished import FinishedGame
from chesschat.domain.room import AgreedGame, Room
from chesschat.domain.serde import agreed_from_dict, agreed_to_dict, room_from_dict, room_to_dict
from chesschat.protocol.outbound import ServerFrame, encode
from chesschat.services.hub import Envelope
from chesschat.services.ports import ConnectionRecord, Deadline, LoginFailures, Outbox, RoomGone
from chesschat.settings import Settings

ROOM_EXPIRIES = "room_expiries"
LIVE_NODES = "live_nodes"
"""Server processes, scored by when they count as dead unless they report in again."""
RECONNECT_DEADLINES = "room_reconnect_deadlines"
CLOCK_DEADLINES = "game_clock_deadlines"
FINALIZATION_QUEUE = "game_finalization_queue"
FINALIZATION_PROCESSING = "game_finalization_processing"
FINALIZATION_DEADLETTER = "game_finalization_deadletter"
FINALIZATION_WORKERS = "game_finalization_workers"
DEADLINE_SETS = {
    Deadline.CLOCK: CLOCK_DEADLINES,
    Deadline.GRACE: RECONNECT_DEADLINES,
    Deadline.EXPIRY: ROOM_EXPIRIES,
    Deadline.NODES: LIVE_NODES,
}


def _room(document: bytes) -> Room:
    return room_from_dict(orjson.loads(document))


def _document(room: Room) -> bytes:
    return orjson.dumps(room_to_dict(room))


def _bytes(value: object) -> bytes:
    """redis-py types replies as ``bytes | str``; this client never decodes them."""
    return value if isinstance(value, bytes) else str(value).encode()


def connect(settings: Settings) -> Redis:
    """The client for the configured Redis (AUTH token from Secrets Manager on AWS)."""
    assert settings.redis_url, "a Redis URL is required (the CLI starts an embedded one)"
    password = aws.secret_value(settings.redis_auth_secret_arn, settings.aws_region)
    # One connection per command in flight, up to the limit. (redis-py's blocking pool would
    # wait instead of failing past it, but costs ~20 us of CPU on every command.)
    # A pool made here gets no retries unless given them: after a Redis restart or failover
    # every pooled connection would then fail its next command once. A retried write is
    # safe, as every room write is a compare-and-set on the room's version. The timeouts
    # turn a connection that went silent (a node gone without a reset) into an error that
    # is retried, instead of a command that waits forever; no command here blocks longer.
    pool = ConnectionPool.from_url(
        settings.redis_url,
        password=password,
        health_check_interval=30,
        max_connections=settings.redis_max_connections,
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=1.0), retries=3),
        socket_timeout=5.0,
        socket_connect_timeout=2.0,
    )
    return Redis(connection_pool=pool)


def room_key(code: str) -> str:
    return f"room:{code}"


def reservation_key(code: str) -> str:
    return f"room_reservation:{code}"


def agreed_game_key(code: str) -> str:
    """The game two friends agreed on (an accepted challenge), until it starts in room ``code``."""
    return f"pair_game:{code}"


def pair_room_key(code: str) -> str:
    """The two user ids of a friend pair's room code, so that a join can tell its owners."""
    return f"pair_room:{code}"


def account_login_failures_key(account: str) -> str:
    """Failed sign-ins to one account: a hash of the count ``n`` and the latest's time ``at``."""
    return f"login_failures:account:{account}"


def address_login_failures_key(address: str) -> str:
    """Failed sign-ins from one client address, as the account's."""
    return f"login_failures:address:{address}"


def connection_key(connection_id: str) -> str:
    return f"ws:{connection_id}"


def user_sockets_key(user_id: str) -> str:
    """A user's open sockets on every process, scored by when they count as gone."""
    return f"user_sockets:{user_id}"


def user_rooms_key(user_id: str) -> str:
    """Rooms a user opened or reserved, scored by when."""
    return f"user_rooms:{user_id}"


SESSION_REVOKED = "session_revoked"
USER_ENDED = "user_ended"
"""The message on the process channel that ends a session's sockets everywhere."""
USER_FRAME = "user_frame"
"""The message on the process channel that carries a frame to a user's sockets everywhere."""


def room_watchers_key(code: str) -> str:
    """The sockets watching a room, on every process, scored by when they stop counting."""
    return f"room_watchers:{code}"


def room_watch_key(watch_code: str) -> str:
    """The room a watch link's code names, as long as the room lives."""
    return f"room_watch:{watch_code}"


def node_rooms_key(node_id: str) -> str:
    """Rooms in which a server process holds (or held) a player's socket."""
    return f"node_rooms:{node_id}"


@dataclass(frozen=True, slots=True)
class QueueKeys:
    """The keys of one reliable queue: the queue, each worker's processing list and lease,
    the registry of workers, and the dead letter."""

    queue: str
    processing: str
    lease: str
    workers: str
    deadletter: str

    def processing_of(self, worker_id: str) -> str:
        """The jobs one worker has taken and not yet acknowledged."""
        return f"{self.processing}:{worker_id}"

    def lease_of(self, worker_id: str) -> str:
        return f"{self.lease}:{worker_id}"


FINALIZATION = QueueKeys(
    FINALIZATION_QUEUE,
    FINALIZATION_PROCESSING,
    "game_finalization_lease",
    FINALIZATION_WORKERS,
    FINALIZATION_DEADLETTER,
)
ANALYSIS = QueueKeys(
    "game_analysis_queue",
    "game_analysis_processing",
    "game_analysis_lease",
    "game_analysis_workers",
    "game_analysis_deadletter",
)


NODE_CHANNEL = "relay_nodes"
"""Subscribed by every relay from its start, so that its read loop always has a channel."""


def room_channel(code: str) -> str:
    return f"room_events:{code}"


def channel_room(channel: str) -> str:
    return channel.partition(":")[2]


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
if KEYS[6] then redis.call('SET', KEYS[6], ARGV[4], 'PX', ARGV[3]) end
if ARGV[9] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
return {1}
"""


# The address's count goes down by one, and the hash goes once nothing is left (HINCRBY on a
# key that expired meanwhile would otherwise leave a count of -1 with no time to live).
FORGET_LOGIN_FAILURE_SCRIPT = """
redis.call('DEL', KEYS[1])
if redis.call('HINCRBY', KEYS[2], 'n', -1) <= 0 then redis.call('DEL', KEYS[2]) end
return 1
"""


ADD_WATCHER_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return -1
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return redis.call('ZCARD', KEYS[1])
"""
"""Count a socket among a room's watchers unless the room has ``cap`` of them already."""

FORGET_NODE_WATCHERS_SCRIPT = """
local prefix = ARGV[1]
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, #prefix) == prefix then redis.call('ZREM', KEYS[1], member) end
end
return redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf')
"""
"""Drop a dead process's sockets from a room's watchers; how many still count."""

FORGET_AGREEMENT_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current)['agreement_id'] == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


def _login_failures(reply: list[bytes | None]) -> LoginFailures:
    count, at = reply
    return LoginFailures(int(count or 0), int(at or 0))


class RedisLive:
    """The live-store port on Redis. Rooms are stored as their JSON documents (first key
    the version ``v``, which the compare-and-set script reads) with a sliding TTL."""

    def __init__(self, redis: Redis, room_ttl_ms: int) -> None:
        self.redis = redis
        self.room_ttl_ms = room_ttl_ms
        self._cas = redis.register_script(CAS_SCRIPT)
        self._forget_login_failure = redis.register_script(FORGET_LOGIN_FAILURE_SCRIPT)
        self._forget_agreement = redis.register_script(FORGET_AGREEMENT_SCRIPT)
        self._add_watcher = redis.register_script(ADD_WATCHER_SCRIPT)
        self._forget_node_watchers = redis.register_script(FORGET_NODE_WATCHERS_SCRIPT)

    async def load(self, code: str) -> Room | None:
        raw = await self.redis.get(room_key(code))
        return None if raw is None else _room(_bytes(raw))

    async def save(self, room: Room, expected_version: int | None, outbox: Outbox) -> Room | None:
        """One Lua script: the document (and its watch link's key, with the same time to
        live), the three deadline sets, the finished games and the room's events, or
        nothing if the stored version is not ``expected_version``."""
        code, due = room.code, outbox.deadlines
        args: list[str | bytes | float | int] = [
            "-1" if expected_version is None else str(expected_version),
            _document(room),
            self.room_ttl_ms,
            code,
            due.expiry_s,
            "" if due.grace_s is None else due.grace_s,
            "" if due.clock_s is None else due.clock_s,
            room_channel(code),
            "" if outbox.envelope is None else outbox.envelope.pack(),
            *(encode_job(game, outbox.at_ms) for game in outbox.finished),
        ]
        keys = [room_key(code), ROOM_EXPIRIES, RECONNECT_DEADLINES, CLOCK_DEADLINES, FINALIZATION_QUEUE]
        if room.watch_code:  # its watch link lives as long as the room
            keys.append(room_watch_key(room.watch_code))
        reply = await self._cas(keys=keys, args=args)
        if reply[0] == 1:
            return None
        if reply[0] == -1:
            raise RoomGone(code)
        return _room(_bytes(reply[1]))

    async def make_terminal(self, code: str, mark: Callable[[Room], Room | None]) -> bool:
        """The seed's terminal transition: WATCH the room, let ``mark`` produce the terminal
        room (``None`` if the room is not closing), and commit it with MULTI/EXEC,
        retrying if another writer got in between. Returns whether it was written."""
        key = room_key(code)
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(10):
                try:
                    await pipe.watch(key)
                    current = await pipe.get(key)
                    if current is None:
                        return False
                    terminal = mark(_room(_bytes(current)))
                    if terminal is None:
                        await pipe.unwatch()  # type: ignore[no-untyped-call]
                        return False
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, _document(terminal), keepttl=True)
                    await pipe.execute()
                    return True
                except WatchError:
                    continue
        return False

    async def delete_room(self, code: str) -> None:
        """Cleanup after the terminal transition (separate commands, as the seed says)."""
        await self.redis.delete(room_key(code), room_watchers_key(code))
        await self.forget_room(code)

    async def forget_room(self, code: str) -> None:
        for index in (ROOM_EXPIRIES, RECONNECT_DEADLINES, CLOCK_DEADLINES):
            await self.redis.zrem(index, code)

    async def first_due(self, deadline: Deadline) -> float | None:
        first = await self.redis.zrange(DEADLINE_SETS[deadline], 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def due(self, deadline: Deadline, now_s: float, limit: int = 100) -> list[str]:
        members = await self.redis.zrangebyscore(DEADLINE_SETS[deadline], "-inf", now_s, start=0, num=limit)
        return [_bytes(m).decode() for m in members]

    async def reserve(self, code: str, user_id: str, ttl_ms: int) -> bool:
        """Issue a code without opening its room yet (the first joiner opens it)."""
        if await self.redis.exists(room_key(code)):
            return False
        return bool(await self.redis.set(reservation_key(code), user_id, px=ttl_ms, nx=True))

    async def claim_reservation(self, code: str) -> bool:
        return await self.redis.getdel(reservation_key(code)) is not None

    async def remember_pair(self, code: str, a: str, b: str) -> None:
        # No time to live: a pair's code is theirs for good, and reopens whenever it is free.
        await self.redis.set(pair_room_key(code), f"{a}\x1f{b}")

    async def pair_of(self, code: str) -> tuple[str, str] | None:
        raw = await self.redis.get(pair_room_key(code))
        if raw is None:
            return None
        a, _, b = _bytes(raw).decode().partition("\x1f")
        return a, b

    async def agree_game(self, code: str, agreed: AgreedGame, ttl_ms: int) -> None:
        await self.redis.set(agreed_game_key(code), orjson.dumps(agreed_to_dict(agreed)), px=ttl_ms)

    async def agreed_game(self, code: str) -> AgreedGame | None:
        raw = await self.redis.get(agreed_game_key(code))
        return None if raw is None else agreed_from_dict(orjson.loads(raw))

    async def forget_agreed_game(self, code: str, agreement_id: str) -> None:
        # Only if it is still that agreement: a newer one, accepted meanwhile, stays.
        await self._forget_agreement(keys=[agreed_game_key(code)], args=[agreement_id])

    async def publish(self, code: str, envelope: Envelope) -> None:
        await self.redis.publish(room_channel(code), envelope.pack())

    async def add_watcher(
        self, code: str, connection_id: str, alive_until_s: float, now_s: float, cap: int, ttl_s: int
    ) -> int | None:
        count = int(
            await self._add_watcher(
                keys=[room_watchers_key(code)], args=[connection_id, alive_until_s, now_s, cap, ttl_s]
            )
        )
        return None if count < 0 else count

    async def forget_watcher(self, code: str, connection_id: str, now_s: float) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(room_watchers_key(code), connection_id)
            pipe.zcount(room_watchers_key(code), f"({now_s}", "+inf")
            replies = await pipe.execute()
        return int(replies[1])

    async def watched_room(self, watch_code: str) -> str | None:
        code = await self.redis.get(room_watch_key(watch_code))
        return None if code is None else _text(code)

    async def forget_watchers(self, code: str) -> None:
        await self.redis.delete(room_watchers_key(code))

    async def forget_node_watchers(self, code: str, node_id: str, now_s: float) -> int:
        return int(await self._forget_node_watchers(keys=[room_watchers_key(code)], args=[f"{node_id}/", now_s]))

    async def watcher_count(self, code: str, now_s: float) -> int:
        return int(await self.redis.zcount(room_watchers_key(code), f"({now_s}", "+inf"))

    async def node_alive(self, node_id: str, dead_after_s: float) -> None:
        await self.redis.zadd(LIVE_NODES, {node_id: dead_after_s})

    async def node_holds(self, node_id: str, code: str) -> None:
        await self.redis.sadd(node_rooms_key(node_id), code)

    async def node_rooms(self, node_id: str) -> list[str]:
        return sorted(_bytes(m).decode() for m in await self.redis.smembers(node_rooms_key(node_id)))

    async def forget_node(self, node_id: str) -> None:
        await self.redis.delete(node_rooms_key(node_id))
        await self.redis.zrem(LIVE_NODES, node_id)

    async def set_connection(self, connection_id: str, record: ConnectionRecord, ttl_s: int) -> None:
        document = {"user_id": record.user_id, "room_code": record.room_code, "connected_at": record.connected_at_ms}
        await self.redis.set(connection_key(connection_id), orjson.dumps(document), ex=ttl_s)

    async def user_sockets(self, user_id: str, connection_id: str, alive_until_s: float, now_s: float) -> int:
        key = user_sockets_key(user_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now_s)
            pipe.zadd(key, {connection_id: alive_until_s})
            pipe.zcard(key)
            pipe.expireat(key, int(alive_until_s) + 1)
            replies = await pipe.execute()
        return int(replies[2])

    async def forget_user_socket(self, user_id: str, connection_id: str) -> None:
        await self.redis.zrem(user_sockets_key(user_id), connection_id)

    async def live_sockets(self, user_id: str, now_s: float) -> int:
        """Sockets whose time ran out are not counted (nor removed: this only reads)."""
        return int(await self.redis.zcount(user_sockets_key(user_id), f"({now_s}", "+inf"))

    async def user_rooms(self, user_id: str, since_s: float) -> int:
        key = user_rooms_key(user_id)
        await self.redis.zremrangebyscore(key, "-inf", f"({since_s}")
        return int(await self.redis.zcard(key))

    async def add_user_room(self, user_id: str, code: str, at_s: float) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(user_rooms_key(user_id), {code: at_s})
            pipe.expire(user_rooms_key(user_id), 24 * 3600)
            await pipe.execute()

    async def forget_user_room(self, user_id: str, code: str) -> None:
        await self.redis.zrem(user_rooms_key(user_id), code)

    async def revoke_session(self, session: str) -> None:
        await self.redis.publish(NODE_CHANNEL, f"{SESSION_REVOKED}\x1f{session}")

    async def end_user(self, user_id: str) -> None:
        await self.redis.publish(NODE_CHANNEL, f"{USER_ENDED}\x1f{user_id}")

    async def to_user(self, user_id: str, frame: ServerFrame) -> None:
        await self.redis.publish(NODE_CHANNEL, f"{USER_FRAME}\x1f{user_id}\x1f{encode(frame)}")

    async def touch_connection(self, connection_id: str, ttl_s: int) -> None:
        await self.redis.expire(connection_key(connection_id), ttl_s)

    async def delete_connection(self, connection_id: str) -> None:
        await self.redis.delete(connection_key(connection_id))

    async def queued_jobs(self) -> list[bytes]:
        """Finished games waiting to be recorded (oldest first)."""
        jobs = await self.redis.lrange(FINALIZATION_QUEUE, 0, -1)
        return [_bytes(job) for job in reversed(jobs)]

    async def login_failures(self, account: str, address: str) -> tuple[LoginFailures, LoginFailures]:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(account_login_failures_key(account), "n", "at")
            pipe.hmget(address_login_failures_key(address), "n", "at")
            by_account, by_address = await pipe.execute()
        return _login_failures(by_account), _login_failures(by_address)

    async def count_login_failure(
        self, account: str, address: str, at_ms: int, keep_s: int
    ) -> tuple[LoginFailures, LoginFailures]:
        # MULTI/EXEC: each HMGET reads the count just before this increment, with no other
        # attempt in between, so of parallel attempts only one sees the count it checked.
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (account_login_failures_key(account), address_login_failures_key(address)):
                pipe.hmget(key, "n", "at")
                pipe.hincrby(key, "n", 1)
                pipe.hset(key, "at", at_ms)
                pipe.expire(key, keep_s)
            replies = await pipe.execute()
        return _login_failures(replies[0]), _login_failures(replies[4])

    async def forget_login_failure(self, account: str, address: str) -> None:
        await self._forget_login_failure(
            keys=[account_login_failures_key(account), address_login_failures_key(address)]
        )

    async def ping(self) -> bool:
        return bool(await self.redis.ping())


# The client returns bytes (no decode_responses) and sends bytes as they are; redis-py's
# annotations say str for both, hence these casts.
def _str(value: bytes) -> str:
    return cast(str, value)


def _raw(value: bytes | str | None) -> bytes | None:
    return None if value is None else _bytes(value)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# A worker's lease is gone (or the worker is stopping): every job it holds goes back to the
# head of the queue, and it leaves the registry. Atomic, so any number of reapers may race.
REAP_SCRIPT = """
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local moved = 0
while redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'RIGHT') do moved = moved + 1 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], ARGV[1])
return moved
"""

REQUEUE_SCRIPT = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
"""


class ReliableQueue:
    """A reliable queue of jobs, for one worker (``worker_id``) and operators.

    Producers LPUSH jobs onto the queue; a worker BLMOVEs the oldest into its own
    processing list and removes it from there only once it is done (or dead-lettered).
    While a worker lives it renews its lease; when the lease lapses, any reaper moves that
    worker's jobs back to the queue. Jobs are compared byte for byte, so one job is never
    acknowledged for another.
    """

    keys = FINALIZATION

    def __init__(self, redis: Redis, worker_id: str = "") -> None:
        self.redis = redis
        self.worker_id = worker_id
        self._reap = redis.register_script(REAP_SCRIPT)
        self._requeue = redis.register_script(REQUEUE_SCRIPT)

    async def renew(self, lease_ms: int) -> None:
        """Say this worker is alive for ``lease_ms`` more (and be known to reapers)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.lease_of(self.worker_id), 1, px=lease_ms)
            pipe.sadd(self.keys.workers, self.worker_id)
            await pipe.execute()

    async def take(self, timeout_s: float) -> bytes | None:
        """The oldest queued job, now held by this worker; ``None`` after ``timeout_s``."""
        job = await self.redis.blmove(
            self.keys.queue,
            self.keys.processing_of(self.worker_id),
            timeout_s,  # type: ignore[arg-type]  # Redis takes fractional seconds; redis-py types int
            "RIGHT",
            "LEFT",
        )
        return _raw(job)

    async def ack(self, job: bytes) -> None:
        await self.redis.lrem(self.keys.processing_of(self.worker_id), 1, _str(job))

    async def dead_letter(self, job: bytes, entry: bytes) -> None:
        """Park a job that cannot be recorded, with ``entry`` saying why."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self.keys.processing_of(self.worker_id), 1, _str(job))
            pipe.lpush(self.keys.deadletter, entry)
            await pipe.execute()

    async def _reap_worker(self, worker_id: str, force: bool) -> int:
        k = self.keys
        keys = [k.lease_of(worker_id), k.processing_of(worker_id), k.queue, k.workers]
        return int(await self._reap(keys=keys, args=[worker_id, "1" if force else "0"]))

    async def reap(self) -> int:
        """Return the jobs of every worker whose lease has lapsed; how many moved."""
        moved = 0
        for member in await self.redis.smembers(self.keys.workers):
            moved += max(0, await self._reap_worker(_text(member), force=False))
        return moved

    async def release(self) -> int:
        """A stopping worker hands its jobs back at once rather than at lease expiry."""
        return await self._reap_worker(self.worker_id, force=True)

    async def queued(self) -> int:
        return int(await self.redis.llen(self.keys.queue))

    async def in_flight(self) -> dict[str, list[bytes]]:
        """The jobs each registered worker holds."""
        held = {}
        for member in await self.redis.smembers(self.keys.workers):
            worker = _text(member)
            held[worker] = [_bytes(j) for j in await self.redis.lrange(self.keys.processing_of(worker), 0, -1)]
        return held

    async def dead_letters(self) -> list[bytes]:
        """Dead-letter entries, newest first."""
        return [_bytes(e) for e in await self.redis.lrange(self.keys.deadletter, 0, -1)]

    async def requeue(self, entry: bytes, job: bytes) -> bool:
        """Move a dead letter's job to the front of the queue; ``False`` if the entry is gone."""
        return bool(await self._requeue(keys=[self.keys.deadletter, self.keys.queue], args=[entry, job]))

    async def drop(self, entry: bytes) -> bool:
        return bool(await self.redis.lrem(self.keys.deadletter, 1, _str(entry)))


class FinalizationQueue(ReliableQueue):
    """The queue of finished games to record (``game_finalization_*``)."""

    keys = FINALIZATION

    @staticmethod
    def decode(job: bytes) -> FinishedGame:
        return decode_job(job)


class AnalysisQueue(ReliableQueue):
    """The queue of games to review with the engine (``game_analysis_*``): a job is the
    game id."""

    keys = ANALYSIS

    async def push(self, game_id: str) -> None:
        await self.redis.lpush(self.keys.queue, game_id)
