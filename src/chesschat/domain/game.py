"""One game of chess with clocks: its state and the values that describe it.

The game keeps its whole move stack (UCI, SAN and FEN after every ply), so every ending can
be detected and a full PGN written at any time. Clocks are integer milliseconds; the clock
of the side to move runs from ``clock_started_at_ms`` and is charged lazily, so no timer is
needed to know the time left. Paused time (``clock_started_at_ms is None``) is charged to
nobody. With a first-move timeout no clock runs until both sides have made their first
move; until then the side to move has ``first_move_deadline_ms`` instead (as on lichess).

The rules that change a game live beside it: :mod:`chesschat.domain.play` (what the players
do), :mod:`chesschat.domain.clock` (time and flag fall), :mod:`chesschat.domain.moves`
(reading and classifying moves), :mod:`chesschat.domain.pgn` (the PGN text). Each takes a
game and returns a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

import chess

from chesschat.domain.moves import MoveType, legal_uci

Color = Literal["white", "black"]
TakebackMode = Literal["unilateral", "consent"]


class Reason(StrEnum):
    """Why a game ended (the ``result`` of ``game_ended`` and of the stored record)."""

    CHECKMATE = "checkmate"
    """The side to move is in check and has no legal move."""
    RESIGN = "resign"
    """A player resigned."""
    TIMEOUT = "timeout"
    """A player's clock reached zero and the opponent can still mate."""
    STALEMATE = "stalemate"
    """The side to move has no legal move and is not in check."""
    DRAW_AGREED = "draw_agreed"
    """One player offered a draw and the other accepted."""
    FORFEIT_DISCONNECT = "forfeit_disconnect"
    """A player left and did not come back within the reconnect grace."""
    ROOM_EXPIRED = "room_expired"
    """The room reached its time to live with a game still running."""
    INSUFFICIENT_MATERIAL = "insufficient_material"
    """Neither side has the material to mate."""
    THREEFOLD_REPETITION = "threefold_repetition"
    """The same position occurred for the third time (ended automatically)."""
    FIVEFOLD_REPETITION = "fivefold_repetition"
    """The same position occurred for the fifth time."""
    FIFTY_MOVES = "fifty_moves"
    """Fifty moves by each side without a capture or pawn move (ended automatically)."""
    SEVENTYFIVE_MOVES = "seventyfive_moves"
    """Seventy-five moves by each side without a capture or pawn move."""
    TIMEOUT_VS_INSUFFICIENT_MATERIAL = "timeout_vs_insufficient_material"
    """A clock reached zero but the opponent cannot mate: a draw."""
    ABORTED = "aborted"
    """The game ended before both sides moved; it does not count."""


@dataclass(frozen=True, slots=True)
class Result:
    reason: Reason
    winner: Color | None

    @property
    def outcome(self) -> str:
        """The PGN result: ``1-0``, ``0-1``, ``1/2-1/2``, or ``*`` for an aborted game."""
        if self.reason is Reason.ABORTED:
            return "*"
        if self.winner is None:
            return "1/2-1/2"
        return "1-0" if self.winner == "white" else "0-1"


@dataclass(frozen=True, slots=True)
class GameSettings:
    time_white_ms: int
    time_black_ms: int
    increment_ms: int = 0
    allow_takebacks: bool = False
    takebacks_white_max: int = 0
    takebacks_black_max: int = 0
    takeback_mode: TakebackMode = "unilateral"
    """``unilateral`` (the original's): one's own last move, before the reply, within one's
    quota. ``consent``: one asks and the opponent accepts; no quota."""
    first_move_timeout_ms: int = 0
    """Each side's time for its first move; the clocks run only once both sides have moved,
    and a side that misses it has the game aborted. 0: the clocks run from the start."""

    @property
    def time_control(self) -> str:
        """PGN TimeControl: ``300+2``; ``?`` when the two sides start with different times."""
        if self.time_white_ms != self.time_black_ms:
            return "?"
        return f"{_seconds_text(self.time_white_ms)}+{_seconds_text(self.increment_ms)}"


@dataclass(frozen=True, slots=True)
class MovePlayed:
    """What a legal move did: the facts clients show and the sound they play."""

    uci: str
    san: str
    move_type: MoveType
    is_check: bool
    legal_moves: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Game:
    game_id: str
    white_id: str
    black_id: str
    settings: GameSettings
    started_at_ms: int
    moves: tuple[str, ...]
    sans: tuple[str, ...]
    fens: tuple[str, ...]
    time_white_ms: int
    time_black_ms: int
    clock_started_at_ms: int | None
    draw_offer_by: str | None = None
    takebacks_white_used: int = 0
    takebacks_black_used: int = 0
    legal_moves: tuple[str, ...] = ()
    result: Result | None = None
    ended_at_ms: int | None = None
    first_move_deadline_ms: int | None = None
    """Before both sides have moved: when the side to move must have made its first move
    (the clocks are not running then); ``None`` otherwise and while paused."""
    takeback_request_by: str | None = None
    """Who asked for a takeback the opponent has not answered (``consent`` mode)."""
    clocks: tuple[int, ...] = ()
    """The mover's clock just after each of the last ``len(clocks)`` moves (ms), for the PGN."""

    @property
    def ply(self) -> int:
        return len(self.moves)

    @property
    def turn(self) -> Color:
        return "white" if len(self.moves) % 2 == 0 else "black"

    @property
    def fen(self) -> str:
        return self.fens[-1]

    @property
    def paused(self) -> bool:
        return self.clock_started_at_ms is None and self.first_move_deadline_ms is None and self.result is None

    @property
    def player_to_move(self) -> str:
        return self.white_id if self.turn == "white" else self.black_id

    def color_of(self, user_id: str) -> Color | None:
        if user_id == self.white_id:
            return "white"
        if user_id == self.black_id:
            return "black"
        return None

    def player_of(self, color: Color) -> str:
        return self.white_id if color == "white" else self.black_id

    def stored_time_ms(self, color: Color) -> int:
        return self.time_white_ms if color == "white" else self.time_black_ms

    def with_time(self, color: Color, ms: int) -> Game:
        """This game with ``color``'s stored clock set to ``ms``."""
        return replace(self, time_white_ms=ms) if color == "white" else replace(self, time_black_ms=ms)

    def remaining_ms(self, color: Color, now_ms: int) -> int:
        """Time left on ``color``'s clock at ``now_ms`` (never negative)."""
        stored = self.stored_time_ms(color)
        if color == self.turn and self.clock_started_at_ms is not None:
            stored -= max(0, now_ms - self.clock_started_at_ms)
        return max(0, stored)

    def flag_deadline_ms(self) -> int | None:
        """When the side to move runs out of time; ``None`` while paused, over, or before
        both sides have moved."""
        if self.clock_started_at_ms is None or self.result is not None:
            return None
        return self.clock_started_at_ms + self.stored_time_ms(self.turn)

    def deadline_ms(self) -> int | None:
        """When the side to move must have acted: its flag, or its first move's deadline."""
        return self.first_move_deadline_ms if self.first_move_deadline_ms is not None else self.flag_deadline_ms()

    def clock_runs_at(self, ply: int) -> bool:
        """Whether the clocks run at ``ply`` (and its move earns the increment): once both
        sides have made their first move, or from the start without a first-move timeout."""
        return ply >= 2 or self.settings.first_move_timeout_ms == 0

    def with_turn_started(self, now_ms: int) -> Game:
        """This game with the side to move's time starting at ``now_ms``: its clock, or,
        before both sides have moved, the first-move timer."""
        if self.clock_runs_at(self.ply):
            return replace(self, clock_started_at_ms=now_ms, first_move_deadline_ms=None)
        deadline = now_ms + self.settings.first_move_timeout_ms
        return replace(self, clock_started_at_ms=None, first_move_deadline_ms=deadline)

    def takebacks_used(self, color: Color) -> int:
        return self.takebacks_white_used if color == "white" else self.takebacks_black_used

    def winner_id(self) -> str | None:
        """The winner's user id, or ``None`` for a draw or a game still running."""
        if self.result is None or self.result.winner is None:
            return None
        return self.player_of(self.result.winner)


def other(color: Color) -> Color:
    return "black" if color == "white" else "white"


def _seconds_text(ms: int) -> str:
    return str(ms // 1000) if ms % 1000 == 0 else f"{ms / 1000:g}"


def new_game(game_id: str, white_id: str, black_id: str, settings: GameSettings, now_ms: int) -> Game:
    """A game at the starting position with White's time running: the first-move timer, or
    White's clock without one."""
    board = chess.Board()
    return Game(
        game_id=game_id,
        white_id=white_id,
        black_id=black_id,
        settings=settings,
        started_at_ms=now_ms,
        moves=(),
        sans=(),
        fens=(board.fen(),),
        time_white_ms=settings.time_white_ms,
        time_black_ms=settings.time_black_ms,
        clock_started_at_ms=None,
        legal_moves=legal_uci(board),
    ).with_turn_started(now_ms)


def board_of(game: Game) -> chess.Board:
    """Rebuild the board with its whole move stack (a cache miss; costs ~0.1-0.4 ms)."""
    board = chess.Board()
    for uci in game.moves:
        board.push(chess.Move.from_uci(uci))
    return board
