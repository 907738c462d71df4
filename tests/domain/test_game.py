"""The game: every ending, the special moves, clocks, draw offers and takebacks.

Positions and results come from the fixture files, written from the rules of chess; the
domain is driven with them on an injected clock and must agree.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import chess
import chess.pgn
import pytest

from chesschat.domain import clock, errors
from chesschat.domain import game as g
from chesschat.domain import play as p
from chesschat.domain.finished import FinishedGame
from chesschat.domain.pgn import write_pgn
from tests.domain.support import (
    BLACK,
    STEP_MS,
    WHITE,
    fixture,
    play,
    player,
    settings,
    start,
    words,
)

ENDINGS = fixture("endings.json")["endings"]
MOVES = fixture("moves.json")
CLOCKS = fixture("clocks.json")["clocks"]


def _read_pgn(text: str) -> chess.pgn.Game:
    record = chess.pgn.read_game(io.StringIO(text))
    assert record is not None
    assert not record.errors, record.errors
    return record


def _finish(game: g.Game, then: dict[str, Any]) -> g.Game:
    """Do the fixture's ``then`` one step after the last move."""
    now = (game.ply + 1) * STEP_MS
    if "resign" in then:
        return p.resign(game, player(then["resign"]), now)
    if "draw" in then:
        offerer = player(then["draw"])
        offered = p.offer_draw(game, offerer)
        assert offered.result is None
        return p.accept_draw(offered, BLACK if offerer == WHITE else WHITE, now)
    if "forfeit" in then:
        return p.forfeit(game, player(then["forfeit"]), now)
    if "abort" in then:
        return p.abort(game, player(then["abort"]), now)
    if "expire" in then:
        return p.expire(game, now)
    deadline = then["flag_at"]
    assert clock.flag(game, deadline - 1) is None, "the flag fell a millisecond early"
    flagged = clock.flag(game, deadline)
    assert flagged is not None, "the flag did not fall at the deadline"
    assert flagged.remaining_ms(game.turn, deadline) == 0
    return flagged


def _play_to_the_end(case: dict[str, Any]) -> tuple[g.Game, chess.Board]:
    """Play the fixture: automatic endings happen on the last move and not one move earlier."""
    game, board = start(settings(case.get("seconds", 300) * 1000))
    moves = words(case["moves"])
    automatic = "then" not in case
    game = play(game, board, moves[:-1] if automatic else moves)
    assert game.result is None, f"ended early: {game.result}"
    if not automatic:
        return _finish(game, case["then"]), board
    game, played = p.apply_move(game, board, game.player_to_move, moves[-1], len(moves) * STEP_MS)
    assert played is not None
    return game, board


@pytest.mark.parametrize("case", ENDINGS, ids=[case["name"] for case in ENDINGS])
def test_game_ends_as_the_fixture_says(case: dict[str, Any]) -> None:
    game, _ = _play_to_the_end(case)
    moves = words(case["moves"])
    assert game.result is not None
    assert game.result.reason.value == case["reason"]
    winner = None if case["winner"] == "draw" else case["winner"]
    assert game.result.winner == winner
    assert game.result.outcome == case["result"]
    assert game.winner_id() == (None if winner is None else player(winner))
    assert game.clock_started_at_ms is None
    assert game.ply == len(moves)
    if "fen" in case:
        assert game.fen == case["fen"]

    text = write_pgn(game, "Alice", "Bob")
    record = _read_pgn(text)
    assert record.headers["Result"] == case["result"]
    assert record.headers["Ending"] == case["reason"]
    assert record.end().board().fen() == game.fen
    assert [move.uci() for move in record.mainline_moves()] == list(game.moves)

    finished = FinishedGame.from_game(game, "ROOMCODE", text, {WHITE: "Alice", BLACK: "Bob"})
    assert finished.reason.value == case["reason"]
    assert finished.outcome == case["result"]
    assert finished.winner_id == game.winner_id()
    assert finished.ply == len(moves)


@pytest.mark.parametrize("case", ENDINGS, ids=[case["name"] for case in ENDINGS])
def test_game_ended_accepts_no_move_and_no_action(case: dict[str, Any]) -> None:
    game, board = _play_to_the_end(case)
    later = 10_000_000
    for user in (WHITE, BLACK):
        for text in ("e2e4", "e7e5", "g1f3", "g8f6"):
            with pytest.raises(errors.NoActiveGame):
                p.apply_move(game, board, user, text, later)
        with pytest.raises(errors.NoActiveGame):
            p.resign(game, user, later)
        with pytest.raises(errors.NoActiveGame):
            p.offer_draw(game, user)
        with pytest.raises(errors.NoActiveGame):
            p.abort(game, user, later)
    assert clock.flag(game, later) is None
    assert clock.end(game, g.Result(g.Reason.RESIGN, "white"), later) == game


def test_game_fivefold_and_seventyfive_never_happen_because_threefold_and_fifty_end_first() -> None:
    shuffle = ["g1f3", "g8f6", "f3g1", "f6g8"]
    game, board = start()
    refused = 0
    for text in shuffle * 5:
        if game.result is not None:
            with pytest.raises(errors.NoActiveGame):
                p.apply_move(game, board, game.player_to_move, text, 100_000)
            refused += 1
            continue
        game, _ = p.apply_move(game, board, game.player_to_move, text, (game.ply + 1) * STEP_MS)
    assert game.result == g.Result(g.Reason.THREEFOLD_REPETITION, None)
    assert (game.ply, refused) == (8, 12)

    fifty = next(case for case in ENDINGS if case["reason"] == "fifty_moves")
    game, board = start()
    game = play(game, board, words(fifty["moves"]))
    assert game.result == g.Result(g.Reason.FIFTY_MOVES, None)
    assert game.ply == 100
    with pytest.raises(errors.NoActiveGame):
        p.apply_move(game, board, game.player_to_move, "b1c3", 200_000)


LEGAL = MOVES["legal"]
ILLEGAL = MOVES["illegal"]


@pytest.mark.parametrize("case", LEGAL, ids=[case["name"] for case in LEGAL])
def test_game_move_is_recorded_as_the_fixture_says(case: dict[str, Any]) -> None:
    game, board = start()
    game = play(game, board, words(case["before"]))
    mover = game.turn
    game, played = p.apply_move(game, board, game.player_to_move, case["move"], 60_000)
    assert played is not None
    assert (played.uci, played.san, played.move_type, played.is_check) == (
        case["uci"],
        case["san"],
        case["type"],
        case["check"],
    )
    assert game.moves[-1] == case["uci"]
    assert game.sans[-1] == case["san"]
    assert game.turn != mover
    assert board.fen() == game.fen
    if "fen" in case:
        assert game.fen == case["fen"]
    assert played.legal_moves == game.legal_moves


@pytest.mark.parametrize("case", ILLEGAL, ids=[case["name"] for case in ILLEGAL])
def test_game_illegal_move_is_refused_and_changes_nothing(case: dict[str, Any]) -> None:
    game, board = start()
    game = play(game, board, words(case["before"]))
    before = board.fen()
    with pytest.raises(errors.IllegalMove):
        p.apply_move(game, board, game.player_to_move, case["move"], 60_000)
    assert board.fen() == before
    assert len(board.move_stack) == game.ply


def _check_step(game: g.Game, step: dict[str, Any]) -> None:
    if "clocks" in step:
        shown = [game.remaining_ms("white", step["at"]), game.remaining_ms("black", step["at"])]
        assert shown == step["clocks"], step


@pytest.mark.parametrize("case", CLOCKS, ids=[case["name"] for case in CLOCKS])
def test_game_clock_as_the_fixture_says(case: dict[str, Any]) -> None:
    s = case["settings"]
    takebacks = tuple(s["takebacks"]) if "takebacks" in s else None
    game_settings = settings(
        s["white_ms"], s["black_ms"], s["increment_ms"], takebacks, first_move_ms=s.get("first_move_ms", 0)
    )
    game, board = start(game_settings)
    for step in case["steps"]:
        at = step["at"]
        if "move" in step:
            game, played = p.apply_move(game, board, game.player_to_move, step["move"], at)
            if "ends" in step:
                assert played is None
                assert game.result == g.Result(g.Reason(step["ends"]["reason"]), step["ends"]["winner"])
            else:
                assert played is not None
                assert game.result is None
        elif "pause" in step:
            game = clock.pause(game, at)
            assert game.paused
            assert game.flag_deadline_ms() is None
        elif "resume" in step:
            game = clock.resume(game, at)
            assert not game.paused
        elif "take_back" in step:
            game = p.request_takeback(game, board, player(step["take_back"]), at)
            assert game.turn == step["take_back"]
        elif "flag" in step:
            flagged = clock.flag(game, at)
            if step["flag"] is None:
                assert flagged is None
            else:
                assert flagged is not None
                assert flagged.result == g.Result(g.Reason(step["flag"]["reason"]), step["flag"]["winner"])
                game = flagged
        _check_step(game, step)


def test_game_clocks_are_never_negative_long_after_the_flag() -> None:
    game, board = start(settings(5_000))
    game = play(game, board, ["e2e4", "e7e5"])
    assert game.remaining_ms("white", 10_000_000) == 0
    flagged = clock.flag(game, 10_000_000)
    assert flagged is not None
    assert (flagged.time_white_ms, flagged.time_black_ms) == (0, 4_000)
    assert flagged.ended_at_ms == 10_000_000


def test_game_moves_out_of_turn_raise_not_your_turn() -> None:
    game, board = start()
    with pytest.raises(errors.NotYourTurn):
        p.apply_move(game, board, BLACK, "e7e5", 1_000)
    game = play(game, board, ["e2e4"])
    with pytest.raises(errors.NotYourTurn):
        p.apply_move(game, board, WHITE, "d2d4", 2_000)
    assert game.ply == 1


def test_game_move_by_someone_else_raises_not_in_room() -> None:
    game, board = start()
    with pytest.raises(errors.NotInRoom):
        p.apply_move(game, board, "user-spectator", "e2e4", 1_000)


def test_game_move_while_paused_raises_game_paused() -> None:
    game, board = start()
    game = clock.pause(game, 1_000)
    with pytest.raises(errors.GamePaused):
        p.apply_move(game, board, WHITE, "e2e4", 2_000)


# -- draw offers ------------------------------------------------------------------------


def test_game_draw_offer_is_accepted_by_the_opponent_only() -> None:
    game, board = start()
    game = play(game, board, ["e2e4", "e7e5"])
    offered = p.offer_draw(game, WHITE)
    assert offered.draw_offer_by == WHITE
    with pytest.raises(errors.DrawNotPending):
        p.accept_draw(offered, WHITE, 3_000)
    drawn = p.accept_draw(offered, BLACK, 3_000)
    assert drawn.result == g.Result(g.Reason.DRAW_AGREED, None)
    assert drawn.draw_offer_by is None


def test_game_second_draw_offer_raises_draw_already_pending() -> None:
    game, _ = start()
    offered = p.offer_draw(game, BLACK)
    for user in (WHITE, BLACK):
        with pytest.raises(errors.DrawAlreadyPending):
            p.offer_draw(offered, user)


def test_game_without_an_offer_accept_decline_cancel_raise_draw_not_pending() -> None:
    game, _ = start()
    for user in (WHITE, BLACK):
        with pytest.raises(errors.DrawNotPending):
            p.accept_draw(game, user, 1_000)
        with pytest.raises(errors.DrawNotPending):
            p.decline_draw(game, user)
        with pytest.raises(errors.DrawNotPending):
            p.cancel_draw(game, user)


def test_game_draw_offer_declined_by_the_opponent_cancelled_by_the_offerer() -> None:
    game, _ = start()
    offered = p.offer_draw(game, WHITE)
    with pytest.raises(errors.DrawNotPending):
        p.decline_draw(offered, WHITE)
    with pytest.raises(errors.DrawNotPending):
        p.cancel_draw(offered, BLACK)
    declined = p.decline_draw(offered, BLACK)
    cancelled = p.cancel_draw(offered, WHITE)
    for game_after in (declined, cancelled):
        assert game_after.draw_offer_by is None
        assert game_after.result is None
        assert p.offer_draw(game_after, BLACK).draw_offer_by == BLACK


def test_game_move_by_the_offered_player_declines_the_draw() -> None:
    game, board = start()
    game = play(game, board, ["e2e4"])
    offered = p.offer_draw(game, WHITE)
    moved, _ = p.apply_move(offered, board, BLACK, "e7e5", 5_000)
    assert moved.draw_offer_by is None
    with pytest.raises(errors.DrawNotPending):
        p.accept_draw(moved, BLACK, 6_000)


def test_game_move_by_the_offerer_keeps_the_offer() -> None:
    game, board = start()
    offered = p.offer_draw(game, WHITE)
    moved, _ = p.apply_move(offered, board, WHITE, "e2e4", 1_000)
    assert moved.draw_offer_by == WHITE
    assert p.accept_draw(moved, BLACK, 2_000).result == g.Result(g.Reason.DRAW_AGREED, None)


def test_game_accepting_a_draw_after_ones_flag_fell_loses_on_time() -> None:
    game, board = start(settings(10_000))
    game = play(game, board, ["e2e4", "e7e5", "g1f3"])  # black: 9 s left from 3 s on
    offered = p.offer_draw(game, WHITE)
    assert p.accept_draw(offered, BLACK, 11_999).result == g.Result(g.Reason.DRAW_AGREED, None)
    late = p.accept_draw(offered, BLACK, 12_000)
    assert late.result == g.Result(g.Reason.TIMEOUT, "white")
    assert late.time_black_ms == 0


def test_game_resigning_after_the_opponents_flag_fell_does_not_lose() -> None:
    game, board = start(settings(10_000))
    game = play(game, board, ["e2e4", "e7e5", "g1f3"])  # black's flag falls at 12 s
    assert p.resign(game, WHITE, 11_999).result == g.Result(g.Reason.RESIGN, "black")
    assert p.resign(game, WHITE, 12_500).result == g.Result(g.Reason.TIMEOUT, "white")


def test_game_abort_is_refused_once_both_sides_moved() -> None:
    game, board = start()
    game = play(game, board, ["e2e4", "e7e5"])
    for user in (WHITE, BLACK):
        with pytest.raises(errors.AbortNotAllowed):
            p.abort(game, user, 3_000)


# -- takebacks --------------------------------------------------------------------------


def test_game_takeback_when_not_allowed_raises_takeback_not_allowed() -> None:
    game, board = start()
    game = play(game, board, ["e2e4"])
    with pytest.raises(errors.TakebackNotAllowed):
        p.request_takeback(game, board, WHITE, 2_000)


def test_game_takeback_undoes_the_requesters_last_move() -> None:
    game, board = start(settings(takebacks=(1, 1)))
    game = play(game, board, ["e2e4", "c7c5", "g1f3"])
    before = game.fens[-2]
    back = p.request_takeback(game, board, WHITE, 5_000)
    assert back.moves == ("e2e4", "c7c5")
    assert back.sans == ("e4", "c5")
    assert back.fen == before == board.fen()
    assert back.turn == "white"
    assert back.takebacks_white_used == 1
    assert back.takebacks_black_used == 0
    assert "g1f3" in back.legal_moves and "b8c6" not in back.legal_moves
    replayed, played = p.apply_move(back, board, WHITE, "d2d4", 6_000)
    assert played is not None and replayed.moves[-1] == "d2d4"


def test_game_takeback_by_black() -> None:
    game, board = start(settings(takebacks=(0, 1)))
    game = play(game, board, ["e2e4", "e7e5"])
    back = p.request_takeback(game, board, BLACK, 3_000)
    assert back.moves == ("e2e4",)
    assert back.player_to_move == BLACK


def test_game_takeback_after_the_opponent_replied_raises_window_closed() -> None:
    game, board = start(settings(takebacks=(3, 3)))
    with pytest.raises(errors.TakebackWindowClosed):
        p.request_takeback(game, board, WHITE, 500)
    game = play(game, board, ["e2e4"])
    with pytest.raises(errors.TakebackWindowClosed):
        p.request_takeback(game, board, BLACK, 1_500)
    game = play(game, board, ["e7e5"])
    with pytest.raises(errors.TakebackWindowClosed):
        p.request_takeback(game, board, WHITE, 2_500)
    assert game.ply == 2 and len(board.move_stack) == 2


def test_game_takeback_beyond_the_quota_raises_limit_reached() -> None:
    game, board = start(settings(takebacks=(1, 0)))
    game = play(game, board, ["e2e4"])
    game = p.request_takeback(game, board, WHITE, 1_500)
    game = play(game, board, ["d2d4"])
    with pytest.raises(errors.TakebackLimitReached):
        p.request_takeback(game, board, WHITE, 3_000)
    game = play(game, board, ["d7d5"])
    with pytest.raises(errors.TakebackLimitReached):
        p.request_takeback(game, board, BLACK, 4_000)


def test_game_takeback_by_consent_waits_for_the_opponent_and_a_move_clears_it() -> None:
    game, board = start(settings(consent=True))
    game = play(game, board, ["e2e4"])
    asked = p.request_takeback(game, board, WHITE, 1_500)
    assert asked.takeback_request_by == WHITE
    assert asked.moves == ("e2e4",) and len(board.move_stack) == 1
    with pytest.raises(errors.TakebackAlreadyPending):
        p.request_takeback(asked, board, BLACK, 1_600)
    with pytest.raises(errors.TakebackNotPending):
        p.accept_takeback(asked, board, WHITE, 1_700)
    moved, played = p.apply_move(asked, board, BLACK, "e7e5", 2_000)
    assert played is not None and moved.takeback_request_by is None
    with pytest.raises(errors.TakebackNotPending):
        p.accept_takeback(moved, board, BLACK, 2_100)


def test_game_takeback_by_consent_declined_leaves_the_position() -> None:
    game, board = start(settings(consent=True))
    game = play(game, board, ["e2e4", "e7e5"])
    asked = p.request_takeback(game, board, BLACK, 3_000)
    with pytest.raises(errors.TakebackNotPending):
        p.decline_takeback(asked, BLACK)
    declined = p.decline_takeback(asked, WHITE)
    assert declined.takeback_request_by is None
    assert declined.moves == game.moves


@pytest.mark.parametrize(
    ("moves", "asker", "left"),
    [
        (["e2e4"], WHITE, ()),  # the opponent has not replied: one move back
        (["e2e4", "e7e5"], WHITE, ()),  # they have: the reply goes too, and it is white's move again
        (["e2e4", "e7e5"], BLACK, ("e2e4",)),
        (["e2e4", "e7e5", "g1f3"], BLACK, ("e2e4",)),
    ],
)
def test_game_takeback_by_consent_accepted_gives_the_asker_the_move_again(
    moves: list[str], asker: str, left: tuple[str, ...]
) -> None:
    game, board = start(settings(consent=True))
    game = play(game, board, moves)
    asked = p.request_takeback(game, board, asker, 10_000)
    back = p.accept_takeback(asked, board, BLACK if asker == WHITE else WHITE, 11_000)
    assert back.moves == left and board.fen() == back.fen
    assert back.player_to_move == asker
    assert back.takeback_request_by is None
    assert back.takebacks_used("white" if asker == WHITE else "black") == 1


def test_game_takeback_by_consent_needs_a_move_of_ones_own() -> None:
    game, board = start(settings(consent=True))
    with pytest.raises(errors.TakebackWindowClosed):
        p.request_takeback(game, board, WHITE, 500)
    game = play(game, board, ["e2e4"])
    with pytest.raises(errors.TakebackWindowClosed):
        p.request_takeback(game, board, BLACK, 1_500)


@pytest.mark.parametrize(
    ("game_settings", "moves", "allowed"),
    [
        (settings(), ["e2e4"], {"white": False, "black": False}),
        (settings(takebacks=(1, 1)), [], {"white": False, "black": False}),
        (settings(takebacks=(1, 1)), ["e2e4"], {"white": True, "black": False}),
        (settings(takebacks=(1, 1)), ["e2e4", "e7e5"], {"white": False, "black": True}),
        (settings(takebacks=(0, 1)), ["e2e4"], {"white": False, "black": False}),
        (settings(consent=True), ["e2e4"], {"white": True, "black": False}),
        (settings(consent=True), ["e2e4", "e7e5"], {"white": True, "black": True}),
    ],
)
def test_game_takeback_availability_is_what_a_request_would_meet(
    game_settings: g.GameSettings, moves: list[str], allowed: dict[str, bool]
) -> None:
    game, board = start(game_settings)
    game = play(game, board, moves)
    assert {color: p.can_take_back(game, color) for color in ("white", "black")} == allowed
    for color, ok in allowed.items():
        if ok:
            p.request_takeback(game, board.copy(), player(color), game.ply * STEP_MS + 500)
        else:
            with pytest.raises(errors.DomainError):
                p.request_takeback(game, board.copy(), player(color), game.ply * STEP_MS + 500)


def test_game_takeback_is_unavailable_while_asked_paused_or_over() -> None:
    game, board = start(settings(consent=True))
    game = play(game, board, ["e2e4", "e7e5"])
    asked = p.request_takeback(game, board, WHITE, 3_000)
    assert not p.can_take_back(asked, "white") and not p.can_take_back(asked, "black")
    assert not p.can_take_back(clock.pause(game, 3_000), "white")
    assert not p.can_take_back(p.resign(game, BLACK, 3_000), "white")


# -- records ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("white_ms", "black_ms", "increment_ms", "expected"),
    [
        (300_000, 300_000, 0, "300+0"),
        (180_000, 180_000, 2_000, "180+2"),
        (90_000, 90_000, 1_500, "90+1.5"),
        (60_000, 120_000, 0, "?"),
    ],
)
def test_game_pgn_time_control(white_ms: int, black_ms: int, increment_ms: int, expected: str) -> None:
    assert settings(white_ms, black_ms, increment_ms).time_control == expected


@pytest.mark.parametrize(
    ("then", "termination"),
    [
        ({"resign": "white"}, "normal"),
        ({"draw": "black"}, "normal"),
        ({"forfeit": "black"}, "abandoned"),
        ({"expire": True}, "abandoned"),
        ({"flag_at": 12_000}, "time forfeit"),
    ],
)
def test_game_pgn_names_the_players_and_the_termination(then: dict[str, Any], termination: str) -> None:
    game, board = start(settings(10_000, increment_ms=0))
    game = play(game, board, ["e2e4", "e7e5", "g1f3"])
    game = _finish(game, then)
    record = _read_pgn(write_pgn(game, "Alice", "Bob"))
    assert record.headers["White"] == "Alice"
    assert record.headers["Black"] == "Bob"
    assert record.headers["Termination"] == termination
    assert record.headers["TimeControl"] == "10+0"
    assert record.headers["GameId"] == game.game_id


def test_game_pgn_gives_each_move_the_movers_clock_after_it() -> None:
    game, board = start(settings(180_000, increment_ms=2_000, first_move_ms=30_000))
    for at, text in ((5_000, "e2e4"), (9_000, "e7e5"), (12_500, "g1f3"), (192_000, "b8c6")):
        game, played = p.apply_move(game, board, game.player_to_move, text, at)
        assert played is not None
    record = _read_pgn(write_pgn(game, "Alice", "Bob"))
    nodes = list(record.mainline())
    # No clock runs before both first moves; then white thinks 3.5 s (+2), black 179.5 s (+2).
    assert [node.clock() for node in nodes] == [180, 180, 178, 2]
    assert "[%clk 0:03:00]" in str(record) and "[%clk 0:02:58]" in str(record)


def test_game_pgn_clocks_cover_only_the_moves_that_kept_one() -> None:
    game, board = start(settings(600_000))
    game = play(game, board, ["d2d4", "d7d5", "c2c4"])
    older = replace(game, clocks=game.clocks[-1:])  # a game stored before clocks were kept
    nodes = list(_read_pgn(write_pgn(older, "Alice", "Bob")).mainline())
    assert [node.clock() for node in nodes] == [None, None, 598]


@pytest.mark.parametrize(
    ("reason", "winner", "termination", "result"),
    [
        (g.Reason.CHECKMATE, "white", "normal", "1-0"),
        (g.Reason.STALEMATE, None, "normal", "1/2-1/2"),
        (g.Reason.THREEFOLD_REPETITION, None, "normal", "1/2-1/2"),
        (g.Reason.RESIGN, "black", "normal", "0-1"),
        (g.Reason.DRAW_AGREED, None, "normal", "1/2-1/2"),
        (g.Reason.TIMEOUT, "black", "time forfeit", "0-1"),
        (g.Reason.TIMEOUT_VS_INSUFFICIENT_MATERIAL, None, "time forfeit", "1/2-1/2"),
        (g.Reason.FORFEIT_DISCONNECT, "white", "abandoned", "1-0"),
        (g.Reason.ROOM_EXPIRED, None, "abandoned", "1/2-1/2"),
        (g.Reason.ABORTED, None, "abandoned", "*"),
    ],
)
def test_game_pgn_termination_says_how_each_ending_ended(
    reason: g.Reason, winner: g.Color | None, termination: str, result: str
) -> None:
    game, board = start()
    game = play(game, board, ["e2e4"])
    ended = clock.end(game, g.Result(reason, winner), 5_000)
    record = _read_pgn(write_pgn(ended, "Alice", "Bob"))
    assert record.headers["Termination"] == termination
    assert record.headers["Result"] == result
    assert record.headers["Ending"] == reason.value


def test_game_pgn_of_an_aborted_game_says_aborted_not_unfinished() -> None:
    game, _ = start(settings(first_move_ms=30_000))
    aborted = clock.flag(game, 30_000)
    assert aborted is not None and aborted.result == g.Result(g.Reason.ABORTED, None)
    record = _read_pgn(write_pgn(aborted, "Alice", "Bob"))
    assert (record.headers["Result"], record.headers["Termination"]) == ("*", "abandoned")
    assert record.headers["Ending"] == "aborted"


def test_game_pgn_of_a_running_game_is_unfinished() -> None:
    game, board = start()
    game = play(game, board, ["d2d4", "d7d5"])
    record = _read_pgn(write_pgn(game, "Alice", "Bob"))
    assert record.headers["Result"] == "*"
    assert "Termination" not in record.headers
    assert record.end().board().fen() == game.fen
