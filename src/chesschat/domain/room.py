"""A room: two seats, a sequence of games, reconnect grace, and its lifecycle.

``waiting`` (one seat taken) → ``active`` (both seated; games are played) → ``teardown``
(the room is closing: no one may join; the last game, if any, has been ended and queued)
→ ``terminal`` (set by the store's atomic transition, then the key is deleted).

Every operation takes a room and returns a :class:`Transition` — the new room, the events
to tell the players, and the finished games to record — or raises a
:class:`~chesschat.domain.errors.DomainError`. Operations that may find nothing to do
(a timer that already fired elsewhere) return ``None``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any, Literal

import chess

from chesschat.domain import clock, errors, play
from chesschat.domain import game as g
from chesschat.domain.events import (
    ChatSaid,
    DrawDeclined,
    DrawOfferState,
    Event,
    GameEnded,
    GameStarted,
    MoveMade,
    ParticipantJoined,
    ParticipantLeft,
    ReconnectState,
    RematchDeclined,
    RematchOffered,
    RoomClosed,
    RoomSnapshot,
    TakebackApplied,
    TakebackDeclined,
    TakebackRequested,
    VideoReady,
    VideoUnavailable,
    WatchingChanged,
)
from chesschat.domain.finished import FinishedGame
from chesschat.domain.pgn import write_pgn

RoomStatus = Literal["waiting", "active", "teardown", "terminal"]
ColourAsked = Literal["white", "black", "random"]
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Room codes avoid look-alikes (no I, L, O, 0, 1) so they survive being read aloud."""
CODE_LENGTH = 8


def new_code() -> str:
    """A fresh, unguessable room code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


CLOSED: tuple[RoomStatus, ...] = ("teardown", "terminal")


@dataclass(frozen=True, slots=True)
class Player:
    """Who is acting: an authenticated user."""

    user_id: str
    username: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Participant:
    user_id: str
    username: str
    display_name: str
    connected: bool
    connection_id: str | None
    joined_at_ms: int


@dataclass(frozen=True, slots=True)
class GameSummary:
    game_id: str
    white_id: str
    black_id: str
    winner: str
    result: str
    ended_at_ms: int
    settings: g.GameSettings | None = None
    """How it was played, for a rematch (``None`` in rooms stored before rematches)."""


@dataclass(frozen=True, slots=True)
class Room:
    code: str
    status: RoomStatus
    host_user_id: str
    participants: tuple[Participant, ...]
    created_at_ms: int
    expires_at_ms: int
    version: int = 0
    active_game: g.Game | None = None
    games_played: tuple[GameSummary, ...] = ()
    grace: tuple[tuple[str, int], ...] = ()
    """Seated players who dropped, with the deadline to come back (epoch ms)."""
    reconnect_version: int = 0
    closed_reason: str | None = None
    video: dict[str, Any] | None = None
    """Provider state (e.g. a Chime meeting) kept with the room."""
    rematch_offer_by: str | None = None
    """Who offered the next game, between games, until it is answered."""
    chat: tuple[ChatSaid, ...] = ()
    """The players' latest chat lines, oldest first (kept for the room's life only)."""
    watching: bool = True
    """Whether friends may follow the game read-only through the room's watch link."""
    watch_code: str | None = None
    """The code of the room's watch link: it lets a friend watch and never take a seat,
    and watchers never learn ``code`` (the frames they get name the room by this one)."""

    def participant(self, user_id: str) -> Participant | None:
        for p in self.participants:
            if p.user_id == user_id:
                return p
        return None

    def opponent_of(self, user_id: str) -> Participant | None:
        for p in self.participants:
            if p.user_id != user_id:
                return p
        return None

    def grace_deadline(self, user_id: str) -> int | None:
        for uid, deadline in self.grace:
            if uid == user_id:
                return deadline
        return None

    def earliest_grace(self) -> tuple[str, int] | None:
        return min(self.grace, key=lambda item: item[1]) if self.grace else None

    def names(self) -> dict[str, str]:
        return {p.user_id: p.display_name or p.username for p in self.participants}


@dataclass(frozen=True, slots=True)
class Transition:
    room: Room
    events: tuple[Event, ...] = ()
    finished: tuple[FinishedGame, ...] = ()
    """Games that ended in this transition, to be stored forever."""


def _touch(room: Room, now_ms: int, ttl_ms: int) -> Room:
    return replace(room, expires_at_ms=now_ms + ttl_ms)


def _set_participant(room: Room, updated: Participant) -> Room:
    seats = tuple(updated if p.user_id == updated.user_id else p for p in room.participants)
    return replace(room, participants=seats)


def _without_grace(room: Room, user_id: str) -> Room:
    return replace(room, grace=tuple(item for item in room.grace if item[0] != user_id))


def open_room(
    code: str, player: Player, connection_id: str, now_ms: int, ttl_ms: int, watch_code: str | None = None
) -> Transition:
    """A new room with ``player`` seated as its host (and a watch link, with ``watch_code``)."""
    seat = Participant(player.user_id, player.username, player.display_name, True, connection_id, now_ms)
    room = Room(
        code=code,
        status="waiting",
        host_user_id=player.user_id,
        participants=(seat,),
        created_at_ms=now_ms,
        expires_at_ms=now_ms + ttl_ms,
        watch_code=watch_code,
    )
    return Transition(room, (ParticipantJoined(player.user_id), RoomSnapshot()))


def join(room: Room, player: Player, connection_id: str, now_ms: int, ttl_ms: int) -> Transition:
    """Seat ``player`` (or bring a seated player back).

    :raises errors.RoomTerminated: the room is closing or closed.
    :raises errors.RoomFull: two others are seated.
    :raises errors.ReconnectWindowExpired: a dropped player came back too late.
    """
    if room.status in CLOSED:
        raise errors.RoomTerminated()
    seat = room.participant(player.user_id)
    if seat is None:
        if len(room.participants) >= 2:
            raise errors.RoomFull()
        seat = Participant(player.user_id, player.username, player.display_name, True, connection_id, now_ms)
        room = replace(room, participants=(*room.participants, seat), status="active")
        room = _touch(room, now_ms, ttl_ms)
        return Transition(
            room,
            (ParticipantJoined(player.user_id), RoomSnapshot(), VideoReady(None)),
        )
    deadline = room.grace_deadline(player.user_id)
    if deadline is not None and now_ms >= deadline:
        raise errors.ReconnectWindowExpired()
    seat = replace(
        seat,
        connected=True,
        connection_id=connection_id,
        username=player.username,
        display_name=player.display_name,
    )
    room = _touch(_set_participant(room, seat), now_ms, ttl_ms)
    events: list[Event] = [ParticipantJoined(player.user_id), RoomSnapshot()]
    if room.active_game is not None:
        events.append(DrawOfferState(player.user_id))
    if deadline is not None:
        room = _without_grace(room, player.user_id)
        room = replace(room, reconnect_version=room.reconnect_version + 1)
        if room.active_game is not None and not room.grace:
            room = replace(room, active_game=clock.resume(room.active_game, now_ms))
        events.append(ReconnectState("restored", player.user_id, None))
    if room.status == "active":
        events.append(VideoReady(None if deadline is not None else player.user_id))
    return Transition(room, tuple(events))


CHAT_KEPT = 100
"""Chat lines a room keeps (and a player sees on joining)."""
CHAT_BURST = 5
CHAT_WINDOW_MS = 10_000
"""A player may say at most ``CHAT_BURST`` lines in any ``CHAT_WINDOW_MS``."""


def say(room: Room, user_id: str, text: str, now_ms: int) -> Transition:
    """A seated player's chat line, for both players.

    :raises errors.NotInRoom: not a player of this room.
    :raises errors.ChatTooFast: too many lines just now.
    """
    if room.status in CLOSED:
        raise errors.RoomTerminated()
    if room.participant(user_id) is None:
        raise errors.NotInRoom()
    recent = sum(1 for line in room.chat if line.user_id == user_id and now_ms - line.at_ms < CHAT_WINDOW_MS)
    if recent >= CHAT_BURST:
        raise errors.ChatTooFast(f"At most {CHAT_BURST} chat lines in {CHAT_WINDOW_MS // 1000} seconds.")
    line = ChatSaid(user_id, text, now_ms)
    return Transition(replace(room, chat=(*room.chat, line)[-CHAT_KEPT:]), (line,))


def allow_watching(room: Room, user_id: str, allowed: bool) -> Transition | None:
    """The host lets friends watch, or stops them: every watcher's view then closes.
    ``None`` when it is already so.

    :raises errors.NotHost: only the host decides.
    """
    if room.status in CLOSED:
        raise errors.RoomTerminated()
    if room.participant(user_id) is None:
        raise errors.NotInRoom()
    if user_id != room.host_user_id:
        raise errors.NotHost("only the host decides who may watch")
    if room.watching == allowed:
        return None
    return Transition(replace(room, watching=allowed), (WatchingChanged(allowed),))


def bind_video(room: Room, state: dict[str, Any]) -> Transition | None:
    """Keep the video provider's state for the room (a meeting and its attendees); every
    seated player is then told how to start video. ``None`` once the room is closing."""
    if room.status in CLOSED:
        return None
    return Transition(replace(room, video=state), (VideoReady(None),))


def video_failed(room: Room, reason: str) -> Transition | None:
    """Video cannot start: both players are told why, and play on."""
    if room.status in CLOSED:
        return None
    return Transition(room, (VideoUnavailable(reason),))


def drop(room: Room, user_id: str, connection_id: str, now_ms: int, grace_ms: int) -> Transition | None:
    """The player's connection closed. In a room with two players this starts the grace
    period and pauses the game; a lone host simply shows as away until the room expires.
    Returns ``None`` if that connection no longer holds the seat."""
    seat = room.participant(user_id)
    if seat is None or seat.connection_id != connection_id or not seat.connected:
        return None
    if room.status in CLOSED:
        return None
    room = _set_participant(room, replace(seat, connected=False, connection_id=None))
    if room.status == "waiting":
        return Transition(room, (ParticipantLeft(user_id), RoomSnapshot()))
    return _start_grace(room, user_id, now_ms, grace_ms)


def _start_grace(room: Room, user_id: str, now_ms: int, grace_ms: int) -> Transition:
    finished: tuple[FinishedGame, ...] = ()
    events: list[Event] = [ParticipantLeft(user_id)]
    if room.active_game is not None:
        flagged = clock.flag(room.active_game, now_ms)
        if flagged is not None:
            room, ended_events, finished = _finish(room, flagged)
            events.extend(ended_events)
    deadline = now_ms + grace_ms
    room = replace(
        room,
        grace=(*room.grace, (user_id, deadline)),
        reconnect_version=room.reconnect_version + 1,
        rematch_offer_by=None,
    )
    if room.active_game is not None:
        room = replace(room, active_game=clock.pause(room.active_game, now_ms))
    events.extend([RoomSnapshot(), ReconnectState("paused", user_id, deadline)])
    return Transition(room, tuple(events), finished)


def leave(room: Room, user_id: str, now_ms: int, grace_ms: int) -> Transition:
    """The player leaves on purpose. During a game this is a drop (they may come back
    within the grace); otherwise the room closes."""
    seat = room.participant(user_id)
    if seat is None:
        raise errors.NotInRoom()
    if room.status in CLOSED:
        raise errors.RoomTerminated()
    if room.active_game is not None and room.status == "active":
        if not seat.connected:
            return Transition(room)
        room = _set_participant(room, replace(seat, connected=False, connection_id=None))
        return _start_grace(room, user_id, now_ms, grace_ms)
    room = _set_participant(room, replace(seat, connected=False, connection_id=None))
    return _close(room, "left", (ParticipantLeft(user_id),), ())


def _close(room: Room, reason: str, events: tuple[Event, ...], finished: tuple[FinishedGame, ...]) -> Transition:
    room = replace(room, status="teardown", closed_reason=reason, grace=())
    return Transition(room, (*events, RoomSnapshot(), RoomClosed(reason)), finished)


def _finish(room: Room, ended: g.Game) -> tuple[Room, tuple[Event, ...], tuple[FinishedGame, ...]]:
    """Move an ended game out of the room: it is queued to be recorded, the players are told."""
    assert ended.result is not None and ended.ended_at_ms is not None
    names = room.names()
    pgn_text = write_pgn(ended, names.get(ended.white_id, "White"), names.get(ended.black_id, "Black"))
    finished = FinishedGame.from_game(ended, room.code, pgn_text, names)
    summary = GameSummary(
        ended.game_id,
        ended.white_id,
        ended.black_id,
        finished.winner_id or "draw",
        finished.reason.value,
        ended.ended_at_ms,
        ended.settings,
    )
    room = replace(
        room,
        active_game=None,
        games_played=(*room.games_played, summary),
        reconnect_version=room.reconnect_version + 1,
    )
    return room, (GameEnded(ended, pgn_text),), (finished,)


def _require_seat(room: Room, user_id: str) -> None:
    if room.status in CLOSED:
        raise errors.RoomTerminated()
    if room.participant(user_id) is None:
        raise errors.NotInRoom()


def _require_game(room: Room, user_id: str) -> g.Game:
    _require_seat(room, user_id)
    if room.active_game is None:
        raise errors.NoActiveGame()
    if room.active_game.paused:
        raise errors.GamePaused()
    return room.active_game


def require_can_start(room: Room, user_id: str) -> None:
    """Whether ``user_id`` may start a game now (checked before the settings are read).

    :raises errors.NotHost: only the host starts games.
    :raises errors.WaitingForPlayer: nobody has joined yet.
    :raises errors.GamePaused: the opponent is away.
    """
    _require_seat(room, user_id)
    if user_id != room.host_user_id:
        raise errors.NotHost("only the host starts a game")
    _require_between_games(room)


def _require_between_games(room: Room) -> None:
    """Both players are seated and here, and no game is running."""
    if room.active_game is not None:
        raise errors.GameAlreadyActive()
    if len(room.participants) < 2:
        raise errors.WaitingForPlayer()
    if room.grace or not all(p.connected for p in room.participants):
        raise errors.GamePaused("waiting for your opponent to reconnect")


def start_game(
    room: Room,
    user_id: str,
    settings: g.GameSettings,
    game_id: str,
    host_plays_white_first: bool,
    now_ms: int,
    ttl_ms: int,
    *,
    white_id: str | None = None,
) -> Transition:
    """The host starts the next game. ``white_id``, a seated player, plays white when given
    (a colour asked for); otherwise the first game's colours are the given coin toss and
    after that the colours alternate."""
    require_can_start(room, user_id)
    seated = [p.user_id for p in room.participants]
    if white_id is not None and white_id in seated:
        white = white_id
        black = next(u for u in seated if u != white_id)
    elif room.games_played:
        last = room.games_played[-1]
        white, black = last.black_id, last.white_id
    else:
        host = room.host_user_id
        guest = next(p.user_id for p in room.participants if p.user_id != host)
        white, black = (host, guest) if host_plays_white_first else (guest, host)
    return _begin(room, white, black, settings, game_id, now_ms, ttl_ms)


def white_of(room: Room, user_id: str, colour: ColourAsked, coin: bool) -> str | None:
    """Who plays white when ``user_id`` asks to play ``colour`` (``coin`` decides a random
    one: ``True`` gives them white); ``None`` with nobody to play against."""
    opponent = room.opponent_of(user_id)
    if opponent is None:
        return None
    wants_white = coin if colour == "random" else colour == "white"
    return user_id if wants_white else opponent.user_id


def _begin(
    room: Room, white: str, black: str, settings: g.GameSettings, game_id: str, now_ms: int, ttl_ms: int
) -> Transition:
    game = g.new_game(game_id, white, black, settings, now_ms)
    room = _touch(replace(room, active_game=game, rematch_offer_by=None), now_ms, ttl_ms)
    return Transition(room, (GameStarted(),))


def rematch_of(room: Room) -> tuple[str, str, g.GameSettings] | None:
    """White, black and settings of the game a rematch starts: the last game's settings,
    colours swapped; ``None`` before any game has ended here."""
    last = room.games_played[-1] if room.games_played else None
    if last is None or last.settings is None:
        return None
    return last.black_id, last.white_id, last.settings


def _rematch_of(room: Room) -> tuple[str, str, g.GameSettings]:
    terms = rematch_of(room)
    if terms is None:
        raise errors.RematchNotAvailable()
    return terms


def offer_rematch(room: Room, user_id: str, game_id: str, now_ms: int, ttl_ms: int) -> Transition:
    """Either player offers the next game once one has ended. Offering back when the
    opponent has offered already accepts it.

    :raises errors.RematchNotAvailable: no game has ended in this room yet.
    :raises errors.RematchAlreadyPending: this player's offer waits for an answer.
    """
    _require_seat(room, user_id)
    _require_between_games(room)
    white, black, settings = _rematch_of(room)
    if room.rematch_offer_by == user_id:
        raise errors.RematchAlreadyPending()
    if room.rematch_offer_by is not None:
        return _begin(room, white, black, settings, game_id, now_ms, ttl_ms)
    room = _touch(replace(room, rematch_offer_by=user_id), now_ms, ttl_ms)
    return Transition(room, (RematchOffered(user_id),))


def _require_rematch_from_opponent(room: Room, user_id: str) -> None:
    _require_seat(room, user_id)
    if room.rematch_offer_by is None or room.rematch_offer_by == user_id:
        raise errors.RematchNotPending()


def accept_rematch(room: Room, user_id: str, game_id: str, now_ms: int, ttl_ms: int) -> Transition:
    """Accept the opponent's offer: the next game starts.

    :raises errors.RematchNotPending: the opponent has offered none.
    """
    _require_rematch_from_opponent(room, user_id)
    _require_between_games(room)
    white, black, settings = _rematch_of(room)
    return _begin(room, white, black, settings, game_id, now_ms, ttl_ms)


def decline_rematch(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    _require_rematch_from_opponent(room, user_id)
    room = _touch(replace(room, rematch_offer_by=None), now_ms, ttl_ms)
    return Transition(room, (RematchDeclined(user_id),))


@dataclass(frozen=True, slots=True)
class AgreedGame:
    """A game two players agreed on before sitting down (an accepted challenge): it starts
    by itself once both are seated in the room."""

    agreement_id: str
    white_id: str
    black_id: str
    settings: g.GameSettings


def start_agreed(room: Room, agreed: AgreedGame, game_id: str, now_ms: int, ttl_ms: int) -> Transition | None:
    """Start the agreed game if its two players are seated, connected and between games;
    ``None`` while that is not so (the second player has not arrived yet)."""
    seated = {p.user_id for p in room.participants if p.connected}
    if seated != {agreed.white_id, agreed.black_id} or room.grace or room.active_game is not None:
        return None
    if room.status in CLOSED:
        return None
    return start_game(room, room.host_user_id, agreed.settings, game_id, True, now_ms, ttl_ms, white_id=agreed.white_id)


def _after_game_change(room: Room, updated: g.Game, events: list[Event], now_ms: int, ttl_ms: int) -> Transition:
    room = _touch(room, now_ms, ttl_ms)
    if updated.result is None:
        return Transition(replace(room, active_game=updated), tuple(events))
    room, ended_events, finished = _finish(room, updated)
    return Transition(room, (*events, *ended_events), finished)


def move(room: Room, board: chess.Board, user_id: str, text: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    updated, played = play.apply_move(game, board, user_id, text, now_ms)
    events: list[Event] = [] if played is None else [MoveMade(updated, played)]
    return _after_game_change(room, updated, events, now_ms, ttl_ms)


def resign(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.resign(game, user_id, now_ms), [], now_ms, ttl_ms)


def abort(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.abort(game, user_id, now_ms), [], now_ms, ttl_ms)


def offer_draw(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.offer_draw(game, user_id), [DrawOfferState(None)], now_ms, ttl_ms)


def accept_draw(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.accept_draw(game, user_id, now_ms), [], now_ms, ttl_ms)


def decline_draw(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    events: list[Event] = [DrawDeclined(user_id), DrawOfferState(None)]
    return _after_game_change(room, play.decline_draw(game, user_id), events, now_ms, ttl_ms)


def cancel_draw(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.cancel_draw(game, user_id), [DrawOfferState(None)], now_ms, ttl_ms)


def _unflagged(room: Room, user_id: str, now_ms: int) -> tuple[g.Game, g.Game | None]:
    """The running game, and the game ended on time if a flag has already fallen."""
    game = _require_game(room, user_id)
    return game, clock.flag(game, now_ms)


def request_takeback(room: Room, board: chess.Board, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    """Take back at once (unilateral) or ask the opponent (consent), as the game allows."""
    game, flagged = _unflagged(room, user_id, now_ms)
    if flagged is not None:  # too late: the game already ended on time
        return _after_game_change(room, flagged, [], now_ms, ttl_ms)
    updated = play.request_takeback(game, board, user_id, now_ms)
    asked = game.settings.takeback_mode == "consent"
    event = TakebackRequested(user_id) if asked else TakebackApplied(user_id)
    return _after_game_change(room, updated, [event], now_ms, ttl_ms)


def accept_takeback(room: Room, board: chess.Board, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game, flagged = _unflagged(room, user_id, now_ms)
    if flagged is not None:
        return _after_game_change(room, flagged, [], now_ms, ttl_ms)
    asker = game.takeback_request_by
    updated = play.accept_takeback(game, board, user_id, now_ms)
    assert asker is not None
    return _after_game_change(room, updated, [TakebackApplied(asker)], now_ms, ttl_ms)


def decline_takeback(room: Room, user_id: str, now_ms: int, ttl_ms: int) -> Transition:
    game = _require_game(room, user_id)
    return _after_game_change(room, play.decline_takeback(game, user_id), [TakebackDeclined(user_id)], now_ms, ttl_ms)


def check_flag(room: Room, now_ms: int) -> Transition | None:
    """End the running game on time if the side to move has run out (no move needed)."""
    if room.active_game is None or room.status in CLOSED:
        return None
    flagged = clock.flag(room.active_game, now_ms)
    if flagged is None:
        return None
    room, events, finished = _finish(room, flagged)
    return Transition(room, events, finished)


def expire_grace(room: Room, now_ms: int) -> Transition | None:
    """A dropped player did not come back in time: their game is forfeited (aborted if
    young) and the room closes."""
    if room.status in CLOSED:
        return None
    late = [uid for uid, deadline in room.grace if deadline <= now_ms]
    if not late:
        return None
    events: tuple[Event, ...] = ()
    finished: tuple[FinishedGame, ...] = ()
    if room.active_game is not None:
        ended = play.forfeit(room.active_game, late[0], now_ms)
        room, events, finished = _finish(room, ended)
    return _close(room, "reconnect_expired", events, finished)


def expire(room: Room, now_ms: int) -> Transition | None:
    """The room reached its time to live: a running game ends as ``room_expired``."""
    if room.status in CLOSED or now_ms < room.expires_at_ms:
        return None
    events: tuple[Event, ...] = ()
    finished: tuple[FinishedGame, ...] = ()
    if room.active_game is not None:
        ended = clock.flag(room.active_game, now_ms) or play.expire(room.active_game, now_ms)
        room, events, finished = _finish(room, ended)
    return _close(room, "expired", events, finished)


def next_deadline_ms(room: Room) -> int | None:
    """When a worker must look at this room's game next: a flag, or a first move's deadline."""
    return room.active_game.deadline_ms() if room.active_game else None
