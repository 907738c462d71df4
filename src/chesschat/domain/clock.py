"""Time: charging the clock of the side to move, pausing, and flag fall."""

from __future__ import annotations

from dataclasses import replace

import chess

from chesschat.domain.game import Game, Reason, Result, other


def end(game: Game, result: Result, now_ms: int) -> Game:
    """Stop the clocks (charging the side to move) and record the result."""
    if game.result is not None:
        return game
    color = game.turn
    return replace(
        game.with_time(color, game.remaining_ms(color, now_ms)),
        clock_started_at_ms=None,
        draw_offer_by=None,
        result=result,
        ended_at_ms=now_ms,
    )


def flag(game: Game, now_ms: int) -> Game | None:
    """The ended game if the side to move has run out of time at ``now_ms``, else ``None``.

    Fewer than two plies: the game is aborted rather than lost (nobody really played).
    """
    deadline = game.flag_deadline_ms()
    if deadline is None or now_ms < deadline:
        return None
    loser = game.turn
    if game.ply < 2:
        result = Result(Reason.ABORTED, None)
    elif chess.Board(game.fen).has_insufficient_material(chess.WHITE if loser == "black" else chess.BLACK):
        result = Result(Reason.TIMEOUT_VS_INSUFFICIENT_MATERIAL, None)
    else:
        result = Result(Reason.TIMEOUT, other(loser))
    return replace(end(game, result, deadline), ended_at_ms=now_ms)


def pause(game: Game, now_ms: int) -> Game:
    """Stop the running clock, charging the side to move up to now."""
    if game.clock_started_at_ms is None or game.result is not None:
        return game
    color = game.turn
    return replace(game.with_time(color, game.remaining_ms(color, now_ms)), clock_started_at_ms=None)


def resume(game: Game, now_ms: int) -> Game:
    if game.clock_started_at_ms is not None or game.result is not None:
        return game
    return replace(game, clock_started_at_ms=now_ms)
