"""This process's sockets, by room, fed by the relay.

A message on a room's channel is an :class:`Envelope`: the room's version after the write
that sent it (0 for frames that change nothing), whether the room closed with it, and the
addressed frames. Packed as ``version \\x1d closes \\x1d frames``, the frames as
``target \\x1f frame`` joined by ``\\x1e``, where the target is a user id or ``*`` for
everyone in the room. Frames are JSON text, which never contains these control characters
unescaped; a receiving process forwards them without decoding them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import structlog

from chesschat.protocol.outbound import Addressed, RoomClosed, encode

log = structlog.get_logger("chesschat.hub")
EVERYONE = "*"


class Outlet(Protocol):
    user_id: str
    connection_id: str
    room_code: str | None

    def push(self, text: str) -> None:
        """Queue a frame for this socket; never waits."""


class Revocable(Protocol):
    def revoke(self) -> None:
        """The socket's session has ended: close it as unauthorized."""


class UserSocket(Revocable, Protocol):
    """An open socket as the hub keeps it: ended with its session, and reached by its user."""

    user_id: str

    def push(self, text: str) -> None: ...


class Subscriber(Protocol):
    async def subscribe(self, code: str) -> None: ...

    async def unsubscribe(self, code: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Envelope:
    """The frames one room write sends, for every process holding a socket of the room."""

    version: int
    frames: tuple[Addressed, ...]

    @property
    def closes_room(self) -> bool:
        return any(isinstance(frame, RoomClosed) for _, frame in self.frames)

    def pack(self) -> str:
        parts = "\x1e".join(f"{to or EVERYONE}\x1f{encode(frame)}" for to, frame in self.frames)
        return f"{self.version}\x1d{int(self.closes_room)}\x1d{parts}"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A packed envelope as it arrives: the frames stay encoded."""

    version: int
    closes_room: bool
    parts: tuple[tuple[str, str], ...]

    @classmethod
    def unpack(cls, message: str) -> Delivery:
        version, closes, body = message.split("\x1d", 2)
        parts = tuple(part.split("\x1f", 1) for part in body.split("\x1e")) if body else ()
        return cls(int(version), closes == "1", tuple((target, text) for target, text in parts))


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, set[Outlet]] = {}
        self.relay: Subscriber | None = None
        self.on_version: Callable[[str, int], None] | None = None
        # Per room, the version of the last snapshot resent here: the relay's copies of
        # events up to it are already in that snapshot.
        self._floors: dict[str, int] = {}
        # This process's sockets by session (the hash of their token), to end them, and by
        # user, to reach them wherever they are.
        self._sessions: dict[str, set[UserSocket]] = {}
        self._users: dict[str, set[UserSocket]] = {}

    def opened(self, socket: UserSocket, session: str) -> None:
        self._sessions.setdefault(session, set()).add(socket)
        self._users.setdefault(socket.user_id, set()).add(socket)

    def closed(self, socket: UserSocket, session: str) -> None:
        for index, key in ((self._sessions, session), (self._users, socket.user_id)):
            sockets = index.get(key)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del index[key]

    def to_user(self, user_id: str, text: str) -> int:
        """Hand an encoded frame to every socket of the user on this process; how many."""
        sockets = self._users.get(user_id, set())
        for socket in sockets:
            socket.push(text)
        return len(sockets)

    def end_session(self, session: str) -> int:
        """Close this process's sockets of an ended session; how many there were."""
        sockets = self._sessions.pop(session, set())
        for socket in sockets:
            socket.revoke()
        return len(sockets)

    def end_user(self, user_id: str) -> int:
        """Close this process's sockets of a user whose account is gone; how many there were."""
        sockets = list(self._users.get(user_id, ()))
        for socket in sockets:
            socket.revoke()
        return len(sockets)

    @property
    def connection_count(self) -> int:
        return sum(len(c) for c in self.rooms.values())

    async def listen(self, outlet: Outlet, code: str) -> None:
        """Deliver ``code``'s events to ``outlet`` too; returns once subscribed."""
        members = self.rooms.setdefault(code, set())
        if outlet in members:
            return
        members.add(outlet)
        if len(members) == 1 and self.relay is not None:
            await self.relay.subscribe(code)

    async def unlisten(self, outlet: Outlet, code: str) -> None:
        members = self.rooms.get(code)
        if members is None or outlet not in members:
            return
        members.discard(outlet)
        if outlet.room_code == code:
            outlet.room_code = None
        if not members:
            del self.rooms[code]
            self._floors.pop(code, None)
            if self.relay is not None:
                await self.relay.unsubscribe(code)

    async def detach(self, outlet: Outlet) -> None:
        """The outlet leaves the room it is in."""
        if outlet.room_code is not None:
            await self.unlisten(outlet, outlet.room_code)

    async def resend(self, code: str, frames: Iterable[Addressed], version: int) -> None:
        """Deliver ``frames``, a snapshot of the room at ``version``, to this process's
        sockets in it, after the relay missed some of its events. Events up to ``version``
        that the relay still brings are dropped; later ones flow as usual."""
        if code not in self.rooms:
            return
        self._floors[code] = version
        await self.deliver(code, Envelope(0, tuple(frames)).pack())

    async def deliver(self, code: str, message: str) -> None:
        """Hand a message from the room's channel to this process's sockets in the room."""
        delivery = Delivery.unpack(message)
        if delivery.version:
            if self.on_version is not None:
                self.on_version(code, delivery.version)
            floor = self._floors.get(code)
            if floor is not None:
                if delivery.version <= floor:
                    return
                del self._floors[code]
        members = self.rooms.get(code)
        if not members:
            return
        for target, text in delivery.parts:
            for outlet in list(members):
                if target == EVERYONE or target == outlet.user_id:
                    outlet.push(text)
        if delivery.closes_room:
            for outlet in list(members):
                await self.unlisten(outlet, code)
