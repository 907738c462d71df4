"""The room: seats, its lifecycle, sequential games, reconnect grace and what players are told."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import chess
import pytest

from chesschat.domain import errors
from chesschat.domain import game as g
from chesschat.domain import room as r
from chesschat.domain.events import (
    DrawDeclined,
    DrawOfferState,
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
)
from tests.domain.support import settings

TTL = 3_600_000
GRACE = 12_000
HOST = r.Player("user-host", "host", "Hostess")
GUEST = r.Player("user-guest", "guest", "Guest")
OTHER = r.Player("user-other", "other", "Other")


def _room(now: int = 0) -> r.Room:
    room = r.open_room("ABCD2345", HOST, "conn-host", now, TTL).room
    return r.join(room, GUEST, "conn-guest", now, TTL).room


def _started(host_white: bool = True, now: int = 0, **kwargs: Any) -> tuple[r.Room, chess.Board]:
    t = r.start_game(_room(now), HOST.user_id, settings(**kwargs), "game-1", host_white, now, TTL)
    assert t.room.active_game is not None
    return t.room, g.board_of(t.room.active_game)


def _play(room: r.Room, board: chess.Board, moves: list[str], start_ms: int = 1_000) -> r.Room:
    for i, text in enumerate(moves):
        assert room.active_game is not None
        room = r.move(room, board, room.active_game.player_to_move, text, start_ms + i * 1_000, TTL).room
    return room


def _types(t: r.Transition) -> list[type]:
    return [type(event) for event in t.events]


# -- lifecycle --------------------------------------------------------------------------


def test_room_open_seats_the_host_and_waits() -> None:
    t = r.open_room("ABCD2345", HOST, "conn-host", 5_000, TTL)
    assert t.room.status == "waiting"
    assert t.room.host_user_id == HOST.user_id
    assert [p.user_id for p in t.room.participants] == [HOST.user_id]
    assert t.room.expires_at_ms == 5_000 + TTL
    assert t.events == (ParticipantJoined(HOST.user_id), RoomSnapshot())


def test_room_join_by_a_second_player_makes_it_active() -> None:
    room = r.open_room("ABCD2345", HOST, "conn-host", 0, TTL).room
    t = r.join(room, GUEST, "conn-guest", 1_000, TTL)
    assert t.room.status == "active"
    assert [p.user_id for p in t.room.participants] == [HOST.user_id, GUEST.user_id]
    assert all(p.connected for p in t.room.participants)
    assert _types(t) == [ParticipantJoined, RoomSnapshot, VideoReady]
    assert t.events[0] == ParticipantJoined(GUEST.user_id)
    assert t.room.expires_at_ms == 1_000 + TTL
    assert not any(isinstance(event, ReconnectState) for event in t.events)


def test_room_join_to_a_full_room_raises_room_full() -> None:
    with pytest.raises(errors.RoomFull):
        r.join(_room(), OTHER, "conn-other", 1_000, TTL)


@pytest.mark.parametrize("status", ["teardown", "terminal"])
def test_room_join_to_a_closing_room_raises_room_terminated(status: r.RoomStatus) -> None:
    room = replace(_room(), status=status)
    for player in (HOST, GUEST, OTHER):
        with pytest.raises(errors.RoomTerminated):
            r.join(room, player, "conn-x", 1_000, TTL)


def test_room_leave_without_a_game_closes_the_room() -> None:
    t = r.leave(_room(), GUEST.user_id, 1_000, GRACE)
    assert t.room.status == "teardown"
    assert t.events == (ParticipantLeft(GUEST.user_id), RoomSnapshot(), RoomClosed("left"))
    with pytest.raises(errors.RoomTerminated):
        r.join(t.room, GUEST, "conn-guest-2", 2_000, TTL)
    with pytest.raises(errors.RoomTerminated):
        r.start_game(t.room, HOST.user_id, settings(), "game-1", True, 2_000, TTL)


def test_room_leave_by_a_stranger_raises_not_in_room() -> None:
    with pytest.raises(errors.NotInRoom):
        r.leave(_room(), OTHER.user_id, 1_000, GRACE)


def test_room_lone_host_dropping_shows_as_away_without_grace() -> None:
    room = r.open_room("ABCD2345", HOST, "conn-host", 0, TTL).room
    t = r.drop(room, HOST.user_id, "conn-host", 1_000, GRACE)
    assert t is not None
    assert t.events == (ParticipantLeft(HOST.user_id), RoomSnapshot())
    assert t.room.grace == ()
    back = r.join(t.room, HOST, "conn-host-2", 2_000, TTL)
    assert back.room.participant(HOST.user_id) == replace(room.participants[0], connection_id="conn-host-2")


def test_room_drop_of_an_old_connection_is_ignored() -> None:
    assert r.drop(_room(), GUEST.user_id, "conn-stale", 1_000, GRACE) is None


# -- starting games ---------------------------------------------------------------------


def test_room_start_game_only_by_the_host() -> None:
    with pytest.raises(errors.NotHost):
        r.start_game(_room(), GUEST.user_id, settings(), "game-1", True, 1_000, TTL)


def test_room_start_game_waits_for_a_second_player() -> None:
    room = r.open_room("ABCD2345", HOST, "conn-host", 0, TTL).room
    with pytest.raises(errors.WaitingForPlayer):
        r.start_game(room, HOST.user_id, settings(), "game-1", True, 1_000, TTL)


def test_room_start_game_twice_raises_game_already_active() -> None:
    room, _ = _started()
    with pytest.raises(errors.GameAlreadyActive):
        r.start_game(room, HOST.user_id, settings(), "game-2", True, 1_000, TTL)


def test_room_start_game_with_the_opponent_away_raises_game_paused() -> None:
    dropped = r.drop(_room(), GUEST.user_id, "conn-guest", 1_000, GRACE)
    assert dropped is not None
    with pytest.raises(errors.GamePaused):
        r.start_game(dropped.room, HOST.user_id, settings(), "game-1", True, 2_000, TTL)


def test_room_start_game_by_a_stranger_raises_not_in_room() -> None:
    with pytest.raises(errors.NotInRoom):
        r.start_game(_room(), OTHER.user_id, settings(), "game-1", True, 1_000, TTL)


@pytest.mark.parametrize("host_white", [True, False])
def test_room_colours_alternate_between_sequential_games(host_white: bool) -> None:
    room = _room()
    whites = []
    for n in range(4):
        t = r.start_game(room, HOST.user_id, settings(), f"game-{n}", host_white, n * 10_000, TTL)
        assert t.events == (GameStarted(),)
        game = t.room.active_game
        assert game is not None
        whites.append(game.white_id)
        room = r.resign(t.room, game.black_id, n * 10_000 + 1_000, TTL).room
        assert room.active_game is None
    first, second = (HOST, GUEST) if host_white else (GUEST, HOST)
    assert whites == [first.user_id, second.user_id, first.user_id, second.user_id]
    assert [s.game_id for s in room.games_played] == ["game-0", "game-1", "game-2", "game-3"]
    assert [s.winner for s in room.games_played] == whites


# -- playing ----------------------------------------------------------------------------


def test_room_game_ending_move_tells_the_move_then_the_end() -> None:
    room, board = _started()
    room = _play(room, board, ["f2f3", "e7e5", "g2g4"])
    t = r.move(room, board, GUEST.user_id, "d8h4", 5_000, TTL)
    assert _types(t) == [MoveMade, GameEnded]
    made, ended = t.events
    assert isinstance(made, MoveMade) and isinstance(ended, GameEnded)
    assert made.played.san == "Qh4#"
    assert ended.game.result == g.Result(g.Reason.CHECKMATE, "black")
    assert "0-1" in ended.pgn
    assert t.room.active_game is None
    assert t.room.status == "active"
    (record,) = t.finished
    assert record.winner_id == GUEST.user_id
    assert record.reason is g.Reason.CHECKMATE
    assert record.white_username == "Hostess"
    assert record.moves == ("f2f3", "e7e5", "g2g4", "d8h4")


def test_room_actions_without_a_game_raise_no_active_game() -> None:
    room = _room()
    with pytest.raises(errors.NoActiveGame):
        r.move(room, chess.Board(), HOST.user_id, "e2e4", 1_000, TTL)
    with pytest.raises(errors.NoActiveGame):
        r.resign(room, HOST.user_id, 1_000, TTL)
    with pytest.raises(errors.NoActiveGame):
        r.offer_draw(room, GUEST.user_id, 1_000, TTL)


def test_room_move_by_a_stranger_raises_not_in_room() -> None:
    room, board = _started()
    with pytest.raises(errors.NotInRoom):
        r.move(room, board, OTHER.user_id, "e2e4", 1_000, TTL)


def test_room_draw_offer_then_acceptance() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4", "e7e5"])
    offered = r.offer_draw(room, HOST.user_id, 3_000, TTL)
    assert offered.events == (DrawOfferState(None),)
    assert offered.room.active_game is not None
    assert offered.room.active_game.draw_offer_by == HOST.user_id
    accepted = r.accept_draw(offered.room, GUEST.user_id, 4_000, TTL)
    assert _types(accepted) == [GameEnded]
    assert accepted.finished[0].winner_id is None
    assert accepted.finished[0].reason is g.Reason.DRAW_AGREED


def test_room_check_flag_ends_the_game_with_no_move() -> None:
    room, board = _started(white_ms=10_000)
    room = _play(room, board, ["e2e4", "e7e5", "g1f3"])  # black: 9 s left from 3 s on
    assert r.next_deadline_ms(room) == 12_000
    assert r.check_flag(room, 11_999) is None
    t = r.check_flag(room, 12_000)
    assert t is not None
    assert _types(t) == [GameEnded]
    assert t.finished[0].reason is g.Reason.TIMEOUT
    assert t.finished[0].winner_id == HOST.user_id
    assert t.finished[0].time_black_ms == 0
    assert r.next_deadline_ms(t.room) is None


def test_room_expire_ends_the_game_as_room_expired_and_closes() -> None:
    room, board = _started(white_ms=3 * TTL)
    room = _play(room, board, ["e2e4", "e7e5"])
    assert r.expire(room, room.expires_at_ms - 1) is None
    t = r.expire(room, room.expires_at_ms)
    assert t is not None
    assert _types(t) == [GameEnded, RoomSnapshot, RoomClosed]
    assert t.room.status == "teardown"
    assert t.finished[0].reason is g.Reason.ROOM_EXPIRED
    assert t.finished[0].winner_id is None


def test_room_expire_after_a_missed_flag_records_the_timeout() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4", "e7e5"])
    t = r.expire(room, room.expires_at_ms)
    assert t is not None
    assert t.finished[0].reason is g.Reason.TIMEOUT
    assert t.finished[0].winner_id == GUEST.user_id


def test_room_activity_slides_the_expiry() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4"], start_ms=50_000)
    assert room.expires_at_ms == 50_000 + TTL


# -- reconnect grace --------------------------------------------------------------------


def _dropped(now: int = 10_000) -> tuple[r.Room, chess.Board, r.Transition]:
    room, board = _started()
    room = _play(room, board, ["e2e4", "e7e5", "g1f3"])
    t = r.drop(room, GUEST.user_id, "conn-guest", now, GRACE)
    assert t is not None
    return room, board, t


def test_room_drop_during_a_game_pauses_it_and_starts_the_grace() -> None:
    before, board, t = _dropped(now=10_000)
    assert t.events == (
        ParticipantLeft(GUEST.user_id),
        RoomSnapshot(),
        ReconnectState("paused", GUEST.user_id, 10_000 + GRACE),
    )
    assert t.room.grace == ((GUEST.user_id, 10_000 + GRACE),)
    assert t.room.reconnect_version > before.reconnect_version
    game = t.room.active_game
    assert game is not None and game.paused
    with pytest.raises(errors.GamePaused):
        r.move(t.room, board, GUEST.user_id, "b8c6", 11_000, TTL)
    assert r.check_flag(t.room, 10**9) is None


def test_room_rejoin_within_the_grace_restores_without_charging_the_pause() -> None:
    before, board, dropped = _dropped(now=10_000)
    back = r.join(dropped.room, GUEST, "conn-guest-2", 10_000 + GRACE - 1, TTL)
    assert back.events == (
        ParticipantJoined(GUEST.user_id),
        RoomSnapshot(),
        DrawOfferState(GUEST.user_id),
        ReconnectState("restored", GUEST.user_id, None),
        VideoReady(None),
    )
    assert back.room.grace == ()
    assert back.room.reconnect_version > dropped.room.reconnect_version
    assert back.room.participant(GUEST.user_id) == replace(
        before.participant(GUEST.user_id), connection_id="conn-guest-2"
    )
    game = back.room.active_game
    assert game is not None and not game.paused
    # black's clock ran from 3 s to the drop at 10 s, then stood still while away
    assert game.remaining_ms("black", 10_000 + GRACE - 1) == 300_000 - 1_000 - 7_000
    moved = r.move(back.room, board, GUEST.user_id, "b8c6", 30_000, TTL)
    assert _types(moved) == [MoveMade]


def test_room_leave_during_a_game_is_a_drop_with_grace() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4", "e7e5"])
    t = r.leave(room, HOST.user_id, 5_000, GRACE)
    assert t.room.status == "active"
    assert t.room.grace == ((HOST.user_id, 5_000 + GRACE),)
    assert _types(t) == [ParticipantLeft, RoomSnapshot, ReconnectState]
    back = r.join(t.room, HOST, "conn-host-2", 6_000, TTL)
    assert back.room.active_game is not None and not back.room.active_game.paused


def test_room_rejoin_after_the_deadline_raises_reconnect_window_expired() -> None:
    _, _, dropped = _dropped(now=10_000)
    with pytest.raises(errors.ReconnectWindowExpired):
        r.join(dropped.room, GUEST, "conn-guest-2", 10_000 + GRACE + 1, TTL)


def test_room_rejoin_and_grace_expiry_agree_at_the_deadline() -> None:
    _, _, dropped = _dropped(now=10_000)
    deadline = 10_000 + GRACE
    expired = r.expire_grace(dropped.room, deadline) is not None
    try:
        r.join(dropped.room, GUEST, "conn-guest-2", deadline, TTL)
        rejoined = True
    except errors.ReconnectWindowExpired:
        rejoined = False
    assert rejoined != expired


def test_room_seat_of_a_dropped_player_is_not_given_away() -> None:
    _, _, dropped = _dropped()
    with pytest.raises(errors.RoomFull):
        r.join(dropped.room, OTHER, "conn-other", 11_000, TTL)


def test_room_expire_grace_forfeits_the_running_game_and_closes() -> None:
    _, _, dropped = _dropped(now=10_000)
    assert r.expire_grace(dropped.room, 10_000 + GRACE - 1) is None
    t = r.expire_grace(dropped.room, 10_000 + GRACE)
    assert t is not None
    assert _types(t) == [GameEnded, RoomSnapshot, RoomClosed]
    ended = t.events[0]
    assert isinstance(ended, GameEnded)
    assert ended.game.result == g.Result(g.Reason.FORFEIT_DISCONNECT, "white")
    assert t.room.status == "teardown"
    assert t.room.active_game is None
    assert t.room.grace == ()
    assert t.finished[0].winner_id == HOST.user_id
    assert t.finished[0].reason is g.Reason.FORFEIT_DISCONNECT
    with pytest.raises(errors.RoomTerminated):
        r.join(t.room, GUEST, "conn-guest-2", 10_000 + GRACE, TTL)
    assert r.expire_grace(t.room, 10**9) is None


def test_room_expire_grace_before_two_plies_aborts() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4"])
    dropped = r.drop(room, HOST.user_id, "conn-host", 2_000, GRACE)
    assert dropped is not None
    t = r.expire_grace(dropped.room, 2_000 + GRACE)
    assert t is not None
    assert t.finished[0].reason is g.Reason.ABORTED
    assert t.finished[0].winner_id is None
    assert t.finished[0].outcome == "*"


def test_room_drop_after_the_flag_fell_ends_the_game_on_time_first() -> None:
    room, board = _started(white_ms=10_000)
    room = _play(room, board, ["e2e4", "e7e5", "g1f3"])  # black's flag falls at 12 s
    t = r.drop(room, GUEST.user_id, "conn-guest", 20_000, GRACE)
    assert t is not None
    assert _types(t) == [ParticipantLeft, GameEnded, RoomSnapshot, ReconnectState]
    assert t.finished[0].reason is g.Reason.TIMEOUT
    assert t.finished[0].winner_id == HOST.user_id


def test_room_both_dropped_the_game_resumes_only_when_both_are_back() -> None:
    _, _, first = _dropped(now=10_000)
    second = r.drop(first.room, HOST.user_id, "conn-host", 11_000, GRACE)
    assert second is not None
    guest_back = r.join(second.room, GUEST, "conn-guest-2", 12_000, TTL)
    assert guest_back.room.active_game is not None and guest_back.room.active_game.paused
    host_back = r.join(guest_back.room, HOST, "conn-host-2", 13_000, TTL)
    assert host_back.room.active_game is not None and not host_back.room.active_game.paused


def test_room_reconnect_version_only_increases_across_games() -> None:
    room = _room()
    versions = [room.reconnect_version]
    now = 0
    for n in range(3):
        now += 1_000
        room = r.start_game(room, HOST.user_id, settings(), f"game-{n}", True, now, TTL).room
        assert room.active_game is not None
        board = g.board_of(room.active_game)
        room = _play(room, board, ["e2e4", "e7e5"], start_ms=now + 1_000)
        now += 3_000
        dropped = r.drop(room, GUEST.user_id, "conn-guest", now, GRACE)
        assert dropped is not None
        versions.append(dropped.room.reconnect_version)
        room = r.join(dropped.room, GUEST, "conn-guest", now + 1_000, TTL).room
        versions.append(room.reconnect_version)
        now += 2_000
        room = r.resign(room, HOST.user_id, now, TTL).room
        versions.append(room.reconnect_version)
    assert versions == sorted(set(versions))


def test_room_take_back_tells_who_took_back() -> None:
    room, board = _started(takebacks=(1, 1))
    room = _play(room, board, ["e2e4"])
    t = r.request_takeback(room, board, HOST.user_id, 2_000, TTL)
    assert t.events == (TakebackApplied(HOST.user_id),)
    assert t.room.active_game is not None and t.room.active_game.ply == 0


def test_room_paused_game_refuses_moves_resign_and_draws() -> None:
    _, board, dropped = _dropped()
    for act in (
        lambda: r.move(dropped.room, board, HOST.user_id, "b1c3", 11_000, TTL),
        lambda: r.resign(dropped.room, HOST.user_id, 11_000, TTL),
        lambda: r.offer_draw(dropped.room, HOST.user_id, 11_000, TTL),
    ):
        with pytest.raises(errors.GamePaused):
            act()


# -- colours, rematches ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "coin", "white"),
    [
        ("white", False, HOST),
        ("black", True, GUEST),
        ("random", True, HOST),
        ("random", False, GUEST),
    ],
)
def test_room_start_game_with_a_colour_asked_for(colour: r.ColourAsked, coin: bool, white: r.Player) -> None:
    room = _room()
    white_id = r.white_of(room, HOST.user_id, colour, coin)
    t = r.start_game(room, HOST.user_id, settings(), "game-1", not coin, 1_000, TTL, white_id=white_id)
    assert t.room.active_game is not None and t.room.active_game.white_id == white.user_id


def test_room_white_of_with_nobody_to_play_is_none() -> None:
    lone = r.open_room("ABCD2345", HOST, "conn-host", 0, TTL).room
    assert r.white_of(lone, HOST.user_id, "white", True) is None


def _after_a_game(**kwargs: Any) -> tuple[r.Room, g.Game]:
    room, _ = _started(**kwargs)
    game = room.active_game
    assert game is not None
    return r.resign(room, GUEST.user_id, 2_000, TTL).room, game


def test_room_rematch_offered_by_the_guest_and_accepted_swaps_colours_keeps_settings() -> None:
    room, first = _after_a_game(white_ms=60_000, increment_ms=1_000, consent=True, first_move_ms=20_000)
    offered = r.offer_rematch(room, GUEST.user_id, "game-2", 3_000, TTL)
    assert offered.events == (RematchOffered(GUEST.user_id),)
    assert offered.room.rematch_offer_by == GUEST.user_id
    assert r.rematch_of(offered.room) == (first.black_id, first.white_id, first.settings)
    with pytest.raises(errors.RematchAlreadyPending):
        r.offer_rematch(offered.room, GUEST.user_id, "game-2", 3_500, TTL)
    with pytest.raises(errors.RematchNotPending):
        r.accept_rematch(offered.room, GUEST.user_id, "game-2", 3_500, TTL)
    t = r.accept_rematch(offered.room, HOST.user_id, "game-2", 4_000, TTL)
    assert t.events == (GameStarted(),)
    game = t.room.active_game
    assert game is not None and game.game_id == "game-2"
    assert (game.white_id, game.black_id) == (first.black_id, first.white_id)
    assert game.settings == first.settings
    assert t.room.rematch_offer_by is None


def test_room_rematch_offered_back_starts_the_game() -> None:
    room, first = _after_a_game()
    offered = r.offer_rematch(room, HOST.user_id, "game-2", 3_000, TTL).room
    t = r.offer_rematch(offered, GUEST.user_id, "game-2", 3_500, TTL)
    assert t.events == (GameStarted(),)
    assert t.room.active_game is not None and t.room.active_game.white_id == first.black_id


def test_room_rematch_declined_is_told_and_cleared() -> None:
    room, _ = _after_a_game()
    offered = r.offer_rematch(room, HOST.user_id, "game-2", 3_000, TTL).room
    with pytest.raises(errors.RematchNotPending):
        r.decline_rematch(offered, HOST.user_id, 3_500, TTL)
    t = r.decline_rematch(offered, GUEST.user_id, 3_500, TTL)
    assert t.events == (RematchDeclined(GUEST.user_id),)
    assert t.room.rematch_offer_by is None
    with pytest.raises(errors.RematchNotPending):
        r.accept_rematch(t.room, HOST.user_id, "game-2", 4_000, TTL)


def test_room_rematch_needs_a_finished_game_and_no_running_one() -> None:
    with pytest.raises(errors.RematchNotAvailable):
        r.offer_rematch(_room(), GUEST.user_id, "game-1", 1_000, TTL)
    room, _ = _started()
    with pytest.raises(errors.GameAlreadyActive):
        r.offer_rematch(room, GUEST.user_id, "game-2", 1_000, TTL)
    with pytest.raises(errors.NotInRoom):
        r.offer_rematch(_after_a_game()[0], OTHER.user_id, "game-2", 3_000, TTL)


def test_room_rematch_offer_goes_when_a_player_drops() -> None:
    room, _ = _after_a_game()
    offered = r.offer_rematch(room, HOST.user_id, "game-2", 3_000, TTL).room
    dropped = r.drop(offered, GUEST.user_id, "conn-guest", 4_000, GRACE)
    assert dropped is not None and dropped.room.rematch_offer_by is None
    back = r.join(dropped.room, GUEST, "conn-guest-2", 5_000, TTL).room
    with pytest.raises(errors.RematchNotPending):
        r.accept_rematch(back, GUEST.user_id, "game-2", 6_000, TTL)


def test_room_start_game_by_the_host_clears_a_rematch_offer() -> None:
    room, _ = _after_a_game()
    offered = r.offer_rematch(room, GUEST.user_id, "game-2", 3_000, TTL).room
    t = r.start_game(offered, HOST.user_id, settings(), "game-3", True, 4_000, TTL)
    assert t.room.rematch_offer_by is None


# -- draws and takebacks answered -------------------------------------------------------


def test_room_declined_draw_is_told_then_the_offer_state() -> None:
    room, board = _started()
    room = _play(room, board, ["e2e4", "e7e5"])
    offered = r.offer_draw(room, HOST.user_id, 3_000, TTL).room
    t = r.decline_draw(offered, GUEST.user_id, 4_000, TTL)
    assert t.events == (DrawDeclined(GUEST.user_id), DrawOfferState(None))


def test_room_takeback_by_consent_is_asked_then_applied_or_declined() -> None:
    room, board = _started(consent=True)
    room = _play(room, board, ["e2e4", "e7e5"])
    asked = r.request_takeback(room, board, GUEST.user_id, 3_000, TTL)
    assert asked.events == (TakebackRequested(GUEST.user_id),)
    declined = r.decline_takeback(asked.room, HOST.user_id, 3_500, TTL)
    assert declined.events == (TakebackDeclined(HOST.user_id),)
    asked = r.request_takeback(declined.room, board, GUEST.user_id, 4_000, TTL)
    applied = r.accept_takeback(asked.room, board, HOST.user_id, 4_500, TTL)
    assert applied.events == (TakebackApplied(GUEST.user_id),)
    assert applied.room.active_game is not None and applied.room.active_game.moves == ("e2e4",)


# -- the first-move timer ----------------------------------------------------------------


def test_room_first_move_deadline_is_the_timers_and_missing_it_aborts() -> None:
    room, board = _started(first_move_ms=30_000)
    assert r.next_deadline_ms(room) == 30_000
    room = _play(room, board, ["e2e4"], start_ms=10_000)
    assert r.next_deadline_ms(room) == 40_000  # black's own 30 s, from white's move
    assert r.check_flag(room, 39_999) is None
    t = r.check_flag(room, 40_000)
    assert t is not None and _types(t) == [GameEnded]
    (record,) = t.finished
    assert record.reason is g.Reason.ABORTED and record.winner_id is None and not record.counts
    assert record.outcome == "*" and '[Termination "abandoned"]' in record.pgn
    assert t.room.games_played[-1].result == "aborted"


def test_room_clock_deadline_follows_once_both_sides_moved() -> None:
    room, board = _started(white_ms=10_000, first_move_ms=30_000)
    room = _play(room, board, ["e2e4", "e7e5"], start_ms=20_000)
    assert r.next_deadline_ms(room) == 21_000 + 10_000
