"""Watchers: friends following a room's game read-only, from any process.

A watcher takes no seat and writes nothing to the room, so the room's version, time to
live and lifecycle stay the players' alone. It hears the room's frames for everyone (the
board, the clocks, the moves, the players and the result), never the players' chat, their
signalling or their video. Who watches is a set per room in the live store, capped, with
each socket counted until a refresh is overdue, so the players see how many watch
wherever those sockets are; a dead process's watchers are dropped when it is reaped.
"""

from __future__ import annotations

from typing import Protocol

import structlog

from chesschat.domain import errors
from chesschat.domain import room as rules
from chesschat.domain.room import Player, Room, Transition
from chesschat.protocol.outbound import Watchers, WatchState, encode
from chesschat.services.hub import Envelope, Hub, Outlet, as_watched
from chesschat.services.ports import Clock
from chesschat.services.room_repository import RoomRepository

log = structlog.get_logger("chesschat.watching")
WATCHER_COUNTED_S = 900
"""How long a watching socket counts unless refreshed (its loop refreshes it every 300 s)."""
NO_SUCH_LINK = "No room has this watch link."


class WatchingOff(errors.DomainError):
    code = "WATCHING_OFF"


class WatchersFull(errors.DomainError):
    code = "WATCHERS_FULL"


class PlayerCannotWatch(errors.DomainError):
    code = "PLAYER_CANNOT_WATCH"


class WatchingOnly(errors.DomainError):
    code = "WATCHING_ONLY"


class WatcherSet(Protocol):
    """The live state of who watches which room."""

    async def add_watcher(
        self, code: str, connection_id: str, alive_until_s: float, now_s: float, cap: int, ttl_s: int
    ) -> int | None:
        """Count the socket among the room's watchers until ``alive_until_s`` (again, if
        it is already). How many count now, or ``None`` (and no change) if ``cap`` do."""
        ...

    async def forget_watcher(self, code: str, connection_id: str, now_s: float) -> int:
        """The socket stops watching; how many still count."""
        ...

    async def watched_room(self, watch_code: str) -> str | None:
        """The code of the room whose watch link has ``watch_code`` (it may have gone since)."""
        ...

    async def forget_watchers(self, code: str) -> None: ...

    async def forget_node_watchers(self, code: str, node_id: str, now_s: float) -> int:
        """The sockets of a dead process stop watching; how many still count."""
        ...

    async def watcher_count(self, code: str, now_s: float) -> int: ...

    async def publish(self, code: str, envelope: Envelope) -> None: ...

    async def node_holds(self, node_id: str, code: str) -> None: ...


class Watching:
    def __init__(
        self,
        repository: RoomRepository,
        watchers: WatcherSet,
        hub: Hub,
        clock: Clock,
        node_id: str,
        cap: int,
        ttl_s: int,
    ) -> None:
        self.repository = repository
        self.watchers = watchers
        self.hub = hub
        self.clock = clock
        self.node_id = node_id
        self.cap = cap
        self.ttl_s = ttl_s

    def _now_s(self) -> float:
        return self.clock.now_ms() / 1000

    async def _tell(self, code: str, count: int) -> None:
        """Everyone in the room, players and watchers, on every process, hears the count."""
        await self.watchers.publish(code, Envelope(0, ((None, Watchers(code, count)),)))

    async def watch(self, player: Player, outlet: Outlet, watch_code: str) -> None:
        """Show ``outlet`` the room whose watch link has ``watch_code`` and keep it
        following, without a seat. Its frames name the room by ``watch_code``: the room's
        own code, which seats a player while a seat is free, is never shown to a watcher.

        :raises errors.RoomNotFound: no such watch link (or its room has gone).
        :raises errors.RoomTerminated: it is closing.
        :raises PlayerCannotWatch: the player sits in it.
        :raises WatchingOff: the host does not let anyone watch.
        :raises WatchersFull: as many watch as a room allows.
        """
        code = await self.watchers.watched_room(watch_code)
        if code is None:
            raise errors.RoomNotFound(NO_SUCH_LINK)
        if outlet.watching == code:  # shown the room afresh
            await self.unwatch(outlet)
        previous = outlet.watching  # a refusal leaves the socket watching what it was
        now_s = self._now_s()
        await self.hub.watch(outlet, code)  # before the room is read, so no later frame is missed
        try:
            count = await self._count_in(code, outlet, now_s)
            if count is None:
                raise WatchersFull(f"At most {self.cap} may watch one room.")
            try:
                room = self._watchable(await self.repository.fetch(code), player, watch_code)
            except BaseException:
                await self.watchers.forget_watcher(code, outlet.connection_id, now_s)
                raise
        except BaseException:
            await self.hub.unwatch(outlet, code)
            raise
        if previous is not None:
            await self.unwatch(outlet)
        outlet.watching, outlet.watch_code = code, watch_code
        outlet.push(as_watched(encode(WatchState(room, self.clock.now_ms())), code, watch_code))
        self.hub.shown(outlet, code, room.version)
        await self.watchers.node_holds(self.node_id, code)
        await self._tell(code, count)

    @staticmethod
    def _watchable(room: Room, player: Player, watch_code: str) -> Room:
        if room.watch_code != watch_code:  # the link's room went, and its code came back
            raise errors.RoomNotFound(NO_SUCH_LINK)
        if room.status in rules.CLOSED:
            raise errors.RoomTerminated()
        if room.participant(player.user_id) is not None:
            raise PlayerCannotWatch("You play in this room: open it to play.", roomCode=room.code)
        if not room.watching:
            raise WatchingOff()
        return room

    async def unwatch(self, outlet: Outlet) -> None:
        """The socket stops watching (it left, or closed)."""
        code = outlet.watching
        if code is None:
            return
        await self.hub.unwatch(outlet, code)
        await self._tell(code, await self.watchers.forget_watcher(code, outlet.connection_id, self._now_s()))

    async def _count_in(self, code: str, outlet: Outlet, now_s: float) -> int | None:
        """Count the socket among the room's watchers for ``WATCHER_COUNTED_S`` more."""
        return await self.watchers.add_watcher(
            code, outlet.connection_id, now_s + WATCHER_COUNTED_S, now_s, self.cap, self.ttl_s
        )

    async def still_watching(self, outlet: Outlet) -> None:
        """The socket is alive: it keeps counting."""
        if outlet.watching is not None:
            await self._count_in(outlet.watching, outlet, self._now_s())

    async def count(self, code: str) -> Watchers:
        """How many watch the room now (for a player who has just sat down)."""
        return Watchers(code, await self.watchers.watcher_count(code, self._now_s()))

    async def allow(self, player: Player, code: str, allowed: bool) -> Transition | None:
        """The host lets friends watch, or stops them: every watcher's view then closes,
        on every process, and the count goes back to nothing.

        :raises errors.NotHost: only the host decides.
        """
        t = await self.repository.update(code, lambda room, now: rules.allow_watching(room, player.user_id, allowed))
        if t is not None and not allowed:
            await self.watchers.forget_watchers(code)
            await self._tell(code, 0)
            log.info("watching_turned_off", roomCode=code)
        return t

    async def reap_node(self, node_id: str, codes: list[str]) -> None:
        """A process died: its watchers of ``codes`` stop counting."""
        for code in codes:
            await self._tell(code, await self.watchers.forget_node_watchers(code, node_id, self._now_s()))
