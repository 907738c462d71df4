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

from chesschat.protocol.outbound import PLAYERS, WATCHERS, Addressed, RoomClosed, WatchingChanged, encode

log = structlog.get_logger("chesschat.hub")
EVERYONE = "*"


class Outlet(Protocol):
    user_id: str
    connection_id: str
    room_code: str | None
    watching: str | None
    """The code of the room the socket watches; its frames name it by ``watch_code``."""
    watch_code: str | None

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

    @property
    def ends_watching(self) -> bool:
        return any(isinstance(frame, WatchingChanged) and not frame.allowed for _, frame in self.frames)

    def pack(self) -> str:
        parts = "\x1e".join(f"{to or EVERYONE}\x1f{encode(frame)}" for to, frame in self.frames)
        ends = "1" if self.closes_room else "w" if self.ends_watching else "0"
        return f"{self.version}\x1d{ends}\x1d{parts}"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A packed envelope as it arrives: the frames stay encoded."""

    version: int
    closes_room: bool
    ends_watching: bool
    parts: tuple[tuple[str, str], ...]

    @classmethod
    def unpack(cls, message: str) -> Delivery:
        version, ends, body = message.split("\x1d", 2)
        parts = tuple(part.split("\x1f", 1) for part in body.split("\x1e")) if body else ()
        return cls(int(version), ends == "1", ends in ("1", "w"), tuple((target, text) for target, text in parts))


def as_watched(text: str, code: str, watch_code: str) -> str:
    """An encoded frame as a watcher gets it: the room named by its watch link's code, so
    a watcher never learns the code that seats a player."""
    return text.replace(f'"{code}"', f'"{watch_code}"')


class _Watch:
    """A watcher's place in a room: frames wait until it has been shown the room, then
    only those newer than what it was shown pass."""

    __slots__ = ("floor", "held")

    def __init__(self) -> None:
        self.floor: int | None = None
        self.held: list[tuple[int, str]] = []


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, set[Outlet]] = {}
        self.watchers: dict[str, dict[Outlet, _Watch]] = {}
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

    def _heard(self, code: str) -> bool:
        return code in self.rooms or code in self.watchers

    async def _heed(self, code: str) -> None:
        """The first socket of ``code`` here: subscribe to its channel."""
        if self.relay is not None:
            await self.relay.subscribe(code)

    async def _unheed(self, code: str) -> None:
        if self._heard(code):
            return
        self._floors.pop(code, None)
        if self.relay is not None:
            await self.relay.unsubscribe(code)

    async def listen(self, outlet: Outlet, code: str) -> None:
        """Deliver ``code``'s events to ``outlet`` too; returns once subscribed."""
        members = self.rooms.get(code)
        if members is not None and outlet in members:
            return
        first = not self._heard(code)
        self.rooms.setdefault(code, set()).add(outlet)
        if first:
            await self._heed(code)

    async def unlisten(self, outlet: Outlet, code: str) -> None:
        members = self.rooms.get(code)
        if members is None or outlet not in members:
            return
        members.discard(outlet)
        if outlet.room_code == code:
            outlet.room_code = None
        if not members:
            del self.rooms[code]
            await self._unheed(code)

    async def watch(self, outlet: Outlet, code: str) -> None:
        """Hold ``code``'s frames for the watcher ``outlet`` until :meth:`shown` (they name
        the room by ``outlet.watch_code``); returns once subscribed."""
        watchers = self.watchers.get(code)
        if watchers is not None and outlet in watchers:
            return
        first = not self._heard(code)
        self.watchers.setdefault(code, {})[outlet] = _Watch()
        if first:
            await self._heed(code)

    def shown(self, outlet: Outlet, code: str, version: int) -> None:
        """The watcher has been shown the room at ``version``: frames held since it began
        watching that are newer pass now, and later ones as they come."""
        watch = self.watchers.get(code, {}).get(outlet)
        if watch is None:
            return
        watch.floor = version
        held, watch.held = watch.held, []
        for at, text in held:
            if not at or at > version:
                outlet.push(as_watched(text, code, outlet.watch_code or code))

    async def unwatch(self, outlet: Outlet, code: str) -> None:
        watchers = self.watchers.get(code)
        if watchers is None or watchers.pop(outlet, None) is None:
            return
        if outlet.watching == code:
            outlet.watching = outlet.watch_code = None
        if not watchers:
            del self.watchers[code]
            await self._unheed(code)

    async def detach(self, outlet: Outlet) -> None:
        """The outlet leaves the room it is in."""
        if outlet.room_code is not None:
            await self.unlisten(outlet, outlet.room_code)

    async def resend(self, code: str, frames: Iterable[Addressed], version: int) -> None:
        """Deliver ``frames``, a snapshot of the room at ``version``, to this process's
        sockets in it, after the relay missed some of its events. Events up to ``version``
        that the relay still brings are dropped; later ones flow as usual."""
        if not self._heard(code):
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
        members = list(self.rooms.get(code, ()))
        watchers = list(self.watchers.get(code, {}).items())
        for target, text in delivery.parts:
            for outlet in members:
                if target in (EVERYONE, PLAYERS) or target == outlet.user_id:
                    outlet.push(text)
            if target in (EVERYONE, WATCHERS):
                watched: str | None = None  # one copy for all: a room has one watch code
                for outlet, watch in watchers:
                    if watch.floor is None:
                        watch.held.append((delivery.version, text))
                    elif not delivery.version or delivery.version > watch.floor:
                        watched = watched or as_watched(text, code, outlet.watch_code or code)
                        outlet.push(watched)
        if delivery.ends_watching:
            for outlet, _ in watchers:
                await self.unwatch(outlet, code)
        if delivery.closes_room:
            for outlet in members:
                await self.unlisten(outlet, code)
