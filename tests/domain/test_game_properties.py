"""Random legal games, on an injected clock, keep the game's invariants.

Moves are drawn from the game's own ``legal_moves``; time passes in random gaps, players
drop and come back, take moves back and flag. The clocks are checked against a model kept
here by plain arithmetic, and the PGN is read back by a PGN reader and compared with the
game's own FEN history.
"""

from __future__ import annotations

import io

import chess
import chess.pgn
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chesschat.domain import clock, errors
from chesschat.domain import game as g
from chesschat.domain import play as p
from chesschat.domain.pgn import write_pgn
from tests.domain.support import BLACK, WHITE, player, start
from tests.domain.support import settings as game_settings

NEVER = {g.Reason.FIVEFOLD_REPETITION, g.Reason.SEVENTYFIVE_MOVES}
ON_TIME = {g.Reason.TIMEOUT, g.Reason.TIMEOUT_VS_INSUFFICIENT_MATERIAL, g.Reason.ABORTED}


class ClockModel:
    """What the two clocks should show: stored milliseconds and when the running one started."""

    def __init__(self, white_ms: int, black_ms: int, increment_ms: int) -> None:
        self.left = {"white": white_ms, "black": black_ms}
        self.increment_ms = increment_ms
        self.since: int | None = 0

    def shown(self, color: str, turn: str, now: int) -> int:
        left = self.left[color]
        if color == turn and self.since is not None:
            left -= now - self.since
        return max(0, left)

    def flagged(self, turn: str, now: int) -> bool:
        return self.since is not None and now - self.since >= self.left[turn]

    def moved(self, mover: str, now: int) -> None:
        assert self.since is not None
        self.left[mover] += self.increment_ms - (now - self.since)
        self.since = now

    def paused(self, turn: str, now: int) -> None:
        if self.since is not None:
            self.left[turn] = self.shown(turn, turn, now)
            self.since = None

    def resumed(self, now: int) -> None:
        if self.since is None:
            self.since = now

    def flag_fell(self, turn: str) -> None:
        self.left[turn] = 0
        self.since = None

    def taken_back(self, requester: str, now: int) -> None:
        self.left[requester] = max(0, self.left[requester] - self.increment_ms)
        self.since = now


def _check_invariants(game: g.Game, board: chess.Board, model: ClockModel, now: int) -> None:
    assert game.turn == ("white" if game.fen.split()[1] == "w" else "black")
    assert game.player_to_move == player(game.turn)
    assert len(game.fens) == game.ply + 1 == len(game.sans) + 1
    assert board.fen() == game.fen
    for color in ("white", "black"):
        shown = game.remaining_ms(color, now)
        assert shown >= 0
        assert game.stored_time_ms(color) >= 0
        assert shown == model.shown(color, game.turn, now), color


def _check_pgn(game: g.Game) -> None:
    record = chess.pgn.read_game(io.StringIO(write_pgn(game, "Alice", "Bob")))
    assert record is not None and not record.errors
    replayed = record.board()
    assert replayed.fen() == game.fens[0]
    for ply, move in enumerate(record.mainline_moves(), start=1):
        replayed.push(move)
        assert replayed.fen() == game.fens[ply]
    assert replayed.fen() == game.fen
    assert record.headers["Result"] == (game.result.outcome if game.result else "*")


def _check_over(game: g.Game, board: chess.Board, now: int) -> None:
    assert game.result is not None
    assert game.result.reason not in NEVER
    assert game.clock_started_at_ms is None
    assert clock.flag(game, now + 10**9) is None
    for user in (WHITE, BLACK):
        for text in (*board.legal_moves, chess.Move.from_uci("e2e4")):
            with pytest.raises(errors.NoActiveGame):
                p.apply_move(game, board, user, text.uci(), now)
        with pytest.raises(errors.NoActiveGame):
            p.offer_draw(game, user)
        with pytest.raises(errors.NoActiveGame):
            p.request_takeback(game, board, user, now)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_game_random_legal_games_keep_the_invariants(data: st.DataObject) -> None:
    white_ms = data.draw(st.integers(2_000, 60_000), label="white_ms")
    black_ms = data.draw(st.integers(2_000, 60_000), label="black_ms")
    increment_ms = data.draw(st.sampled_from([0, 1_000, 2_500]), label="increment_ms")
    game, board = start(game_settings(white_ms, black_ms, increment_ms, takebacks=(2, 2)))
    model = ClockModel(white_ms, black_ms, increment_ms)
    now = 0
    actions = st.sampled_from(["move"] * 12 + ["pause", "resume", "take_back", "flag", "draw"])
    for _ in range(data.draw(st.integers(0, 160), label="steps")):
        if game.result is not None:
            break
        now += data.draw(st.integers(0, 2_500), label="gap")
        action = data.draw(actions, label="action")
        turn = game.turn
        if game.paused and action not in ("resume", "flag"):
            action = "resume"
        if action == "move":
            text = data.draw(st.sampled_from(game.legal_moves), label="move")
            with pytest.raises(errors.NotYourTurn):
                p.apply_move(game, board, player(g.other(turn)), text, now)
            was_flagged = model.flagged(turn, now)
            game, played = p.apply_move(game, board, player(turn), text, now)
            if was_flagged:
                model.flag_fell(turn)
                assert played is None
                assert game.result is not None and game.result.reason in ON_TIME
                assert game.stored_time_ms(turn) == 0
            else:
                assert played is not None and played.uci == text == game.moves[-1]
                model.moved(turn, now)
                if game.result is not None and game.result.reason is g.Reason.CHECKMATE:
                    assert game.result.winner == turn
        elif action == "pause":
            game = clock.pause(game, now)
            model.paused(turn, now)
        elif action == "resume":
            game = clock.resume(game, now)
            model.resumed(now)
        elif action == "take_back":
            requester = g.other(turn)
            if game.ply == 0 or game.takebacks_used(requester) >= 2:
                continue
            game = p.request_takeback(game, board, player(requester), now)
            model.taken_back(requester, now)
        elif action == "flag":
            flagged = clock.flag(game, now)
            assert (flagged is not None) == model.flagged(turn, now)
            if flagged is not None:
                assert flagged.result is not None and flagged.result.reason in ON_TIME
                assert flagged.result.winner in (None, g.other(turn))
                game = flagged
                model.flag_fell(turn)
        elif action == "draw":
            offered = p.offer_draw(game, player(turn))
            assert offered.draw_offer_by == player(turn)
            game = p.decline_draw(offered, player(g.other(turn)))
        _check_invariants(game, board, model, now)
    event(game.result.reason.value if game.result else "running")
    _check_pgn(game)
    if game.result is not None:
        _check_over(game, board, now)
