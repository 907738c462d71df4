"""Server → client frames: a closed family, one frozen class per frame, each with its type
tag and its wire form, rendered from domain events and encoded once.

Times on the wire are seconds (floats, millisecond precision); timestamps are epoch ms;
``settings`` keep the original snake_case keys. Every room frame carries ``roomCode``.
A frame holds the domain values it is made from; :meth:`wire` renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, assert_never

import orjson

from chesschat.domain import events as ev
from chesschat.domain.game import Game, GameSettings, MovePlayed, Reason
from chesschat.domain.play import can_take_back
from chesschat.domain.room import Room, rematch_of
from chesschat.protocol.catalogue import error_body

Wire = dict[str, Any]


def seconds(ms: int) -> float:
    return round(ms / 1000, 3)


def settings_out(s: GameSettings) -> Wire:
    return {
        "allow_takebacks": s.allow_takebacks,
        "takebacks_white_max": s.takebacks_white_max,
        "takebacks_black_max": s.takebacks_black_max,
        "initial_time_white": seconds(s.time_white_ms),
        "initial_time_black": seconds(s.time_black_ms),
        "increment_seconds": seconds(s.increment_ms),
        "takeback_mode": s.takeback_mode,
        "first_move_timeout_seconds": seconds(s.first_move_timeout_ms),
    }


def draw_offer(game: Game) -> Wire | None:
    return None if game.draw_offer_by is None else {"offered_by_user_id": game.draw_offer_by}


def _clocks(game: Game, now_ms: int) -> Wire:
    return {
        "turn": game.turn,
        "timeWhite": seconds(game.remaining_ms("white", now_ms)),
        "timeBlack": seconds(game.remaining_ms("black", now_ms)),
        "serverTimestampMs": now_ms,
        "firstMoveDeadlineMs": game.first_move_deadline_ms,
    }


def _position(game: Game) -> Wire:
    return {
        "fen": game.fen,
        "moves": game.moves,
        "moveSans": game.sans,
        "moveFens": game.fens,
        "ply": game.ply,
        "legalMoves": game.legal_moves if game.result is None else (),
        "drawOffer": draw_offer(game),
        "takebacksWhiteUsed": game.takebacks_white_used,
        "takebacksBlackUsed": game.takebacks_black_used,
        "takebackRequestBy": game.takeback_request_by,
        "takebackAllowed": {"white": can_take_back(game, "white"), "black": can_take_back(game, "black")},
    }


def game_state(game: Game, now_ms: int) -> Wire:
    return {
        "gameId": game.game_id,
        "whitePlayerId": game.white_id,
        "blackPlayerId": game.black_id,
        **_position(game),
        **_clocks(game, now_ms),
        "paused": game.paused,
        "settings": settings_out(game.settings),
    }


def participants(room: Room) -> list[Wire]:
    return [
        {
            "userId": p.user_id,
            "username": p.username,
            "displayName": p.display_name,
            "connected": p.connected,
        }
        for p in room.participants
    ]


@dataclass(frozen=True, slots=True)
class RoomJoined:
    """The whole room (and its running game) as it now stands."""

    TYPE: ClassVar[str] = "room_joined"
    room: Room
    now_ms: int

    def wire(self) -> Wire:
        room = self.room
        earliest = room.earliest_grace()
        active: Wire | None = None
        if room.active_game is not None:
            active = {
                **game_state(room.active_game, self.now_ms),
                "disconnectDeadlineMs": earliest[1] if earliest else None,
                "disconnectedUserId": earliest[0] if earliest else None,
                "reconnectVersion": room.reconnect_version,
            }
        last: Wire | None = None
        if room.games_played:
            summary = room.games_played[-1]
            last = {
                "gameId": summary.game_id,
                "whitePlayerId": summary.white_id,
                "blackPlayerId": summary.black_id,
                "winner": summary.winner,
                "result": summary.result,
                "endedAt": summary.ended_at_ms,
            }
        return {
            "type": self.TYPE,
            "roomCode": room.code,
            "hostUserId": room.host_user_id,
            "status": room.status,
            "participants": participants(room),
            "expiresAt": room.expires_at_ms,
            "reconnectVersion": room.reconnect_version,
            "gamesPlayed": len(room.games_played),
            "activeGame": active,
            "lastGame": last,
            "rematchOfferBy": room.rematch_offer_by,
            "chat": [chat_line(line, room.names().get(line.user_id, "")) for line in room.chat],
            "watching": room.watching,
            "watchCode": room.watch_code,
        }


@dataclass(frozen=True, slots=True)
class WatchState:
    """The room as a watcher sees it: the players and their game, not their chat."""

    TYPE: ClassVar[str] = "watch_state"
    room: Room
    now_ms: int

    def wire(self) -> Wire:
        body = RoomJoined(self.room, self.now_ms).wire()
        del body["chat"]
        return {**body, "type": self.TYPE}


@dataclass(frozen=True, slots=True)
class Watchers:
    """How many are watching the room now."""

    TYPE: ClassVar[str] = "watchers"
    room_code: str
    count: int

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "count": self.count}


@dataclass(frozen=True, slots=True)
class WatchingChanged:
    """The host let friends watch the room, or stopped them (``False`` closes every
    watcher's view)."""

    TYPE: ClassVar[str] = "watching_changed"
    room_code: str
    allowed: bool

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "allowed": self.allowed}


@dataclass(frozen=True, slots=True)
class RoomLeft:
    TYPE: ClassVar[str] = "room_left"
    room_code: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code}


@dataclass(frozen=True, slots=True)
class RoomClosed:
    """The room is over; ``reason`` is ``None`` when it went while this process was cut off."""

    TYPE: ClassVar[str] = "room_closed"
    room_code: str
    reason: str | None

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "reason": self.reason}


def _seat_change(tag: str, room: Room, user_id: str) -> Wire:
    return {"type": tag, "roomCode": room.code, "userId": user_id, "participants": participants(room)}


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    TYPE: ClassVar[str] = "participant_joined"
    room: Room
    user_id: str

    def wire(self) -> Wire:
        return _seat_change(self.TYPE, self.room, self.user_id)


@dataclass(frozen=True, slots=True)
class ParticipantLeft:
    TYPE: ClassVar[str] = "participant_left"
    room: Room
    user_id: str

    def wire(self) -> Wire:
        return _seat_change(self.TYPE, self.room, self.user_id)


@dataclass(frozen=True, slots=True)
class ReconnectState:
    TYPE: ClassVar[str] = "reconnect_state"
    room_code: str
    status: Literal["paused", "restored"]
    user_id: str
    grace_ends_at_ms: int | None
    reconnect_version: int

    def wire(self) -> Wire:
        return {
            "type": self.TYPE,
            "roomCode": self.room_code,
            "status": self.status,
            "disconnectedUserId": self.user_id,
            "graceEndsAt": self.grace_ends_at_ms,
            "reconnectVersion": self.reconnect_version,
        }


@dataclass(frozen=True, slots=True)
class GameStarted:
    TYPE: ClassVar[str] = "game_started"
    room_code: str
    game: Game
    now_ms: int

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, **game_state(self.game, self.now_ms)}


@dataclass(frozen=True, slots=True)
class MoveMade:
    TYPE: ClassVar[str] = "move_made"
    room_code: str
    game: Game
    played: MovePlayed
    now_ms: int

    def wire(self) -> Wire:
        played = self.played
        return {
            "type": self.TYPE,
            "roomCode": self.room_code,
            "gameId": self.game.game_id,
            "move": played.uci,
            "moveSan": played.san,
            "moveType": played.move_type,
            "isCheck": played.is_check,
            **_position(self.game),
            **_clocks(self.game, self.now_ms),
        }


@dataclass(frozen=True, slots=True)
class TakebackApplied:
    TYPE: ClassVar[str] = "takeback_applied"
    room_code: str
    by_user_id: str
    game: Game
    now_ms: int

    def wire(self) -> Wire:
        state = game_state(self.game, self.now_ms)
        return {"type": self.TYPE, "roomCode": self.room_code, "byUserId": self.by_user_id, **state}


def _draw_state(tag: str, room_code: str, game: Game | None) -> Wire:
    offer = None if game is None else draw_offer(game)
    frame: Wire = {"type": tag, "roomCode": room_code, "drawOffer": offer}
    if offer is not None:
        frame["offeredByUserId"] = offer["offered_by_user_id"]
    return frame


@dataclass(frozen=True, slots=True)
class DrawOfferPending:
    """A draw has just been offered (to everyone in the room)."""

    TYPE: ClassVar[str] = "draw_offer_pending"
    room_code: str
    game: Game | None

    def wire(self) -> Wire:
        return _draw_state(self.TYPE, self.room_code, self.game)


@dataclass(frozen=True, slots=True)
class DrawOfferState:
    """Where the draw offer stands (after an answer, or for a joiner)."""

    TYPE: ClassVar[str] = "draw_offer_state"
    room_code: str
    game: Game | None

    def wire(self) -> Wire:
        return _draw_state(self.TYPE, self.room_code, self.game)


@dataclass(frozen=True, slots=True)
class _ByPlayer:
    """A player asked or answered something in the running game: one wire form for all."""

    TYPE: ClassVar[str]
    room_code: str
    game_id: str
    by_user_id: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "gameId": self.game_id, "byUserId": self.by_user_id}


@dataclass(frozen=True, slots=True)
class DrawDeclined(_ByPlayer):
    """The opponent declined the draw offer (+): the offerer learns it was declined."""

    TYPE: ClassVar[str] = "draw_declined"


@dataclass(frozen=True, slots=True)
class TakebackRequested(_ByPlayer):
    """A takeback asked of the opponent (+), in a game whose takebacks need consent."""

    TYPE: ClassVar[str] = "takeback_requested"


@dataclass(frozen=True, slots=True)
class TakebackDeclined(_ByPlayer):
    """The opponent refused the takeback request (+)."""

    TYPE: ClassVar[str] = "takeback_declined"


@dataclass(frozen=True, slots=True)
class RematchOffered:
    """A player offers the next game (+): who would play which colour, and how."""

    TYPE: ClassVar[str] = "rematch_offered"
    room_code: str
    by_user_id: str
    white_id: str
    black_id: str
    settings: GameSettings

    def wire(self) -> Wire:
        return {
            "type": self.TYPE,
            "roomCode": self.room_code,
            "byUserId": self.by_user_id,
            "whitePlayerId": self.white_id,
            "blackPlayerId": self.black_id,
            "settings": settings_out(self.settings),
        }


@dataclass(frozen=True, slots=True)
class RematchDeclined:
    """The opponent declined the rematch (+)."""

    TYPE: ClassVar[str] = "rematch_declined"
    room_code: str
    by_user_id: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "byUserId": self.by_user_id}


@dataclass(frozen=True, slots=True)
class DrawAccepted:
    TYPE: ClassVar[str] = "draw_accepted"
    room_code: str
    game_id: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "gameId": self.game_id}


@dataclass(frozen=True, slots=True)
class GameEnded:
    TYPE: ClassVar[str] = "game_ended"
    room_code: str
    game: Game
    pgn: str
    reconnect_version: int

    def wire(self) -> Wire:
        game = self.game
        assert game.result is not None
        return {
            "type": self.TYPE,
            "roomCode": self.room_code,
            "gameId": game.game_id,
            "winner": game.winner_id() or "draw",
            "result": game.result.reason.value,
            "outcome": game.result.outcome,
            "pgn": self.pgn,
            "timeWhite": seconds(game.time_white_ms),
            "timeBlack": seconds(game.time_black_ms),
            "moves": game.moves,
            "moveSans": game.sans,
            "reconnectVersion": self.reconnect_version,
        }


@dataclass(frozen=True, slots=True)
class VideoReady:
    """What one player needs to start video with the other: ICE servers for a
    browser-to-browser call (``webrtc``), or the Chime meeting and the player's attendee
    (``chime``, as the original sends them)."""

    TYPE: ClassVar[str] = "video_ready"
    room_code: str
    provider: str
    ice_servers: tuple[Wire, ...]
    polite: bool
    peer_user_id: str | None
    meeting_data: Wire | None = None
    attendee_data: Wire | None = None
    ice_transport_policy: str | None = None
    credentials_expire_at_ms: int | None = None
    """When the TURN credentials in ``ice_servers`` stop opening relays (epoch ms)."""

    def wire(self) -> Wire:
        wire: Wire = {
            "type": self.TYPE,
            "roomCode": self.room_code,
            "provider": self.provider,
            "iceServers": self.ice_servers,
            "polite": self.polite,
            "peerUserId": self.peer_user_id,
        }
        if self.ice_transport_policy is not None:
            wire["iceTransportPolicy"] = self.ice_transport_policy
        if self.credentials_expire_at_ms is not None:
            wire["credentialsExpireAt"] = self.credentials_expire_at_ms
        if self.meeting_data is not None:
            wire["meetingData"] = self.meeting_data
            wire["attendeeData"] = self.attendee_data
        return wire


@dataclass(frozen=True, slots=True)
class ChatMessage:
    TYPE: ClassVar[str] = "chat"
    room_code: str
    line: ev.ChatSaid
    username: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, **chat_line(self.line, self.username)}


def chat_line(line: ev.ChatSaid, username: str) -> Wire:
    return {"from": line.user_id, "username": username, "text": line.text, "at": line.at_ms}


@dataclass(frozen=True, slots=True)
class VideoUnavailable:
    TYPE: ClassVar[str] = "video_unavailable"
    room_code: str
    reason: str

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class SignalRelayed:
    """WebRTC signalling from the other seated player, relayed as they sent it."""

    TYPE: ClassVar[str] = "signal"
    room_code: str
    from_user_id: str
    data: Any

    def wire(self) -> Wire:
        return {"type": self.TYPE, "roomCode": self.room_code, "from": self.from_user_id, "data": self.data}


@dataclass(frozen=True, slots=True)
class HeartbeatAck:
    TYPE: ClassVar[str] = "heartbeat_ack"
    server_timestamp_ms: int

    def wire(self) -> Wire:
        return {"type": self.TYPE, "serverTimestampMs": self.server_timestamp_ms}


@dataclass(frozen=True, slots=True)
class Notification:
    """A notification just stored for this user (+), in the fields ``GET /api/notifications``
    lists it with; not bound to a room."""

    TYPE: ClassVar[str] = "notification"
    notification: Wire

    def wire(self) -> Wire:
        return {"type": self.TYPE, "notification": self.notification}


@dataclass(frozen=True, slots=True)
class ChallengeAccepted:
    """To the challenger (+): their friend accepted, and the game waits in their pair room."""

    TYPE: ClassVar[str] = "challenge_accepted"
    challenge_id: str
    room_code: str
    by_user_id: str
    by_username: str

    def wire(self) -> Wire:
        return {
            "type": self.TYPE,
            "challengeId": self.challenge_id,
            "roomCode": self.room_code,
            "by": {"userId": self.by_user_id, "username": self.by_username},
        }


@dataclass(frozen=True, slots=True)
class Error:
    """A refusal, with the catalogue's message and retryable flag unless told otherwise."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str | None = None
    context: Any = None

    def wire(self) -> Wire:
        return {"type": self.TYPE, **error_body(self.code, self.message, self.context)}


ServerFrame = (
    RoomJoined
    | RoomLeft
    | RoomClosed
    | ParticipantJoined
    | ParticipantLeft
    | ReconnectState
    | GameStarted
    | MoveMade
    | TakebackApplied
    | TakebackRequested
    | TakebackDeclined
    | DrawOfferPending
    | DrawOfferState
    | DrawDeclined
    | DrawAccepted
    | RematchOffered
    | RematchDeclined
    | GameEnded
    | VideoReady
    | VideoUnavailable
    | ChatMessage
    | WatchState
    | Watchers
    | WatchingChanged
    | SignalRelayed
    | HeartbeatAck
    | Notification
    | ChallengeAccepted
    | Error
)
SERVER_FRAMES: tuple[type[ServerFrame], ...] = (
    RoomJoined,
    RoomLeft,
    RoomClosed,
    ParticipantJoined,
    ParticipantLeft,
    ReconnectState,
    GameStarted,
    MoveMade,
    TakebackApplied,
    TakebackRequested,
    TakebackDeclined,
    DrawOfferPending,
    DrawOfferState,
    DrawDeclined,
    DrawAccepted,
    RematchOffered,
    RematchDeclined,
    GameEnded,
    VideoReady,
    VideoUnavailable,
    ChatMessage,
    WatchState,
    Watchers,
    WatchingChanged,
    SignalRelayed,
    HeartbeatAck,
    Notification,
    ChallengeAccepted,
    Error,
)
SERVER_TAGS = tuple(frame.TYPE for frame in SERVER_FRAMES)
"""Every tag the server sends: the list the browser client mirrors."""

Addressed = tuple[str | None, ServerFrame]
"""A frame and who gets it: a user id (their seated sockets), ``None`` for everyone in the
room (its watchers too), :data:`PLAYERS` or :data:`WATCHERS`."""
PLAYERS = "+"
"""The room's seated players only: what watchers never see (the players' chat)."""
WATCHERS = "~"
"""The room's watchers only."""


def encode(frame: ServerFrame) -> str:
    return orjson.dumps(frame.wire()).decode()


def render(
    events: Iterable[ev.Event],
    room: Room,
    now_ms: int,
    video: Callable[[Room, str], VideoReady | None],
) -> list[Addressed]:
    """Turn a transition's events into addressed frames, in order."""
    out: list[Addressed] = []
    code = room.code
    for event in events:
        match event:
            case ev.ParticipantJoined(user_id):
                out.append((None, ParticipantJoined(room, user_id)))
            case ev.ParticipantLeft(user_id):
                out.append((None, ParticipantLeft(room, user_id)))
            case ev.RoomSnapshot(to):
                if to is None:
                    out.append((PLAYERS, RoomJoined(room, now_ms)))
                    out.append((WATCHERS, WatchState(room, now_ms)))
                else:
                    out.append((to, RoomJoined(room, now_ms)))
            case ev.DrawOfferState(to):
                game = room.active_game
                if to is None and game is not None and game.draw_offer_by:
                    out.append((to, DrawOfferPending(code, game)))
                else:
                    out.append((to, DrawOfferState(code, game)))
            case ev.DrawDeclined(by):
                assert room.active_game is not None
                out.append((None, DrawDeclined(code, room.active_game.game_id, by)))
            case ev.ReconnectState(status, user_id, grace_ends_at_ms):
                out.append((None, ReconnectState(code, status, user_id, grace_ends_at_ms, room.reconnect_version)))
            case ev.VideoReady(to):
                targets = [to] if to is not None else [p.user_id for p in room.participants]
                ready = ((uid, video(room, uid)) for uid in targets)
                out.extend((uid, frame) for uid, frame in ready if frame is not None)
            case ev.VideoUnavailable(reason):
                out.append((PLAYERS, VideoUnavailable(code, reason)))
            case ev.WatchingChanged(allowed):
                out.append((None, WatchingChanged(code, allowed)))
            case ev.ChatSaid() as line:
                out.append((PLAYERS, ChatMessage(code, line, room.names().get(line.user_id, ""))))
            case ev.GameStarted():
                assert room.active_game is not None
                out.append((None, GameStarted(code, room.active_game, now_ms)))
            case ev.MoveMade(game, played):
                out.append((None, MoveMade(code, game, played, now_ms)))
            case ev.TakebackApplied(by):
                assert room.active_game is not None
                out.append((None, TakebackApplied(code, by, room.active_game, now_ms)))
            case ev.TakebackRequested(by):
                assert room.active_game is not None
                out.append((None, TakebackRequested(code, room.active_game.game_id, by)))
            case ev.TakebackDeclined(by):
                assert room.active_game is not None
                out.append((None, TakebackDeclined(code, room.active_game.game_id, by)))
            case ev.RematchOffered(by):
                terms = rematch_of(room)
                assert terms is not None
                out.append((None, RematchOffered(code, by, *terms)))
            case ev.RematchDeclined(by):
                out.append((None, RematchDeclined(code, by)))
            case ev.GameEnded(game, pgn):
                assert game.result is not None
                if game.result.reason is Reason.DRAW_AGREED:
                    out.append((None, DrawAccepted(code, game.game_id)))
                out.append((None, GameEnded(code, game, pgn, room.reconnect_version)))
            case ev.RoomClosed(reason):
                out.append((None, RoomClosed(code, reason)))
            case _:
                assert_never(event)
    return out
