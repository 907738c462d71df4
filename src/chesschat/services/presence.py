"""Who is connected where: this process's identity, its sockets' records, and the liveness
of every process, so that the seats of one that died can be found and dropped."""

from __future__ import annotations

import os
import socket
import uuid

from chesschat.domain import errors
from chesschat.services.ports import Clock, ConnectionRecord, LiveStore

CONNECTION_TTL_S = 3600
SOCKET_COUNTED_S = 900
"""How long a socket counts toward its user's cap unless refreshed (the socket loop
refreshes it every 300 s; a socket of a process that died stops counting after this)."""


class TooManySockets(errors.DomainError):
    code = "TOO_MANY_CONNECTIONS"


class Presence:
    def __init__(self, live: LiveStore, clock: Clock, dead_after_s: float, max_sockets_per_user: int = 20) -> None:
        self.live = live
        self.clock = clock
        self.dead_after_s = dead_after_s
        self.max_sockets_per_user = max_sockets_per_user
        self.node_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def new_connection_id(self) -> str:
        """Connection ids name their process, so a dead process's seats can be found."""
        return f"{self.node_id}/{uuid.uuid4()}"

    def is_ours(self, node_id: str) -> bool:
        return node_id == self.node_id

    @staticmethod
    def held_by(node_id: str, connection_id: str | None) -> bool:
        return connection_id is not None and connection_id.startswith(f"{node_id}/")

    async def connected(self, user_id: str, connection_id: str, room_code: str | None) -> None:
        """Record a socket (again, when it moves to a room) and the room its process holds."""
        record = ConnectionRecord(user_id, room_code, self.clock.now_ms())
        await self.live.set_connection(connection_id, record, CONNECTION_TTL_S)
        if room_code is not None:
            await self.live.node_holds(self.node_id, room_code)

    async def opened(self, user_id: str, connection_id: str) -> None:
        """A new socket of the user. :raises TooManySockets: the user holds too many."""
        now_s = self.clock.now_ms() / 1000
        held = await self.live.user_sockets(user_id, connection_id, now_s + SOCKET_COUNTED_S, now_s)
        if held > self.max_sockets_per_user:
            await self.live.forget_user_socket(user_id, connection_id)
            raise TooManySockets(f"At most {self.max_sockets_per_user} connections per account.")
        await self.connected(user_id, connection_id, None)

    async def still_connected(self, user_id: str, connection_id: str) -> None:
        now_s = self.clock.now_ms() / 1000
        await self.live.touch_connection(connection_id, CONNECTION_TTL_S)
        await self.live.user_sockets(user_id, connection_id, now_s + SOCKET_COUNTED_S, now_s)

    async def disconnected(self, user_id: str, connection_id: str) -> None:
        await self.live.delete_connection(connection_id)
        await self.live.forget_user_socket(user_id, connection_id)

    async def session_ended(self, session: str) -> None:
        """Every process closes the session's sockets (``session``: its token's hash)."""
        await self.live.revoke_session(session)

    async def user_ended(self, user_id: str) -> None:
        """Every process closes the sockets of a user whose account is gone."""
        await self.live.end_user(user_id)

    async def heartbeat(self) -> None:
        """Report this process alive for ``dead_after_s`` more."""
        await self.live.node_alive(self.node_id, self.clock.now_ms() / 1000 + self.dead_after_s)

    async def rooms_of(self, node_id: str) -> list[str]:
        """Rooms in which a process holds (or held) a player's socket."""
        return await self.live.node_rooms(node_id)

    async def forget(self, node_id: str) -> None:
        await self.live.forget_node(node_id)
