"""Rooms and games to and from plain dicts (the JSON kept under ``room:{code}``).

``v`` (the room's version) is always the first key, so the store can compare versions
without decoding the document.
"""

from __future__ import annotations

from typing import Any

from chesschat.domain.events import ChatSaid
from chesschat.domain.game import Game, GameSettings, Reason, Result
from chesschat.domain.review import Ply, Review
from chesschat.domain.room import AgreedGame, GameSummary, Participant, Room


def settings_to_dict(s: GameSettings) -> dict[str, Any]:
    return {
        "time_white_ms": s.time_white_ms,
        "time_black_ms": s.time_black_ms,
        "increment_ms": s.increment_ms,
        "allow_takebacks": s.allow_takebacks,
        "takebacks_white_max": s.takebacks_white_max,
        "takebacks_black_max": s.takebacks_black_max,
        "takeback_mode": s.takeback_mode,
        "first_move_timeout_ms": s.first_move_timeout_ms,
    }


def settings_from_dict(d: dict[str, Any]) -> GameSettings:
    """Settings as stored; those stored before a setting existed get its default."""
    return GameSettings(**d)


def game_to_dict(game: Game) -> dict[str, Any]:
    return {
        "game_id": game.game_id,
        "white_player_id": game.white_id,
        "black_player_id": game.black_id,
        "settings": settings_to_dict(game.settings),
        "started_at_ms": game.started_at_ms,
        "moves": game.moves,
        "move_sans": game.sans,
        "move_fens": game.fens,
        "time_white_ms": game.time_white_ms,
        "time_black_ms": game.time_black_ms,
        "clock_started_at_ms": game.clock_started_at_ms,
        "draw_offer_by": game.draw_offer_by,
        "takebacks_white_used": game.takebacks_white_used,
        "takebacks_black_used": game.takebacks_black_used,
        "legal_moves": game.legal_moves,
        "result": None if game.result is None else [game.result.reason.value, game.result.winner],
        "ended_at_ms": game.ended_at_ms,
        "first_move_deadline_ms": game.first_move_deadline_ms,
        "takeback_request_by": game.takeback_request_by,
        "move_clocks": game.clocks,
    }


def game_from_dict(d: dict[str, Any]) -> Game:
    result = d.get("result")
    return Game(
        game_id=d["game_id"],
        white_id=d["white_player_id"],
        black_id=d["black_player_id"],
        settings=settings_from_dict(d["settings"]),
        started_at_ms=d["started_at_ms"],
        moves=tuple(d["moves"]),
        sans=tuple(d["move_sans"]),
        fens=tuple(d["move_fens"]),
        time_white_ms=d["time_white_ms"],
        time_black_ms=d["time_black_ms"],
        clock_started_at_ms=d["clock_started_at_ms"],
        draw_offer_by=d.get("draw_offer_by"),
        takebacks_white_used=d.get("takebacks_white_used", 0),
        takebacks_black_used=d.get("takebacks_black_used", 0),
        legal_moves=tuple(d.get("legal_moves", ())),
        result=None if result is None else Result(Reason(result[0]), result[1]),
        ended_at_ms=d.get("ended_at_ms"),
        first_move_deadline_ms=d.get("first_move_deadline_ms"),
        takeback_request_by=d.get("takeback_request_by"),
        clocks=tuple(d.get("move_clocks", ())),
    )


def agreed_to_dict(agreed: AgreedGame) -> dict[str, Any]:
    return {
        "agreement_id": agreed.agreement_id,
        "white_player_id": agreed.white_id,
        "black_player_id": agreed.black_id,
        "settings": settings_to_dict(agreed.settings),
    }


def agreed_from_dict(d: dict[str, Any]) -> AgreedGame:
    return AgreedGame(d["agreement_id"], d["white_player_id"], d["black_player_id"], settings_from_dict(d["settings"]))


def room_to_dict(room: Room) -> dict[str, Any]:
    return {
        "v": room.version,
        "room_code": room.code,
        "status": room.status,
        "host_user_id": room.host_user_id,
        "participants": [
            {
                "user_id": p.user_id,
                "username": p.username,
                "display_name": p.display_name,
                "connected": p.connected,
                "connection_id": p.connection_id,
                "joined_at_ms": p.joined_at_ms,
            }
            for p in room.participants
        ],
        "created_at_ms": room.created_at_ms,
        "expires_at_ms": room.expires_at_ms,
        "active_game": None if room.active_game is None else game_to_dict(room.active_game),
        "games_played": [
            {
                "game_id": s.game_id,
                "white_player_id": s.white_id,
                "black_player_id": s.black_id,
                "winner": s.winner,
                "result": s.result,
                "ended_at_ms": s.ended_at_ms,
                "settings": None if s.settings is None else settings_to_dict(s.settings),
            }
            for s in room.games_played
        ],
        "grace": [list(item) for item in room.grace],
        "reconnect_version": room.reconnect_version,
        "closed_reason": room.closed_reason,
        "chime_meeting_id": (room.video or {}).get("meeting_id"),
        "chime_meeting_data": (room.video or {}).get("meeting"),
        "video": room.video,
        "rematch_offer_by": room.rematch_offer_by,
        "chat": [[line.user_id, line.text, line.at_ms] for line in room.chat],
        "watching": room.watching,
        "watch_code": room.watch_code,
    }


def room_from_dict(d: dict[str, Any]) -> Room:
    game = d.get("active_game")
    return Room(
        code=d["room_code"],
        status=d["status"],
        host_user_id=d["host_user_id"],
        participants=tuple(Participant(**p) for p in d["participants"]),
        created_at_ms=d["created_at_ms"],
        expires_at_ms=d["expires_at_ms"],
        version=d["v"],
        active_game=None if game is None else game_from_dict(game),
        games_played=tuple(
            GameSummary(
                s["game_id"],
                s["white_player_id"],
                s["black_player_id"],
                s["winner"],
                s["result"],
                s["ended_at_ms"],
                None if s.get("settings") is None else settings_from_dict(s["settings"]),
            )
            for s in d.get("games_played", ())
        ),
        grace=tuple((uid, int(deadline)) for uid, deadline in d.get("grace", ())),
        reconnect_version=d.get("reconnect_version", 0),
        closed_reason=d.get("closed_reason"),
        video=d.get("video"),
        rematch_offer_by=d.get("rematch_offer_by"),
        chat=tuple(ChatSaid(uid, text, int(at)) for uid, text, at in d.get("chat", ())),
        watching=d.get("watching", True),
        watch_code=d.get("watch_code"),
    )


def review_to_dict(review: Review) -> dict[str, Any]:
    """The review as the API and the stores write it."""
    return {
        "plies": [
            {"ply": p.ply, "san": p.san, "cp": p.cp, "mate": p.mate, "best": p.best, "judgement": p.judgement}
            for p in review.plies
        ],
        "accuracy": {"white": review.accuracy_white, "black": review.accuracy_black},
    }


def review_from_dict(d: dict[str, Any]) -> Review:
    plies = tuple(Ply(p["ply"], p["san"], p["cp"], p["mate"], p["best"], p["judgement"]) for p in d["plies"])
    return Review(plies, d["accuracy"]["white"], d["accuracy"]["black"])
