"""Rooms as this process sees them: a cache in front of the live store, and the optimistic
write every room command goes through.

Every change is optimistic: read the room (this process's cached copy when it has one),
apply a pure domain rule, and write it back only if nobody else changed it meanwhile; on a
conflict the store hands back the current room and the rule is applied again. A refusal
computed from a cached copy is re-checked against the stored room before it is sent, so a
stale cache can cost a retry but never a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import chess

from chesschat.domain import errors
from chesschat.domain import room as rules
from chesschat.domain.game import Game, board_of
from chesschat.domain.room import Room, Transition
from chesschat.protocol.outbound import render
from chesschat.services.hub import Envelope
from chesschat.services.ports import Clock, Deadline, LiveStore, Outbox, RoomDeadlines, RoomGone, Video

CACHE_LIMIT = 20_000
Change = Callable[[Room, int], Transition | None]


class UpdateConflict(errors.DomainError):
    code = "ROOM_UPDATE_CONFLICT"


def deadlines_of(room: Room, now_ms: int) -> RoomDeadlines:
    """When the room's timers are due: a closing room expires at once."""
    earliest = room.earliest_grace()
    clock = rules.next_deadline_ms(room)
    return RoomDeadlines(
        expiry_s=(now_ms if room.status in rules.CLOSED else room.expires_at_ms) / 1000,
        grace_s=None if earliest is None else earliest[1] / 1000,
        clock_s=None if clock is None else clock / 1000,
    )


class RoomRepository:
    def __init__(self, live: LiveStore, video: Video, clock: Clock, attempts: int) -> None:
        self.live = live
        self.video = video
        self.clock = clock
        self.attempts = attempts
        self._rooms: dict[str, Room] = {}
        self._boards: dict[str, tuple[tuple[str, ...], chess.Board]] = {}
        # Told of each deadline this process writes (epoch seconds).
        self.on_deadline: Callable[[Deadline, float], None] | None = None

    # -- the cache --------------------------------------------------------------------

    def cached(self, code: str) -> Room | None:
        return self._rooms.get(code)

    def _remember(self, room: Room) -> None:
        self._rooms.pop(room.code, None)
        if len(self._rooms) >= CACHE_LIMIT:
            self._rooms.pop(next(iter(self._rooms)))
        self._rooms[room.code] = room

    def saw(self, code: str, version: int) -> None:
        """Another process wrote this room: our copy is stale, so the next command reads
        the stored room (one GET) instead of computing on the stale one and losing the
        compare-and-set."""
        room = self._rooms.get(code)
        if room is not None and room.version < version:
            del self._rooms[code]

    def forget(self, code: str) -> None:
        room = self._rooms.pop(code, None)
        if room is not None and room.active_game is not None:
            self._boards.pop(room.active_game.game_id, None)

    async def fetch(self, code: str) -> Room:
        """The stored room. :raises RoomNotFound:"""
        room = await self.live.load(code)
        if room is None:
            self.forget(code)
            raise errors.RoomNotFound()
        self._remember(room)
        return room

    async def current(self, code: str) -> Room:
        """The cached room, else the stored one."""
        return self._rooms.get(code) or await self.fetch(code)

    # -- live boards --------------------------------------------------------------------

    def board(self, game: Game) -> chess.Board:
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
        return board_of(game)

    def keep_board(self, game: Game, board: chess.Board) -> None:
        self._boards[game.game_id] = (game.moves, board)
        if len(self._boards) > CACHE_LIMIT:
            self._boards.pop(next(iter(self._boards)))

    # -- writes -------------------------------------------------------------------------

    def outbox(self, room: Room, transition: Transition, now_ms: int) -> Outbox:
        """Everything that leaves with the write: deadlines, finished games, the frames."""
        frames = render(transition.events, room, now_ms, self.video.ready)
        return Outbox(
            deadlines=deadlines_of(room, now_ms),
            finished=tuple(transition.finished),
            envelope=Envelope(room.version, tuple(frames)) if frames else None,
            at_ms=now_ms,
        )

    async def _commit(self, expected: int | None, room: Room, t: Transition, now: int) -> Room | None:
        """Write; returns the current room on a conflict, ``None`` on success."""
        outbox = self.outbox(room, t, now)
        try:
            current = await self.live.save(room, expected, outbox)
        except RoomGone:
            self.forget(room.code)
            raise errors.RoomNotFound() from None
        if current is None:
            self._remember(room)
            self._nudge(outbox.deadlines)
            return None
        self._remember(current)
        return current

    def _nudge(self, deadlines: RoomDeadlines) -> None:
        if self.on_deadline is None:
            return
        for deadline, at_s in ((Deadline.CLOCK, deadlines.clock_s), (Deadline.GRACE, deadlines.grace_s)):
            if at_s is not None:
                self.on_deadline(deadline, at_s)
        self.on_deadline(Deadline.EXPIRY, deadlines.expiry_s)

    async def update(self, code: str, change: Change, *, fresh: bool = False) -> Transition | None:
        """Apply ``change`` and write the result, retrying on conflicts. Returns the
        written transition (its room at its new version), or ``None`` if the change had
        nothing to do. :raises DomainError: the rule's refusal, checked on the stored room."""
        cached = None if fresh else self._rooms.get(code)
        room = cached if cached is not None else await self.fetch(code)
        checked = cached is None
        for _ in range(self.attempts):
            now = self.clock.now_ms()
            try:
                transition = change(room, now)
            except errors.DomainError:
                if checked:
                    raise
                room, checked = await self.fetch(code), True
                continue
            if transition is None:
                if checked:
                    return None
                room, checked = await self.fetch(code), True
                continue
            updated = replace(transition.room, version=room.version + 1)
            current = await self._commit(room.version, updated, transition, now)
            if current is None:
                return replace(transition, room=updated)
            room, checked = current, True
        raise UpdateConflict()

    async def create(self, transition: Transition) -> Transition:
        """Write a room that must not exist yet. :raises RoomFull: the code is taken."""
        room = replace(transition.room, version=1)
        current = await self._commit(None, room, transition, self.clock.now_ms())
        if current is not None:
            raise errors.RoomFull("code already in use")
        return replace(transition, room=room)

    async def close(self, code: str) -> Room | None:
        """The terminal transition (teardown → terminal), then the room and its deadlines
        go. Returns the room as it was closed, or ``None`` if it was not closing."""

        def mark(stored: Room) -> Room | None:
            if stored.status != "teardown":
                return None
            return replace(stored, status="terminal", version=stored.version + 1)

        await self.live.make_terminal(code, mark)
        stored = await self.live.load(code)
        self.forget(code)
        if stored is None or stored.status != "terminal":
            return None
        await self.live.delete_room(code)
        return stored
