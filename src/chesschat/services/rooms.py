"""Room use cases: join, leave, play, and the timers, against the live store.

Every change is optimistic: read the room (this process's cached copy when it has one),
apply a pure domain rule, and write it back only if nobody else changed it meanwhile; on a
conflict the store hands back the current room and the rule is applied again. A refusal
computed from a cached copy is re-checked against the stored room before it is sent, so a
stale cache can cost a retry but never a wrong answer.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import chess
import orjson
import structlog

from chesschat.domain import errors
from chesschat.domain import game as g
from chesschat.domain import room as rules
from chesschat.domain.events import DrawOfferState, Event, GameStarted, RoomClosed, RoomSnapshot
from chesschat.domain.room import Player, Room, Transition
from chesschat.domain.serde import room_from_dict, room_to_dict
from chesschat.protocol import inbound
from chesschat.protocol.outbound import RoomClosed as RoomClosedFrame
from chesschat.protocol.outbound import SignalRelayed, render
from chesschat.services.hub import Envelope, Hub, Outlet
from chesschat.services.ports import Clock, Deadline, LiveStore, Metrics, RoomGone, Video, Write
from chesschat.settings import Settings

log = structlog.get_logger("chesschat.rooms")
CODE_ATTEMPTS = 8
CACHE_LIMIT = 20_000
Change = Callable[[Room, int], Transition | None]


class UpdateConflict(errors.DomainError):
    code = "ROOM_UPDATE_CONFLICT"


class RoomService:
    def __init__(
        self, live: LiveStore, hub: Hub, video: Video, metrics: Metrics, clock: Clock, settings: Settings
    ) -> None:
        self.live = live
        self.hub = hub
        self.video = video
        self.metrics = metrics
        self.clock = clock
        self.settings = settings
        self.ttl_ms = settings.room_ttl_seconds * 1000
        self.grace_ms = int(settings.reconnect_grace_seconds * 1000)
        self.node_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._rooms: dict[str, Room] = {}
        self._boards: dict[str, tuple[tuple[str, ...], chess.Board]] = {}
        hub.on_version = self._saw
        # Told of each deadline this process writes (epoch seconds).
        self.on_deadline: Callable[[Deadline, float], None] | None = None

    # -- store plumbing -------------------------------------------------------------

    def _remember(self, room: Room) -> None:
        self._rooms.pop(room.code, None)
        if len(self._rooms) >= CACHE_LIMIT:
            self._rooms.pop(next(iter(self._rooms)))
        self._rooms[room.code] = room

    def _saw(self, code: str, version: int) -> None:
        """Another process wrote this room: our copy is stale, so the next command reads
        the stored room (one GET) instead of computing on the stale one and losing the
        compare-and-set."""
        room = self._rooms.get(code)
        if room is not None and room.version < version:
            del self._rooms[code]

    def _forget(self, code: str) -> None:
        room = self._rooms.pop(code, None)
        if room is not None and room.active_game is not None:
            self._boards.pop(room.active_game.game_id, None)

    async def _fetch(self, code: str) -> Room:
        raw = await self.live.get_room(code)
        if raw is None:
            self._forget(code)
            raise errors.RoomNotFound()
        room = room_from_dict(orjson.loads(raw))
        self._remember(room)
        return room

    def _board(self, game: g.Game) -> chess.Board:
        """The live board of ``game``: this process's copy, brought up to date with the
        moves played elsewhere since, or rebuilt from the move list (a takeback elsewhere,
        or a game this process has not seen)."""
        entry = self._boards.pop(game.game_id, None)
        if entry is not None:
            seen, board = entry
            if game.moves[: len(seen)] == seen:
                for uci in game.moves[len(seen) :]:
                    board.push(chess.Move.from_uci(uci))
                return board
        return g.board_of(game)

    def _write(self, room: Room, transition: Transition, now_ms: int) -> Write:
        closing = room.status in rules.CLOSED
        earliest = room.earliest_grace()
        deadline = rules.next_deadline_ms(room)
        frames = render(transition.events, room, now_ms, self.video.ready)
        return Write(
            document=orjson.dumps(room_to_dict(room)),
            ttl_ms=self.ttl_ms,
            expires_at_s=(now_ms if closing else room.expires_at_ms) / 1000,
            reconnect_at_s=None if earliest is None else earliest[1] / 1000,
            clock_at_s=None if deadline is None else deadline / 1000,
            now_ms=now_ms,
            finished=transition.finished,
            message=Envelope(room.version, tuple(frames)).pack() if frames else "",
        )

    async def _commit(self, code: str, expected: int | None, room: Room, t: Transition, now: int) -> Room | None:
        """Write; returns the current room on a conflict, ``None`` on success."""
        try:
            write = self._write(room, t, now)
            current = await self.live.write_room(code, expected, write)
        except RoomGone:
            self._forget(code)
            raise errors.RoomNotFound() from None
        if current is None:
            self._remember(room)
            if self.on_deadline is not None:
                for deadline, at_s in ((Deadline.CLOCK, write.clock_at_s), (Deadline.GRACE, write.reconnect_at_s)):
                    if at_s is not None:
                        self.on_deadline(deadline, at_s)
                self.on_deadline(Deadline.EXPIRY, write.expires_at_s)
            await self._after(room, t)
            return None
        stored = room_from_dict(orjson.loads(current))
        self._remember(stored)
        return stored

    async def _update(self, code: str, change: Change, *, fresh: bool = False) -> Transition | None:
        cached = None if fresh else self._rooms.get(code)
        room = cached if cached is not None else await self._fetch(code)
        checked = cached is None
        for _ in range(self.settings.room_update_attempts):
            now = self.clock.now_ms()
            try:
                transition = change(room, now)
            except errors.DomainError:
                if checked:
                    raise
                room, checked = await self._fetch(code), True
                continue
            if transition is None:
                if checked:
                    return None
                room, checked = await self._fetch(code), True
                continue
            updated = replace(transition.room, version=room.version + 1)
            current = await self._commit(code, room.version, updated, transition, now)
            if current is None:
                return replace(transition, room=updated)
            room, checked = current, True
        raise UpdateConflict()

    async def _after(self, room: Room, t: Transition) -> None:
        for event in t.events:
            if isinstance(event, GameStarted):
                self.metrics.incr("GamesStarted")
        if t.finished:
            self.metrics.incr("GamesEnded", len(t.finished))
        if room.status == "teardown":
            await self.finish_teardown(room.code)

    async def _open(self, code: str, player: Player, outlet: Outlet) -> Transition:
        now = self.clock.now_ms()
        t = rules.open_room(code, player, outlet.connection_id, now, self.ttl_ms)
        room = replace(t.room, version=1)
        current = await self._commit(code, None, room, t, now)
        if current is not None:
            raise errors.RoomFull("code already in use")
        return replace(t, room=room)

    # -- use cases --------------------------------------------------------------------

    async def create_room(self, player: Player, outlet: Outlet) -> Transition:
        """Issue a fresh code and open its room with ``player`` as host."""
        previous = outlet.room_code
        for _ in range(CODE_ATTEMPTS):
            code = rules.new_code()
            await self.hub.listen(outlet, code)
            try:
                t = await self._open(code, player, outlet)
            except errors.RoomFull:
                await self.hub.unlisten(outlet, code)
                continue
            await self._moved(player.user_id, outlet, previous, code)
            await self._record_connection(player, outlet)
            return t
        raise UpdateConflict()

    async def _moved(self, user_id: str, outlet: Outlet, previous: str | None, code: str) -> None:
        outlet.room_code = code
        if previous is not None and previous != code:
            await self.hub.unlisten(outlet, previous)
            await self._drop(user_id, outlet.connection_id, previous)

    async def reserve_code(self, player: Player) -> str:
        """Issue a code whose room opens when someone first joins it."""
        for _ in range(CODE_ATTEMPTS):
            code = rules.new_code()
            if await self.live.reserve(code, player.user_id, self.ttl_ms):
                return code
        raise UpdateConflict()

    async def join(self, player: Player, outlet: Outlet, code: str) -> Transition:
        """Seat ``player`` in ``code`` on this socket. A socket is in one room at a time:
        a successful join moves it out of its previous room (a drop there); a refused
        join leaves it where it was."""
        previous = outlet.room_code
        await self.hub.listen(outlet, code)  # before the write, so no event of ours is missed
        try:
            try:
                t = await self._update(
                    code, lambda room, now: rules.join(room, player, outlet.connection_id, now, self.ttl_ms)
                )
            except errors.RoomNotFound:
                if not await self.live.claim_reservation(code):
                    raise
                t = await self._open(code, player, outlet)
        except BaseException:
            if previous != code:
                await self.hub.unlisten(outlet, code)
            raise
        assert t is not None
        await self._moved(player.user_id, outlet, previous, code)
        await self._record_connection(player, outlet)
        return t

    async def _record_connection(self, player: Player, outlet: Outlet) -> None:
        record = {"user_id": player.user_id, "room_code": outlet.room_code, "connected_at": self.clock.now_ms()}
        await self.live.set_connection(outlet.connection_id, record, self.settings.room_ttl_seconds)
        if outlet.room_code is not None:
            await self.live.node_holds(self.node_id, outlet.room_code)

    def new_connection_id(self) -> str:
        """Connection ids name their process, so a dead process's seats can be found."""
        return f"{self.node_id}/{uuid.uuid4()}"

    async def heartbeat(self) -> None:
        dead_after = self.clock.now_ms() / 1000 + self.settings.node_dead_after_seconds
        await self.live.node_alive(self.node_id, dead_after)

    async def reap_node(self, node_id: str) -> None:
        """A process died without closing its sockets: each seat it held counts as a drop
        (the grace starts, the game pauses), exactly as if the socket had closed."""
        if node_id == self.node_id:  # we were too busy to report in; we are not dead
            await self.heartbeat()
            return
        prefix = f"{node_id}/"
        for code in await self.live.node_rooms(node_id):
            try:
                room = await self._fetch(code)
            except errors.RoomNotFound:
                continue
            for seat in room.participants:
                if seat.connected and seat.connection_id and seat.connection_id.startswith(prefix):
                    await self._drop(seat.user_id, seat.connection_id, code)
        await self.live.forget_node(node_id)
        log.warning("node_reaped", nodeId=node_id)

    async def leave(self, player: Player, outlet: Outlet, code: str) -> None:
        await self._update(code, lambda room, now: rules.leave(room, player.user_id, now, self.grace_ms))
        if outlet.room_code == code:
            await self.hub.detach(outlet)

    async def disconnected(self, user_id: str, outlet: Outlet) -> None:
        """The socket closed: a seated player starts their grace period."""
        code = outlet.room_code
        if code is None:
            return
        await self.hub.detach(outlet)
        await self._drop(user_id, outlet.connection_id, code)

    async def _drop(self, user_id: str, connection_id: str, code: str) -> None:
        with contextlib.suppress(errors.DomainError):
            await self._update(
                code, lambda room, now: rules.drop(room, user_id, connection_id, now, self.grace_ms), fresh=True
            )

    def _settings(self, requested: inbound.StartSettings) -> g.GameSettings:
        s = self.settings

        def millis(value: float | None, default: float, low: float, high: float, name: str) -> int:
            seconds = value or default
            if not low <= seconds <= high:
                raise errors.InvalidSettings(f"{name} must be between {low:g} and {high:g} seconds")
            return round(seconds * 1000)

        if not 0 <= requested.takebacks_white <= 100 or not 0 <= requested.takebacks_black <= 100:
            raise errors.InvalidSettings("takebacks must be between 0 and 100")
        return g.GameSettings(
            time_white_ms=millis(requested.time_white_seconds, s.default_time_seconds, 1, s.max_time_seconds, "time"),
            time_black_ms=millis(requested.time_black_seconds, s.default_time_seconds, 1, s.max_time_seconds, "time"),
            increment_ms=millis(requested.increment_seconds, 0, 0, s.max_increment_seconds, "increment"),
            allow_takebacks=requested.allow_takebacks,
            takebacks_white_max=requested.takebacks_white if requested.allow_takebacks else 0,
            takebacks_black_max=requested.takebacks_black if requested.allow_takebacks else 0,
        )

    async def start_game(self, player: Player, code: str, requested: inbound.StartSettings) -> None:
        game_id = str(uuid.uuid4())
        host_white = secrets.randbelow(2) == 0

        def change(room: Room, now: int) -> Transition:
            rules.require_can_start(room, player.user_id)
            settings = self._settings(requested)
            return rules.start_game(room, player.user_id, settings, game_id, host_white, now, self.ttl_ms)

        await self._update(code, change)

    async def _play(self, code: str, user_id: str, rule: Callable[..., Transition]) -> None:
        """Run a rule that needs the live board, keeping the board cached on success."""
        board_of: dict[str, chess.Board] = {}

        def change(room: Room, now: int) -> Transition:
            game = room.active_game
            board = self._board(game) if game is not None else chess.Board()
            if game is not None:
                board_of[game.game_id] = board
            return rule(room, board, user_id, now)

        t = await self._update(code, change)
        game = t.room.active_game if t is not None else None
        if game is not None and game.game_id in board_of:
            self._boards[game.game_id] = (game.moves, board_of[game.game_id])
            if len(self._boards) > CACHE_LIMIT:
                self._boards.pop(next(iter(self._boards)))

    async def move(self, player: Player, code: str, text: str) -> None:
        await self._play(
            code, player.user_id, lambda room, board, uid, now: rules.move(room, board, uid, text, now, self.ttl_ms)
        )

    async def take_back(self, player: Player, code: str) -> None:
        await self._play(
            code, player.user_id, lambda room, board, uid, now: rules.take_back(room, board, uid, now, self.ttl_ms)
        )

    async def _act(self, player: Player, code: str, rule: Callable[[Room, str, int, int], Transition]) -> None:
        """A rule that needs no board."""
        await self._update(code, lambda room, now: rule(room, player.user_id, now, self.ttl_ms))

    async def resign(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.resign)

    async def abort(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.abort)

    async def offer_draw(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.offer_draw)

    async def accept_draw(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.accept_draw)

    async def decline_draw(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.decline_draw)

    async def cancel_draw(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.cancel_draw)

    async def signal(self, player: Player, code: str, data: Any) -> None:
        """Relay WebRTC signalling to the other seated player, wherever they are connected."""
        room = self._rooms.get(code) or await self._fetch(code)
        if room.participant(player.user_id) is None:
            room = await self._fetch(code)
        if room.status in rules.CLOSED:
            raise errors.RoomTerminated()
        if room.participant(player.user_id) is None:
            raise errors.NotInRoom()
        peer = room.opponent_of(player.user_id)
        if peer is None:
            raise errors.WaitingForPlayer()
        frame = SignalRelayed(code, player.user_id, data)
        await self.live.publish(code, Envelope(0, ((peer.user_id, frame),)).pack())

    async def resync(self, code: str) -> None:
        """This process's subscription to the room was cut and is back (Redis restarted, or
        the link to it dropped): events published meanwhile never arrived here, so the
        players here get the room as it now stands, as a rejoin does."""
        try:
            room = await self._fetch(code)
        except errors.RoomNotFound:  # it closed and went while the link was down
            await self.hub.resend(code, [(None, RoomClosedFrame(code, None))], 0)
            return
        events: list[Event] = [RoomSnapshot(), DrawOfferState(None)]
        if room.status in rules.CLOSED:
            events.append(RoomClosed(room.closed_reason or "closed"))
        await self.hub.resend(code, render(events, room, self.clock.now_ms(), self.video.ready), room.version)
        log.info("room_resynced", roomCode=code, version=room.version)

    # -- timers (run by every process's workers) -------------------------------------

    async def _timer(self, code: str, change: Change) -> None:
        try:
            await self._update(code, change, fresh=True)
        except errors.RoomNotFound:
            await self.live.forget_room(code)

    async def check_flag(self, code: str) -> None:
        await self._timer(code, rules.check_flag)

    async def expire_grace(self, code: str) -> None:
        await self._timer(code, rules.expire_grace)

    async def expire_room(self, code: str) -> None:
        raw = await self.live.get_room(code)
        if raw is None:
            await self.live.forget_room(code)
            return
        status = orjson.loads(raw)["status"]
        if status in rules.CLOSED:
            await self.finish_teardown(code)
        else:
            await self._timer(code, rules.expire)

    async def finish_teardown(self, code: str) -> None:
        """teardown → terminal (WATCH/MULTI/EXEC), then the key and its index entries go."""
        raw = await self.live.get_room(code)
        if raw is None:
            return
        room = room_from_dict(orjson.loads(raw))
        if room.status == "teardown":
            try:
                await self.video.close(room)
            except Exception:
                log.exception("video_close_failed", roomCode=code)

        def mark(current: bytes) -> bytes | None:
            stored = room_from_dict(orjson.loads(current))
            if stored.status != "teardown":
                return None
            terminal = replace(stored, status="terminal", version=stored.version + 1)
            return orjson.dumps(room_to_dict(terminal))

        await self.live.make_terminal(code, mark)
        raw = await self.live.get_room(code)
        if raw is not None and orjson.loads(raw)["status"] == "terminal":
            await self.live.delete_room(code)
            log.info("room_terminal", roomCode=code, reason=room.closed_reason)
        self._forget(code)
