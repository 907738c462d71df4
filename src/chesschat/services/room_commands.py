"""The room use cases: open, join, leave, play, and what the timers do when a deadline
passes. Each applies a pure rule through the repository's optimistic write."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import chess
import structlog

from chesschat.domain import errors
from chesschat.domain import game as g
from chesschat.domain import room as rules
from chesschat.domain.events import DrawOfferState, Event, GameStarted, RoomClosed, RoomSnapshot, VideoReady
from chesschat.domain.room import Participant, Player, Room, Transition
from chesschat.protocol import inbound
from chesschat.protocol.outbound import RoomClosed as RoomClosedFrame
from chesschat.protocol.outbound import SignalRelayed, render
from chesschat.services.hub import Envelope, Hub, Outlet
from chesschat.services.ports import Clock, LiveStore, Metrics, Video, VideoFailed
from chesschat.services.presence import Presence
from chesschat.services.room_repository import Change, RoomRepository, UpdateConflict
from chesschat.settings import Settings

if TYPE_CHECKING:
    from chesschat.services.watching import Watching

log = structlog.get_logger("chesschat.rooms")
CODE_ATTEMPTS = 8
Rule = Callable[[Room, str, int, int], Transition]


class RoomLimitReached(errors.DomainError):
    code = "ROOM_LIMIT_REACHED"


class RoomCommands:
    def __init__(
        self,
        repository: RoomRepository,
        presence: Presence,
        live: LiveStore,
        hub: Hub,
        video: Video,
        metrics: Metrics,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.repository = repository
        self.presence = presence
        self.live = live
        self.hub = hub
        self.video = video
        self.metrics = metrics
        self.clock = clock
        self.settings = settings
        self.ttl_ms = settings.room_ttl_seconds * 1000
        self.grace_ms = int(settings.reconnect_grace_seconds * 1000)
        self.first_move_ms = round(settings.first_move_timeout_seconds * 1000)
        hub.on_version = repository.saw
        self.watching: Watching | None = None
        """Told when a dead process is reaped, to drop its watchers too."""
        self._video_tasks: set[asyncio.Task[None]] = set()

    async def _update(self, code: str, change: Change, *, fresh: bool = False) -> Transition | None:
        t = await self.repository.update(code, change, fresh=fresh)
        if t is not None:
            await self._after(t)
        return t

    async def _after(self, t: Transition) -> None:
        video_for: set[str] = set()
        for event in t.events:
            if isinstance(event, GameStarted):
                self.metrics.incr("GamesStarted")
            elif isinstance(event, VideoReady):
                video_for.update([event.to] if event.to else (p.user_id for p in t.room.participants))
        if video_for and len(t.room.participants) == 2:
            task = asyncio.get_running_loop().create_task(self._prepare_video(t.room, video_for))
            self._video_tasks.add(task)
            task.add_done_callback(self._video_tasks.discard)
        if t.finished:
            self.metrics.incr("GamesEnded", len(t.finished))
        if t.room.status == "teardown":
            await self.finish_teardown(t.room.code)

    async def _prepare_video(self, room: Room, user_ids: set[str]) -> None:
        """Give the provider what it needs (a Chime meeting and attendees) after the write
        that seated the players, never inside it; the players hear ``video_ready`` once the
        room keeps it, or ``video_unavailable`` and play on."""
        code = room.code
        try:
            state = await self.video.prepare(room, user_ids)
        except VideoFailed as failed:
            log.warning("video_unavailable", roomCode=code, reason=failed.reason)
            self.metrics.incr("VideoFailures")
            reason = failed.reason

            def change(r: Room, now: int) -> Transition | None:
                return rules.video_failed(r, reason)
        except Exception:
            log.exception("video_prepare_failed", roomCode=code)
            return
        else:
            if state is None:
                return
            self.metrics.incr("VideoSessionsStarted")
            kept = state

            def change(r: Room, now: int) -> Transition | None:
                return rules.bind_video(r, kept)

        try:
            await self.repository.update(code, change)
        except errors.DomainError as refused:
            log.info("video_bind_skipped", roomCode=code, code=refused.code)

    async def _open(self, code: str, player: Player, outlet: Outlet) -> Transition:
        t = rules.open_room(code, player, outlet.connection_id, self.clock.now_ms(), self.ttl_ms, rules.new_code())
        opened = await self.repository.create(t)
        await self._after(opened)
        return opened

    # -- seats --------------------------------------------------------------------------

    async def _may_open(self, player: Player) -> None:
        """:raises RoomLimitReached: the player has too many rooms open already."""
        since_s = (self.clock.now_ms() - self.ttl_ms) / 1000
        if await self.live.user_rooms(player.user_id, since_s) >= self.settings.max_open_rooms_per_user:
            limit = self.settings.max_open_rooms_per_user
            raise RoomLimitReached(f"At most {limit} open rooms per account; close or finish one first.")

    async def _opened(self, player: Player, code: str) -> None:
        await self.live.add_user_room(player.user_id, code, self.clock.now_ms() / 1000)

    async def create_room(self, player: Player, outlet: Outlet) -> Transition:
        """Issue a fresh code and open its room with ``player`` as host."""
        await self._may_open(player)
        previous = outlet.room_code
        for _ in range(CODE_ATTEMPTS):
            code = rules.new_code()
            await self.hub.listen(outlet, code)
            try:
                t = await self._open(code, player, outlet)
            except errors.RoomFull:
                await self.hub.unlisten(outlet, code)
                continue
            await self._opened(player, code)
            await self._moved(player.user_id, outlet, previous, code)
            await self.presence.connected(player.user_id, outlet.connection_id, code)
            return t
        raise UpdateConflict()

    async def _moved(self, user_id: str, outlet: Outlet, previous: str | None, code: str) -> None:
        outlet.room_code = code
        if previous is not None and previous != code:
            await self.hub.unlisten(outlet, previous)
            await self._drop(user_id, outlet.connection_id, previous)

    async def reserve_code(self, player: Player) -> str:
        """Issue a code whose room opens when someone first joins it."""
        await self._may_open(player)
        for _ in range(CODE_ATTEMPTS):
            code = rules.new_code()
            if await self.live.reserve(code, player.user_id, self.ttl_ms):
                await self._opened(player, code)
                return code
        raise UpdateConflict()

    async def join(self, player: Player, outlet: Outlet, code: str) -> Transition:
        """Seat ``player`` in ``code`` on this socket. A socket is in one room at a time:
        a successful join moves it out of its previous room (a drop there); a refused
        join leaves it where it was."""
        pair = await self.live.pair_of(code)
        if pair is not None and player.user_id not in pair:
            # A friend pair's room seats the two of them only.
            raise errors.RoomFull() if await self.live.load(code) is not None else errors.RoomNotFound()
        previous = outlet.room_code

        def seat(room: Room, now: int) -> Transition:
            return rules.join(room, player, outlet.connection_id, now, self.ttl_ms)

        await self.hub.listen(outlet, code)  # before the write, so no event of ours is missed
        try:
            try:
                t = await self._update(code, seat)
            except errors.RoomNotFound:
                if pair is None and not await self.live.claim_reservation(code):
                    raise
                try:
                    t = await self._open(code, player, outlet)
                except errors.RoomFull:
                    if pair is None:
                        raise
                    t = await self._update(code, seat)  # the friend opened it at the same moment
        except BaseException:
            if previous != code:
                await self.hub.unlisten(outlet, code)
            raise
        assert t is not None
        await self._moved(player.user_id, outlet, previous, code)
        await self.presence.connected(player.user_id, outlet.connection_id, code)
        if pair is not None:
            await self._start_agreed(code)
        return t

    async def _start_agreed(self, code: str) -> None:
        """Start the game the pair agreed on (an accepted challenge) once both are seated."""
        agreed = await self.live.agreed_game(code)
        if agreed is None:
            return
        game_id = str(uuid.uuid4())
        agreed = replace(agreed, settings=self._house_rules(agreed.settings))
        started = await self._update(
            code, lambda room, now: rules.start_agreed(room, agreed, game_id, now, self.ttl_ms)
        )
        if started is not None:
            await self.live.forget_agreed_game(code, agreed.agreement_id)

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

    async def reap_node(self, node_id: str) -> None:
        """A process died without closing its sockets: each seat it held counts as a drop
        (the grace starts, the game pauses), exactly as if the socket had closed."""
        if self.presence.is_ours(node_id):  # we were too busy to report in; we are not dead
            await self.presence.heartbeat()
            return
        codes = await self.presence.rooms_of(node_id)
        if self.watching is not None:
            await self.watching.reap_node(node_id, codes)
        for code in codes:
            try:
                room = await self.repository.fetch(code)
            except errors.RoomNotFound:
                continue
            for seat in room.participants:
                if seat.connected and self.presence.held_by(node_id, seat.connection_id):
                    assert seat.connection_id is not None
                    await self._drop(seat.user_id, seat.connection_id, code)
        await self.presence.forget(node_id)
        log.warning("node_reaped", nodeId=node_id)

    # -- play ---------------------------------------------------------------------------

    def _settings(self, requested: inbound.StartSettings) -> g.GameSettings:
        s = self.settings

        def millis(value: float | None, default: float, low: float, high: float, name: str) -> int:
            seconds = value or default
            if not low <= seconds <= high:
                raise errors.InvalidSettings(f"{name} must be between {low:g} and {high:g} seconds")
            return round(seconds * 1000)

        if not 0 <= requested.takebacks_white <= 100 or not 0 <= requested.takebacks_black <= 100:
            raise errors.InvalidSettings("takebacks must be between 0 and 100")
        consent = requested.allow_takebacks and requested.takeback_mode == "consent"
        quota = requested.allow_takebacks and not consent
        settings = g.GameSettings(
            time_white_ms=millis(requested.time_white_seconds, s.default_time_seconds, 1, s.max_time_seconds, "time"),
            time_black_ms=millis(requested.time_black_seconds, s.default_time_seconds, 1, s.max_time_seconds, "time"),
            increment_ms=millis(requested.increment_seconds, 0, 0, s.max_increment_seconds, "increment"),
            allow_takebacks=requested.allow_takebacks,
            takebacks_white_max=requested.takebacks_white if quota else 0,
            takebacks_black_max=requested.takebacks_black if quota else 0,
            takeback_mode="consent" if consent else "unilateral",
        )
        return self._house_rules(settings)

    def _house_rules(self, settings: g.GameSettings) -> g.GameSettings:
        """What this server adds to every game it starts: the first-move timeout."""
        return replace(settings, first_move_timeout_ms=self.first_move_ms)

    async def start_game(self, player: Player, code: str, requested: inbound.StartSettings) -> None:
        game_id = str(uuid.uuid4())
        coin = secrets.randbelow(2) == 0

        def change(room: Room, now: int) -> Transition:
            rules.require_can_start(room, player.user_id)
            settings = self._settings(requested)
            colour = requested.color
            white_id = None if colour is None else rules.white_of(room, player.user_id, colour, coin)
            return rules.start_game(room, player.user_id, settings, game_id, coin, now, self.ttl_ms, white_id=white_id)

        await self._update(code, change)

    async def _play(self, code: str, user_id: str, rule: Callable[..., Transition]) -> None:
        """Run a rule that needs the live board, keeping the board cached on success."""
        board_of: dict[str, chess.Board] = {}

        def change(room: Room, now: int) -> Transition:
            game = room.active_game
            board = self.repository.board(game) if game is not None else chess.Board()
            if game is not None:
                board_of[game.game_id] = board
            return rule(room, board, user_id, now)

        t = await self._update(code, change)
        game = t.room.active_game if t is not None else None
        if game is not None and game.game_id in board_of:
            self.repository.keep_board(game, board_of[game.game_id])

    async def move(self, player: Player, code: str, text: str) -> None:
        await self._play(
            code, player.user_id, lambda room, board, uid, now: rules.move(room, board, uid, text, now, self.ttl_ms)
        )

    async def request_takeback(self, player: Player, code: str) -> None:
        await self._play(
            code,
            player.user_id,
            lambda room, board, uid, now: rules.request_takeback(room, board, uid, now, self.ttl_ms),
        )

    async def accept_takeback(self, player: Player, code: str) -> None:
        await self._play(
            code,
            player.user_id,
            lambda room, board, uid, now: rules.accept_takeback(room, board, uid, now, self.ttl_ms),
        )

    async def _act(self, player: Player, code: str, rule: Rule) -> None:
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

    async def decline_takeback(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.decline_takeback)

    async def offer_rematch(self, player: Player, code: str) -> None:
        """Offer the next game (the last one's settings, colours swapped); either player may."""
        game_id = str(uuid.uuid4())
        await self._act(player, code, lambda room, uid, now, ttl: rules.offer_rematch(room, uid, game_id, now, ttl))

    async def accept_rematch(self, player: Player, code: str) -> None:
        game_id = str(uuid.uuid4())
        await self._act(player, code, lambda room, uid, now, ttl: rules.accept_rematch(room, uid, game_id, now, ttl))

    async def decline_rematch(self, player: Player, code: str) -> None:
        await self._act(player, code, rules.decline_rematch)

    async def say(self, player: Player, code: str, text: str) -> None:
        await self._update(code, lambda room, now: rules.say(room, player.user_id, text, now))

    async def _with_peer(self, player: Player, code: str) -> tuple[Room, Participant]:
        """The open room ``player`` sits in, and the other player seated there.

        :raises errors.NotInRoom: :raises errors.RoomTerminated: :raises errors.WaitingForPlayer:
        """
        room = await self.repository.current(code)
        if room.participant(player.user_id) is None:
            room = await self.repository.fetch(code)
        if room.status in rules.CLOSED:
            raise errors.RoomTerminated()
        if room.participant(player.user_id) is None:
            raise errors.NotInRoom()
        peer = room.opponent_of(player.user_id)
        if peer is None:
            raise errors.WaitingForPlayer()
        return room, peer

    async def signal(self, player: Player, code: str, data: Any) -> None:
        """Relay WebRTC signalling to the other seated player, wherever they are connected."""
        _, peer = await self._with_peer(player, code)
        frame = SignalRelayed(code, player.user_id, data)
        await self.live.publish(code, Envelope(0, ((peer.user_id, frame),)))

    async def refresh_video(self, player: Player, code: str) -> None:
        """Both players get ``video_ready`` again, with fresh TURN credentials, wherever they
        are connected: a call that must reconnect after its credentials ran out, or whose
        browser gathered no candidate, is built again. Nothing in the room changes."""
        room, _ = await self._with_peer(player, code)
        frames = render([VideoReady(None)], room, self.clock.now_ms(), self.video.ready)
        await self.live.publish(code, Envelope(0, tuple(frames)))

    async def resync(self, code: str) -> None:
        """This process's subscription to the room was cut and is back (Redis restarted, or
        the link to it dropped): events published meanwhile never arrived here, so the
        players here get the room as it now stands, as a rejoin does."""
        try:
            room = await self.repository.fetch(code)
        except errors.RoomNotFound:  # it closed and went while the link was down
            await self.hub.resend(code, [(None, RoomClosedFrame(code, None))], 0)
            return
        events: list[Event] = [RoomSnapshot(), DrawOfferState(None)]
        if room.status in rules.CLOSED:
            events.append(RoomClosed(room.closed_reason or "closed"))
        await self.hub.resend(code, render(events, room, self.clock.now_ms(), self.video.ready), room.version)
        log.info("room_resynced", roomCode=code, version=room.version)

    # -- timers (run by every process's workers) -----------------------------------------

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
        room = await self.live.load(code)
        if room is None:
            await self.live.forget_room(code)
        elif room.status in rules.CLOSED:
            await self.finish_teardown(code)
        else:
            await self._timer(code, rules.expire)

    async def finish_teardown(self, code: str) -> None:
        """teardown → terminal (the seed's WATCH/MULTI/EXEC), then the key and its index
        entries go. The video provider releases the room's resources first."""
        room = await self.live.load(code)
        if room is None:
            return
        if room.status == "teardown":
            try:
                await self.video.close(room)
            except Exception:
                log.exception("video_close_failed", roomCode=code)
        closed = await self.repository.close(code)
        if closed is not None:
            for seat in {room.host_user_id, *(p.user_id for p in room.participants)}:
                await self.live.forget_user_room(seat, code)
            log.info("room_terminal", roomCode=code, reason=room.closed_reason)
