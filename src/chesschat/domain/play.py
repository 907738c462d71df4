"""What the players do to a game: move, resign, abort, offer draws, take back; and the
endings a move brings about (mate, stalemate, material, repetition, the move rules).

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
    if game.clock_started_at_ms is None:
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
    (``MovePlayed`` is ``None``). A move by the player a draw was offered to declines it.

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
    remaining = game.remaining_ms(color, now_ms) + game.settings.increment_ms
    draw_offer_by = game.draw_offer_by if game.draw_offer_by == user_id else None
    legal = legal_uci(board)
    moved = replace(
        game.with_time(color, remaining),
        moves=(*game.moves, move.uci()),
        sans=(*game.sans, san),
        fens=(*game.fens, board.fen()),
        clock_started_at_ms=now_ms,
        draw_offer_by=draw_offer_by,
        legal_moves=legal,
    )
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


def take_back(game: Game, board: chess.Board, user_id: str, now_ms: int) -> Game:
    """Undo the requester's last move, unilaterally, within their quota.

    Allowed only before the opponent has replied. The requester's increment for that move
    is returned and the opponent is not charged for the time since it.
    """
    color = _require_player(game, user_id)
    _require_running(game)
    if not game.settings.allow_takebacks:
        raise errors.TakebackNotAllowed()
    if game.ply == 0 or game.turn == color:
        raise errors.TakebackWindowClosed("only your last move, before your opponent replies")
    limit = game.settings.takebacks_white_max if color == "white" else game.settings.takebacks_black_max
    used = game.takebacks_used(color)
    if used >= limit:
        raise errors.TakebackLimitReached()
    board.pop()
    restored = game.with_time(color, max(0, game.stored_time_ms(color) - game.settings.increment_ms))
    if color == "white":
        restored = replace(restored, takebacks_white_used=used + 1)
    else:
        restored = replace(restored, takebacks_black_used=used + 1)
    return replace(
        restored,
        moves=game.moves[:-1],
        sans=game.sans[:-1],
        fens=game.fens[:-1],
        clock_started_at_ms=now_ms,
        draw_offer_by=None,
        legal_moves=legal_uci(board),
    )
