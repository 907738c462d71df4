"""Rooms survive the trip to the live store and back: nothing a player sees is lost."""

from __future__ import annotations

import json
from dataclasses import replace

import chess
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chesschat.domain import clock
from chesschat.domain import game as g
from chesschat.domain import play as p
from chesschat.domain import room as r
from chesschat.domain.serde import game_from_dict, game_to_dict, room_from_dict, room_to_dict
from tests.domain.support import settings as game_settings

TTL = 3_600_000
GRACE = 12_000
HOST = r.Player("user-host", "host", "Hostess")
GUEST = r.Player("user-guest", "guest", "Guest")


def _through_json(room: r.Room) -> r.Room:
    return room_from_dict(json.loads(json.dumps(room_to_dict(room))))


def _waiting() -> r.Room:
    return r.open_room("ABCD2345", HOST, "conn-host", 1_000, TTL, watch_code="WXYZ6789").room


def _active() -> r.Room:
    return r.join(_waiting(), GUEST, "conn-guest", 2_000, TTL).room


def _mid_game() -> r.Room:
    room = _active()
    s = game_settings(180_000, 120_000, 2_000, takebacks=(2, 1))
    room = r.start_game(room, HOST.user_id, s, "game-1", False, 3_000, TTL).room
    assert room.active_game is not None
    board = g.board_of(room.active_game)
    for i, text in enumerate(["e4", "c5", "Nf3", "d6", "d4", "cxd4", "Nxd4", "Nf6", "Nc3", "a6"]):
        game = room.active_game
        assert game is not None
        room = r.move(room, board, game.player_to_move, text, 4_000 + i * 1_500, TTL).room
    room = r.request_takeback(room, board, HOST.user_id, 20_000, TTL).room  # the host has black
    room = r.offer_draw(room, GUEST.user_id, 21_000, TTL).room
    return room


def _paused_in_grace() -> r.Room:
    t = r.drop(_mid_game(), GUEST.user_id, "conn-guest", 22_000, GRACE)
    assert t is not None
    return replace(t.room, version=17, video={"meeting_id": "m-1", "attendees": {"a": 1}})


def _after_games() -> r.Room:
    room = _active()
    for n in range(2):
        room = r.start_game(room, HOST.user_id, game_settings(), f"game-{n}", True, 3_000, TTL).room
        room = r.resign(room, HOST.user_id, 4_000 + n, TTL).room
    return room


def _rematch_offered() -> r.Room:
    return r.offer_rematch(_after_games(), GUEST.user_id, "game-3", 5_000, TTL).room


def _first_moves_with_a_takeback_asked() -> r.Room:
    s = game_settings(60_000, consent=True, first_move_ms=30_000)
    room = r.start_game(_active(), HOST.user_id, s, "game-1", True, 3_000, TTL).room
    assert room.active_game is not None
    board = g.board_of(room.active_game)
    room = r.move(room, board, HOST.user_id, "e2e4", 4_000, TTL).room
    return r.request_takeback(room, board, HOST.user_id, 5_000, TTL).room


def _closed() -> r.Room:
    t = r.expire_grace(_paused_in_grace(), 22_000 + GRACE)
    assert t is not None
    return t.room


ROOMS = {
    "waiting": _waiting,
    "active": _active,
    "mid_game_with_draw_offer_and_takeback": _mid_game,
    "paused_in_grace_with_video": _paused_in_grace,
    "after_two_games": _after_games,
    "rematch_offered": _rematch_offered,
    "first_moves_with_a_takeback_asked": _first_moves_with_a_takeback_asked,
    "closed_after_forfeit": _closed,
}


@pytest.mark.parametrize("make", ROOMS.values(), ids=list(ROOMS))
def test_serde_room_round_trip_preserves_everything(make: object) -> None:
    room = make()  # type: ignore[operator]
    assert room_from_dict(room_to_dict(room)) == room
    assert _through_json(room) == room


def test_serde_room_version_is_the_first_key() -> None:
    data = room_to_dict(replace(_active(), version=42))
    assert next(iter(data)) == "v"
    assert data["v"] == 42
    assert json.dumps(data).startswith('{"v": 42,')


def test_serde_restored_game_plays_on_as_before() -> None:
    room = _through_json(_mid_game())
    game = room.active_game
    assert game is not None
    assert game.draw_offer_by == GUEST.user_id
    assert game.player_to_move == HOST.user_id
    assert game.takebacks_black_used == 1
    assert game.settings.time_control == "?"
    board = g.board_of(game)
    assert board.fen() == game.fen
    moved, played = p.apply_move(game, board, game.player_to_move, "a7a6", 25_000)
    assert played is not None and played.san == "a6"
    assert moved.draw_offer_by is None


def test_serde_finished_game_keeps_its_result() -> None:
    game = g.new_game("game-9", "user-w", "user-b", game_settings(60_000), 0)
    ended = p.resign(game, "user-w", 5_000)
    restored = game_from_dict(json.loads(json.dumps(game_to_dict(ended))))
    assert restored == ended
    assert restored.result == g.Result(g.Reason.RESIGN, "black")
    assert restored.winner_id() == "user-b"


@settings(max_examples=40, deadline=None)
@given(
    plies=st.lists(st.integers(0, 10_000), max_size=40),
    gaps=st.lists(st.integers(0, 5_000), min_size=40, max_size=40),
    pause=st.booleans(),
)
def test_serde_random_games_round_trip(plies: list[int], gaps: list[int], pause: bool) -> None:
    game = g.new_game("game-h", "user-w", "user-b", game_settings(30_000, increment_ms=1_000), 0)
    board = chess.Board()
    now = 0
    for pick, gap in zip(plies, gaps, strict=False):
        if game.result is not None:
            break
        now += gap
        game, _ = p.apply_move(game, board, game.player_to_move, game.legal_moves[pick % len(game.legal_moves)], now)
    if pause:
        game = clock.pause(game, now)
    room = replace(_active(), active_game=game if game.result is None else None)
    assert _through_json(room) == room
    assert game_from_dict(json.loads(json.dumps(game_to_dict(game)))) == game


def test_serde_a_room_stored_before_first_moves_takebacks_and_rematches_reads_as_before() -> None:
    data = json.loads(json.dumps(room_to_dict(_mid_game())))
    game = data["active_game"]
    for key in ("first_move_deadline_ms", "takeback_request_by", "move_clocks"):
        del game[key]
    for key in ("takeback_mode", "first_move_timeout_ms"):
        del game["settings"][key]
    del data["rematch_offer_by"]
    room = room_from_dict(data)
    assert room.rematch_offer_by is None
    assert room.active_game is not None
    assert room.active_game.settings.first_move_timeout_ms == 0
    assert room.active_game.settings.takeback_mode == "unilateral"
    assert room.active_game.clock_started_at_ms is not None and not room.active_game.paused
