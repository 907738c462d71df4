"""Time: charging the clock of the side to move, pausing, flag fall and the first-move timer."""

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
        first_move_deadline_ms=None,
        draw_offer_by=None,
        takeback_request_by=None,
        result=result,
        ended_at_ms=now_ms,
    )


def flag(game: Game, now_ms: int) -> Game | None:
    """The ended game if the side to move has run out of time at ``now_ms``, else ``None``.

    A side that misses its first move's deadline, or flags before two plies, has the game
    aborted rather than lost (nobody really played).
    """
    first_move = game.first_move_deadline_ms
    if first_move is not None and game.result is None:
        if now_ms < first_move:
            return None
        return replace(end(game, Result(Reason.ABORTED, None), first_move), ended_at_ms=now_ms)
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
    """Stop the running clock (charging the side to move up to now) or the first-move timer."""
    if game.paused or game.result is not None:
        return game
    color = game.turn
    return replace(
        game.with_time(color, game.remaining_ms(color, now_ms)),
        clock_started_at_ms=None,
        first_move_deadline_ms=None,
    )


def resume(game: Game, now_ms: int) -> Game:
    """Start the side to move's time again; a first-move timer starts afresh."""
    if not game.paused:
        return game
    return game.with_turn_started(now_ms)
