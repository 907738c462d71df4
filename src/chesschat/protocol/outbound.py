"""Server → client frames, rendered from domain events and encoded once.

Times on the wire are seconds (floats, millisecond precision); timestamps are epoch ms;
``settings`` keep the original snake_case keys. Every room frame carries ``roomCode``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from chesschat.domain import events as ev
from chesschat.domain.game import Game, GameSettings, Reason
from chesschat.domain.room import Room

SERVER_TAGS = (
    "room_joined",
    "room_left",
    "room_closed",
    "participant_joined",
    "participant_left",
    "reconnect_state",
    "game_started",
    "move_made",
    "takeback_applied",
    "draw_offer_pending",
    "draw_offer_state",
    "draw_accepted",
    "game_ended",
    "video_ready",
    "video_unavailable",
    "signal",
    "heartbeat_ack",
    "error",
)

Frame = dict[str, Any]
Addressed = tuple[str | None, Frame]
"""A frame and who gets it: a user id, or ``None`` for everyone in the room."""


def encode(frame: Frame) -> str:
    return orjson.dumps(frame).decode()


def seconds(ms: int) -> float:
    return round(ms / 1000, 3)


def settings_out(s: GameSettings) -> Frame:
    return {
        "allow_takebacks": s.allow_takebacks,
        "takebacks_white_max": s.takebacks_white_max,
        "takebacks_black_max": s.takebacks_black_max,
        "initial_time_white": seconds(s.time_white_ms),
        "initial_time_black": seconds(s.time_black_ms),
        "increment_seconds": seconds(s.increment_ms),
    }


def draw_offer(game: Game) -> Frame | None:
    return None if game.draw_offer_by is None else {"offered_by_user_id": game.draw_offer_by}


def _clocks(game: Game, now_ms: int) -> Frame:
    return {
        "turn": game.turn,
        "timeWhite": seconds(game.remaining_ms("white", now_ms)),
        "timeBlack": seconds(game.remaining_ms("black", now_ms)),
        "serverTimestampMs": now_ms,
    }


def _position(game: Game) -> Frame:
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
    }


def game_state(game: Game, now_ms: int) -> Frame:
    return {
        "gameId": game.game_id,
        "whitePlayerId": game.white_id,
        "blackPlayerId": game.black_id,
        **_position(game),
        **_clocks(game, now_ms),
        "paused": game.paused,
        "settings": settings_out(game.settings),
    }


def participants(room: Room) -> list[Frame]:
    return [
        {
            "userId": p.user_id,
            "username": p.username,
            "displayName": p.display_name,
            "connected": p.connected,
        }
        for p in room.participants
    ]


def room_joined(room: Room, now_ms: int) -> Frame:
    earliest = room.earliest_grace()
    active: Frame | None = None
    if room.active_game is not None:
        active = {
            **game_state(room.active_game, now_ms),
            "disconnectDeadlineMs": earliest[1] if earliest else None,
            "disconnectedUserId": earliest[0] if earliest else None,
            "reconnectVersion": room.reconnect_version,
        }
    last: Frame | None = None
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
        "type": "room_joined",
        "roomCode": room.code,
        "hostUserId": room.host_user_id,
        "status": room.status,
        "participants": participants(room),
        "expiresAt": room.expires_at_ms,
        "reconnectVersion": room.reconnect_version,
        "gamesPlayed": len(room.games_played),
        "activeGame": active,
        "lastGame": last,
    }


def _draw_state(room: Room, tag: str) -> Frame:
    game = room.active_game
    offer = None if game is None else draw_offer(game)
    frame: Frame = {"type": tag, "roomCode": room.code, "drawOffer": offer}
    if offer is not None:
        frame["offeredByUserId"] = offer["offered_by_user_id"]
    return frame


def _game_ended(room: Room, event: ev.GameEnded) -> list[Addressed]:
    game = event.game
    assert game.result is not None
    frames: list[Addressed] = []
    if game.result.reason is Reason.DRAW_AGREED:
        frames.append((None, {"type": "draw_accepted", "roomCode": room.code, "gameId": game.game_id}))
    frames.append(
        (
            None,
            {
                "type": "game_ended",
                "roomCode": room.code,
                "gameId": game.game_id,
                "winner": game.winner_id() or "draw",
                "result": game.result.reason.value,
                "outcome": game.result.outcome,
                "pgn": event.pgn,
                "timeWhite": seconds(game.time_white_ms),
                "timeBlack": seconds(game.time_black_ms),
                "moves": game.moves,
                "moveSans": game.sans,
                "reconnectVersion": room.reconnect_version,
            },
        )
    )
    return frames


def render(
    events: Iterable[ev.Event],
    room: Room,
    now_ms: int,
    video: Callable[[Room, str], Frame],
) -> list[Addressed]:
    """Turn a transition's events into addressed frames, in order."""
    out: list[Addressed] = []
    for event in events:
        match event:
            case ev.ParticipantJoined(user_id) | ev.ParticipantLeft(user_id):
                tag = "participant_joined" if isinstance(event, ev.ParticipantJoined) else "participant_left"
                seats = participants(room)
                out.append((None, {"type": tag, "roomCode": room.code, "userId": user_id, "participants": seats}))
            case ev.RoomSnapshot(to):
                out.append((to, room_joined(room, now_ms)))
            case ev.DrawOfferState(to):
                pending = to is None and room.active_game is not None and room.active_game.draw_offer_by
                out.append((to, _draw_state(room, "draw_offer_pending" if pending else "draw_offer_state")))
            case ev.ReconnectState(status, user_id, grace_ends_at_ms):
                reconnect: Frame = {
                    "type": "reconnect_state",
                    "roomCode": room.code,
                    "status": status,
                    "disconnectedUserId": user_id,
                    "graceEndsAt": grace_ends_at_ms,
                    "reconnectVersion": room.reconnect_version,
                }
                out.append((None, reconnect))
            case ev.VideoReady(to):
                targets = [to] if to is not None else [p.user_id for p in room.participants]
                out.extend((uid, video(room, uid)) for uid in targets)
            case ev.GameStarted():
                assert room.active_game is not None
                state = game_state(room.active_game, now_ms)
                out.append((None, {"type": "game_started", "roomCode": room.code, **state}))
            case ev.MoveMade(game, played):
                made: Frame = {
                    "type": "move_made",
                    "roomCode": room.code,
                    "gameId": game.game_id,
                    "move": played.uci,
                    "moveSan": played.san,
                    "moveType": played.move_type,
                    "isCheck": played.is_check,
                    **_position(game),
                    **_clocks(game, now_ms),
                }
                out.append((None, made))
            case ev.TakebackApplied(by):
                assert room.active_game is not None
                state = game_state(room.active_game, now_ms)
                out.append((None, {"type": "takeback_applied", "roomCode": room.code, "byUserId": by, **state}))
            case ev.GameEnded():
                out.extend(_game_ended(room, event))
            case ev.RoomClosed(reason):
                out.append((None, {"type": "room_closed", "roomCode": room.code, "reason": reason}))
    return out
