"""What the players do to a game: move, resign, abort, offer draws, take back (at once or
by consent); and the endings a move brings about (mate, stalemate, material, repetition,
the move rules).

A :class:`chess.Board` for the current position is passed in where the rules need it and
is advanced (or taken back) in place.
"""

from __future__ import annotations

from dataclasses import replace

import chess

from chesschat.domain import errors
from chesschat.domain.clock import end, flag
from chesschat.domain.game import Color, Game, MovePlayed, Reason, Result, other
from chesschat.domain.moves import legal_uci, move_type, parse_move


def _require_player(game: Game, user_id: str) -> Color:
    color = game.color_of(user_id)
    if color is None:
        raise errors.NotInRoom("not a player of this game")
    return color


def _require_running(game: Game) -> None:
    if game.result is not None:
        raise errors.NoActiveGame("the game is over")
    if game.paused:
        raise errors.GamePaused("the game is paused")


def _repetitions(fens: tuple[str, ...], halfmove_clock: int) -> int:
    """How often the last position occurred since the last capture or pawn move."""
    key = fens[-1].rsplit(" ", 2)[0]
    window = fens[-(halfmove_clock + 1) :]
    return sum(1 for fen in window if fen.rsplit(" ", 2)[0] == key)


def _ending_after_move(board: chess.Board, game: Game, mover: Color) -> Result | None:
    if not game.legal_moves:
        if board.is_check():
            return Result(Reason.CHECKMATE, mover)
        return Result(Reason.STALEMATE, None)
    if board.is_insufficient_material():
        return Result(Reason.INSUFFICIENT_MATERIAL, None)
    halfmoves = board.halfmove_clock
    repetitions = _repetitions(game.fens, halfmoves)
    if halfmoves >= 150:
        return Result(Reason.SEVENTYFIVE_MOVES, None)
    if repetitions >= 5:
        return Result(Reason.FIVEFOLD_REPETITION, None)
    if halfmoves >= 100:
        return Result(Reason.FIFTY_MOVES, None)
    if repetitions >= 3:
        return Result(Reason.THREEFOLD_REPETITION, None)
    return None


def apply_move(game: Game, board: chess.Board, user_id: str, text: str, now_ms: int) -> tuple[Game, MovePlayed | None]:
    """Play ``text`` for ``user_id``. ``board`` is the current position, advanced in place.

    If the mover's flag had already fallen, the game ends on time and no move is made
    (``MovePlayed`` is ``None``). A move by the player a draw was offered to declines it;
    any move clears an unanswered takeback request. A move made before both sides have
    moved costs no time and earns no increment.

    :raises errors.NotYourTurn: if it is the opponent's move.
    :raises errors.IllegalMove: if the move is not legal here.
    """
    color = _require_player(game, user_id)
    _require_running(game)
    if color != game.turn:
        raise errors.NotYourTurn()
    flagged = flag(game, now_ms)
    if flagged is not None:
        return flagged, None
    # Most clients send exactly one of the legal moves we listed: no need to re-validate it.
    move = chess.Move.from_uci(text) if text in game.legal_moves else parse_move(board, text)
    kind = move_type(board, move)
    san = board.san(move)
    board.push(move)
    increment = game.settings.increment_ms if game.clock_runs_at(game.ply) else 0
    remaining = game.remaining_ms(color, now_ms) + increment
    draw_offer_by = game.draw_offer_by if game.draw_offer_by == user_id else None
    legal = legal_uci(board)
    moved = replace(
        game.with_time(color, remaining),
        moves=(*game.moves, move.uci()),
        sans=(*game.sans, san),
        fens=(*game.fens, board.fen()),
        clocks=(*game.clocks, remaining),
        draw_offer_by=draw_offer_by,
        takeback_request_by=None,
        legal_moves=legal,
    ).with_turn_started(now_ms)
    played = MovePlayed(move.uci(), san, kind, board.is_check(), legal)
    result = _ending_after_move(board, moved, color)
    if result is not None:
        moved = end(moved, result, now_ms)
    return moved, played


def resign(game: Game, user_id: str, now_ms: int) -> Game:
    """Resign for ``user_id``; if a flag had already fallen, the game ends on time instead."""
    color = _require_player(game, user_id)
    if game.result is not None:
        raise errors.NoActiveGame("the game is over")
    flagged = flag(game, now_ms)
    if flagged is not None:
        return flagged
    return end(game, Result(Reason.RESIGN, other(color)), now_ms)


def abort(game: Game, user_id: str, now_ms: int) -> Game:
    """End a game that has not started in earnest (fewer than two plies) without a result.

    :raises errors.AbortNotAllowed: once both sides have moved.
    """
    _require_player(game, user_id)
    if game.result is not None:
        raise errors.NoActiveGame("the game is over")
    if game.ply >= 2:
        raise errors.AbortNotAllowed("both sides have moved; resign or offer a draw")
    return end(game, Result(Reason.ABORTED, None), now_ms)


def forfeit(game: Game, loser_id: str, now_ms: int) -> Game:
    """The player ``loser_id`` left for good: they lose, or the game is aborted if young."""
    color = _require_player(game, loser_id)
    if game.ply < 2:
        return end(game, Result(Reason.ABORTED, None), now_ms)
    return end(game, Result(Reason.FORFEIT_DISCONNECT, other(color)), now_ms)


def expire(game: Game, now_ms: int) -> Game:
    """The room's time ran out with this game unfinished."""
    reason = Reason.ABORTED if game.ply < 2 else Reason.ROOM_EXPIRED
    return end(game, Result(reason, None), now_ms)


def offer_draw(game: Game, user_id: str) -> Game:
    _require_player(game, user_id)
    _require_running(game)
    if game.draw_offer_by is not None:
        raise errors.DrawAlreadyPending()
    return replace(game, draw_offer_by=user_id)


def _require_offer_from_opponent(game: Game, user_id: str) -> None:
    _require_player(game, user_id)
    _require_running(game)
    if game.draw_offer_by is None or game.draw_offer_by == user_id:
        raise errors.DrawNotPending()


def accept_draw(game: Game, user_id: str, now_ms: int) -> Game:
    """Accept the opponent's offer; if a flag had already fallen, the game ends on time instead."""
    _require_offer_from_opponent(game, user_id)
    flagged = flag(game, now_ms)
    if flagged is not None:
        return flagged
    return end(game, Result(Reason.DRAW_AGREED, None), now_ms)


def decline_draw(game: Game, user_id: str) -> Game:
    _require_offer_from_opponent(game, user_id)
    return replace(game, draw_offer_by=None)


def cancel_draw(game: Game, user_id: str) -> Game:
    _require_player(game, user_id)
    _require_running(game)
    if game.draw_offer_by != user_id:
        raise errors.DrawNotPending()
    return replace(game, draw_offer_by=None)


def takeback_refusal(game: Game, color: Color) -> errors.DomainError | None:
    """Why ``color`` may not take back (or, by consent, ask to) now; ``None`` if they may."""
    s = game.settings
    if not s.allow_takebacks:
        return errors.TakebackNotAllowed()
    if s.takeback_mode == "consent":
        if game.takeback_request_by is not None:
            return errors.TakebackAlreadyPending()
        if game.ply < (1 if color == "white" else 2):
            return errors.TakebackWindowClosed("you have no move to take back yet")
        return None
    if game.ply == 0 or game.turn == color:
        return errors.TakebackWindowClosed("only your last move, before your opponent replies")
    limit = s.takebacks_white_max if color == "white" else s.takebacks_black_max
    if game.takebacks_used(color) >= limit:
        return errors.TakebackLimitReached()
    return None


def can_take_back(game: Game, color: Color) -> bool:
    """Whether a takeback request by ``color`` would be taken now (applied, or asked)."""
    return game.result is None and not game.paused and takeback_refusal(game, color) is None


def _undo(game: Game, board: chess.Board, plies: int, requester: Color, now_ms: int) -> Game:
    """Take back the last ``plies`` moves for ``requester``: each mover gets the increment
    that move earned taken off again, and the time since the last move is charged to nobody."""
    restored = game
    for _ in range(plies):
        index = restored.ply - 1
        mover: Color = "white" if index % 2 == 0 else "black"
        earned = game.settings.increment_ms if game.clock_runs_at(index) else 0
        board.pop()
        restored = replace(
            restored.with_time(mover, max(0, restored.stored_time_ms(mover) - earned)),
            moves=restored.moves[:-1],
            sans=restored.sans[:-1],
            fens=restored.fens[:-1],
            clocks=restored.clocks[:-1],
        )
    used = game.takebacks_used(requester) + 1
    counted = (
        replace(restored, takebacks_white_used=used)
        if requester == "white"
        else replace(restored, takebacks_black_used=used)
    )
    return replace(
        counted, draw_offer_by=None, takeback_request_by=None, legal_moves=legal_uci(board)
    ).with_turn_started(now_ms)


def request_takeback(game: Game, board: chess.Board, user_id: str, now_ms: int) -> Game:
    """The requester wants their last move back.

    ``unilateral`` (the original's): it is undone at once, within their quota, and only
    before the opponent has replied. ``consent``: the request waits for the opponent's
    answer (:func:`accept_takeback`); the clocks go on meanwhile.

    :raises errors.TakebackNotAllowed: the game has no takebacks.
    :raises errors.TakebackWindowClosed: no move of theirs to take back (unilateral: the
        opponent has replied).
    :raises errors.TakebackLimitReached: their quota is used up (unilateral).
    :raises errors.TakebackAlreadyPending: a request waits for an answer (consent).
    """
    color = _require_player(game, user_id)
    _require_running(game)
    refusal = takeback_refusal(game, color)
    if refusal is not None:
        raise refusal
    if game.settings.takeback_mode == "consent":
        return replace(game, takeback_request_by=user_id)
    return _undo(game, board, 1, color, now_ms)


def _require_request_from_opponent(game: Game, user_id: str) -> str:
    _require_player(game, user_id)
    _require_running(game)
    asker = game.takeback_request_by
    if asker is None or asker == user_id:
        raise errors.TakebackNotPending()
    return asker


def accept_takeback(game: Game, board: chess.Board, user_id: str, now_ms: int) -> Game:
    """Grant the opponent's request: their last move is undone, and the reply after it if
    they are to move, so that it is their move again."""
    asker = _require_request_from_opponent(game, user_id)
    color = game.color_of(asker)
    assert color is not None
    return _undo(game, board, 2 if game.turn == color else 1, color, now_ms)


def decline_takeback(game: Game, user_id: str) -> Game:
    _require_request_from_opponent(game, user_id)
    return replace(game, takeback_request_by=None)
