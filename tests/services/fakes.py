"""In-memory stand-ins behind the service ports, so the room use cases run in milliseconds.

``MemoryLive`` keeps what the Redis adapter keeps, with the same compare-and-set and the
same answers; the contract suite in ``test_live_store_contract`` runs the same cases against
both. Envelopes are handed straight to the hub, as one process's relay would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import orjson

from chesschat.domain.room import AgreedGame, Room
from chesschat.protocol.outbound import VideoReady
from chesschat.services.hub import Envelope
from chesschat.services.ports import ConnectionRecord, Deadline, LoginFailures, Outbox, RoomGone


class MemoryLive:
    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.deadlines: dict[Deadline, dict[str, float]] = {d: {} for d in Deadline}
        self.queued: list[Any] = []
        self.reservations: dict[str, str] = {}
        self.connections: dict[str, ConnectionRecord] = {}
        self.node_room_codes: dict[str, set[str]] = {}
        self.deliver: Callable[[str, str], Awaitable[None]] | None = None
        self.sockets: dict[str, dict[str, float]] = {}
        self.opened: dict[str, dict[str, float]] = {}
        self.revoked: list[str] = []
        self.ended_users: list[str] = []
        self.pairs: dict[str, tuple[str, str]] = {}
        self.agreed: dict[str, AgreedGame] = {}

    async def load(self, code: str) -> Room | None:
        return self.rooms.get(code)

    async def save(self, room: Room, expected_version: int | None, outbox: Outbox) -> Room | None:
        current = self.rooms.get(room.code)
        if expected_version is None:
            if current is not None:
                return current
        else:
            if current is None:
                raise RoomGone(room.code)
            if current.version != expected_version:
                return current
        self.rooms[room.code] = room
        due = outbox.deadlines
        for deadline, at_s in ((Deadline.EXPIRY, due.expiry_s), (Deadline.GRACE, due.grace_s)):
            self._set(deadline, room.code, at_s)
        self._set(Deadline.CLOCK, room.code, due.clock_s)
        self.queued.extend(outbox.finished)
        if outbox.envelope is not None:
            await self.publish(room.code, outbox.envelope)
        return None

    def _set(self, deadline: Deadline, member: str, at_s: float | None) -> None:
        if at_s is None:
            self.deadlines[deadline].pop(member, None)
        else:
            self.deadlines[deadline][member] = at_s

    async def make_terminal(self, code: str, mark: Callable[[Room], Room | None]) -> bool:
        current = self.rooms.get(code)
        if current is None:
            return False
        terminal = mark(current)
        if terminal is None:
            return False
        self.rooms[code] = terminal
        return True

    async def delete_room(self, code: str) -> None:
        self.rooms.pop(code, None)
        await self.forget_room(code)

    async def forget_room(self, code: str) -> None:
        for deadline in (Deadline.EXPIRY, Deadline.GRACE, Deadline.CLOCK):
            self.deadlines[deadline].pop(code, None)

    async def first_due(self, deadline: Deadline) -> float | None:
        return min(self.deadlines[deadline].values(), default=None)

    async def due(self, deadline: Deadline, now_s: float, limit: int = 100) -> list[str]:
        entries = sorted((at, member) for member, at in self.deadlines[deadline].items() if at <= now_s)
        return [member for _, member in entries[:limit]]

    async def reserve(self, code: str, user_id: str, ttl_ms: int) -> bool:
        if code in self.rooms or code in self.reservations:
            return False
        self.reservations[code] = user_id
        return True

    async def claim_reservation(self, code: str) -> bool:
        return self.reservations.pop(code, None) is not None

    async def remember_pair(self, code: str, a: str, b: str) -> None:
        self.pairs[code] = (a, b)

    async def pair_of(self, code: str) -> tuple[str, str] | None:
        return self.pairs.get(code)

    async def agree_game(self, code: str, agreed: AgreedGame, ttl_ms: int) -> None:
        self.agreed[code] = agreed

    async def agreed_game(self, code: str) -> AgreedGame | None:
        return self.agreed.get(code)

    async def forget_agreed_game(self, code: str, agreement_id: str) -> None:
        if code in self.agreed and self.agreed[code].agreement_id == agreement_id:
            del self.agreed[code]

    async def publish(self, code: str, envelope: Envelope) -> None:
        if self.deliver is not None:
            await self.deliver(code, envelope.pack())

    async def set_connection(self, connection_id: str, record: ConnectionRecord, ttl_s: int) -> None:
        self.connections[connection_id] = record

    async def touch_connection(self, connection_id: str, ttl_s: int) -> None:
        pass

    async def delete_connection(self, connection_id: str) -> None:
        self.connections.pop(connection_id, None)

    async def node_alive(self, node_id: str, dead_after_s: float) -> None:
        self.deadlines[Deadline.NODES][node_id] = dead_after_s

    async def node_holds(self, node_id: str, code: str) -> None:
        self.node_room_codes.setdefault(node_id, set()).add(code)

    async def node_rooms(self, node_id: str) -> list[str]:
        return sorted(self.node_room_codes.get(node_id, ()))

    async def forget_node(self, node_id: str) -> None:
        self.node_room_codes.pop(node_id, None)
        self.deadlines[Deadline.NODES].pop(node_id, None)

    async def ping(self) -> bool:
        return True

    async def user_sockets(self, user_id: str, connection_id: str, alive_until_s: float, now_s: float) -> int:
        sockets = self.sockets.setdefault(user_id, {})
        sockets[connection_id] = alive_until_s
        for other, until in list(sockets.items()):
            if until <= now_s:
                del sockets[other]
        return len(sockets)

    async def forget_user_socket(self, user_id: str, connection_id: str) -> None:
        self.sockets.get(user_id, {}).pop(connection_id, None)

    async def live_sockets(self, user_id: str, now_s: float) -> int:
        return sum(1 for until in self.sockets.get(user_id, {}).values() if until > now_s)

    async def user_rooms(self, user_id: str, since_s: float) -> int:
        return sum(1 for at in self.opened.get(user_id, {}).values() if at >= since_s)

    async def add_user_room(self, user_id: str, code: str, at_s: float) -> None:
        self.opened.setdefault(user_id, {})[code] = at_s

    async def forget_user_room(self, user_id: str, code: str) -> None:
        self.opened.get(user_id, {}).pop(code, None)

    async def revoke_session(self, session: str) -> None:
        self.revoked.append(session)

    async def end_user(self, user_id: str) -> None:
        self.ended_users.append(user_id)


class NoVideo:
    """Video that hands out no ICE servers (the room commands only need the frame)."""

    def ready(self, room: Room, user_id: str) -> VideoReady:
        peer = room.opponent_of(user_id)
        return VideoReady(room.code, "webrtc", (), user_id != room.host_user_id, peer and peer.user_id)

    async def prepare(self, room: Room, user_ids: Collection[str]) -> dict[str, Any] | None:
        return None

    async def close(self, room: Room) -> None:
        pass


class CountingMetrics:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def incr(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


@dataclass(eq=False)
class Socket:
    """A socket as the hub sees it, keeping every frame it is sent (decoded)."""

    user_id: str
    connection_id: str
    room_code: str | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)

    def push(self, text: str) -> None:
        self.frames.append(orjson.loads(text))

    def tags(self) -> list[str]:
        return [frame["type"] for frame in self.frames]

    def last(self, tag: str) -> dict[str, Any]:
        return next(frame for frame in reversed(self.frames) if frame["type"] == tag)


class MemoryLoginAttempts:
    """The login-attempt port in memory (no expiry: a test's failures last the test)."""

    def __init__(self) -> None:
        self.accounts: dict[str, LoginFailures] = {}
        self.addresses: dict[str, LoginFailures] = {}

    async def login_failures(self, account: str, address: str) -> tuple[LoginFailures, LoginFailures]:
        return self.accounts.get(account, LoginFailures()), self.addresses.get(address, LoginFailures())

    async def count_login_failure(
        self, account: str, address: str, at_ms: int, keep_s: int
    ) -> tuple[LoginFailures, LoginFailures]:
        before = await self.login_failures(account, address)
        self.accounts[account] = LoginFailures(before[0].count + 1, at_ms)
        self.addresses[address] = LoginFailures(before[1].count + 1, at_ms)
        return before

    async def forget_login_failure(self, account: str, address: str) -> None:
        self.accounts.pop(account, None)
        left = self.addresses.get(address, LoginFailures()).count - 1
        if left > 0:
            self.addresses[address] = LoginFailures(left, self.addresses[address].last_ms)
        else:
            self.addresses.pop(address, None)
