"""Reading a move a player typed, and saying what kind of move it is.

These work on a :class:`chess.Board` alone; they know nothing of clocks or players.
"""

from __future__ import annotations

from typing import Literal

import chess

from chesschat.domain import errors

MoveType = Literal["move", "capture", "castle", "promotion"]


def legal_uci(board: chess.Board) -> tuple[str, ...]:
    """The legal moves of the side to move, as UCI."""
    return tuple(move.uci() for move in board.legal_moves)


def parse_move(board: chess.Board, text: str) -> chess.Move:
    """Read a move as UCI (``e2e4``, ``e7e8q``, a bare ``e7e8`` promotes to a queen) or SAN.

    :raises errors.IllegalMove: if the text is not a legal move in this position.
    """
    text = text.strip()
    try:
        move = chess.Move.from_uci(text)
    except chess.InvalidMoveError:
        try:
            move = board.parse_san(text)
        except ValueError as exc:
            raise errors.IllegalMove(text) from exc
    if not move:  # python-chess reads "0000" and "--" as the null move: passing is not chess
        raise errors.IllegalMove(text)
    last_rank = chess.square_rank(move.to_square) in (0, 7)
    if move.promotion is None and last_rank and board.piece_type_at(move.from_square) == chess.PAWN:
        move = chess.Move(move.from_square, move.to_square, promotion=chess.QUEEN)
    try:
        return board.parse_uci(move.uci())
    except ValueError as exc:
        raise errors.IllegalMove(text) from exc


def move_type(board: chess.Board, move: chess.Move) -> MoveType:
    """What ``move`` does in the position before it is played (the sound a client plays)."""
    if move.promotion is not None:
        return "promotion"
    if board.is_castling(move):
        return "castle"
    if board.is_capture(move):
        return "capture"
    return "move"
