"""One game of chess with clocks.

The game keeps its whole move stack (UCI, SAN and FEN after every ply), so every ending is
detected — checkmate, stalemate, insufficient material, threefold/fivefold repetition, the
fifty/seventy-five move rules, flag fall (and flag fall against a lone king) — and a full
PGN can be written at any time. Clocks are integer milliseconds; the clock of the side to
move runs from ``clock_started_at_ms`` and is charged lazily, so no timer is needed to know
the time left. Paused time (``clock_started_at_ms is None``) is charged to nobody.

Functions take a game and return a new one; a :class:`chess.Board` for the current
position is passed in where the rules need it and is advanced (or taken back) in place.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal

import chess
import chess.pgn

from chesschat.domain import errors

Color = Literal["white", "black"]
MoveType = Literal["move", "capture", "castle", "promotion"]


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


PGN_TERMINATION = {
    Reason.TIMEOUT: "time forfeit",
    Reason.TIMEOUT_VS_INSUFFICIENT_MATERIAL: "time forfeit",
    Reason.FORFEIT_DISCONNECT: "abandoned",
    Reason.ROOM_EXPIRED: "abandoned",
    Reason.ABORTED: "unterminated",
}


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
        return self.clock_started_at_ms is None and self.result is None

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

    def remaining_ms(self, color: Color, now_ms: int) -> int:
        """Time left on ``color``'s clock at ``now_ms`` (never negative)."""
        stored = self.stored_time_ms(color)
        if color == self.turn and self.clock_started_at_ms is not None:
            stored -= max(0, now_ms - self.clock_started_at_ms)
        return max(0, stored)

    def flag_deadline_ms(self) -> int | None:
        """When the side to move runs out of time; ``None`` while paused or over."""
        if self.clock_started_at_ms is None or self.result is not None:
            return None
        return self.clock_started_at_ms + self.stored_time_ms(self.turn)

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


def _with_time(game: Game, color: Color, ms: int) -> Game:
    return replace(game, time_white_ms=ms) if color == "white" else replace(game, time_black_ms=ms)


def _legal_uci(board: chess.Board) -> tuple[str, ...]:
    return tuple(move.uci() for move in board.legal_moves)


def new_game(game_id: str, white_id: str, black_id: str, settings: GameSettings, now_ms: int) -> Game:
    """A game at the starting position with White's clock running."""
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
        clock_started_at_ms=now_ms,
        legal_moves=_legal_uci(board),
    )


def board_of(game: Game) -> chess.Board:
    """Rebuild the board with its whole move stack (a cache miss; costs ~0.1-0.4 ms)."""
    board = chess.Board()
    for uci in game.moves:
        board.push(chess.Move.from_uci(uci))
    return board


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


def _move_type(board: chess.Board, move: chess.Move) -> MoveType:
    if move.promotion is not None:
        return "promotion"
    if board.is_castling(move):
        return "castle"
    if board.is_capture(move):
        return "capture"
    return "move"


def end(game: Game, result: Result, now_ms: int) -> Game:
    """Stop the clocks (charging the side to move) and record the result."""
    if game.result is not None:
        return game
    color = game.turn
    return replace(
        _with_time(game, color, game.remaining_ms(color, now_ms)),
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
    move_type = _move_type(board, move)
    san = board.san(move)
    board.push(move)
    remaining = game.remaining_ms(color, now_ms) + game.settings.increment_ms
    draw_offer_by = game.draw_offer_by if game.draw_offer_by == user_id else None
    legal = _legal_uci(board)
    moved = replace(
        _with_time(game, color, remaining),
        moves=(*game.moves, move.uci()),
        sans=(*game.sans, san),
        fens=(*game.fens, board.fen()),
        clock_started_at_ms=now_ms,
        draw_offer_by=draw_offer_by,
        legal_moves=legal,
    )
    played = MovePlayed(move.uci(), san, move_type, board.is_check(), legal)
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
    if game.takebacks_used(color) >= limit:
        raise errors.TakebackLimitReached()
    board.pop()
    restored = _with_time(game, color, max(0, game.stored_time_ms(color) - game.settings.increment_ms))
    used = {f"takebacks_{color}_used": game.takebacks_used(color) + 1}
    return replace(
        restored,
        moves=game.moves[:-1],
        sans=game.sans[:-1],
        fens=game.fens[:-1],
        clock_started_at_ms=now_ms,
        draw_offer_by=None,
        legal_moves=_legal_uci(board),
        **used,  # type: ignore[arg-type]
    )


def pause(game: Game, now_ms: int) -> Game:
    """Stop the running clock, charging the side to move up to now."""
    if game.clock_started_at_ms is None or game.result is not None:
        return game
    color = game.turn
    return replace(_with_time(game, color, game.remaining_ms(color, now_ms)), clock_started_at_ms=None)


def resume(game: Game, now_ms: int) -> Game:
    if game.clock_started_at_ms is not None or game.result is not None:
        return game
    return replace(game, clock_started_at_ms=now_ms)


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).isoformat(timespec="milliseconds")


def pgn(game: Game, white_name: str, black_name: str, site: str = "ChessChat") -> str:
    """The whole game as PGN: the Seven Tag Roster, time control, and how it ended."""
    record = chess.pgn.Game()
    started = dt.datetime.fromtimestamp(game.started_at_ms / 1000, tz=dt.UTC)
    result = game.result.outcome if game.result else "*"
    record.headers.update(
        {
            "Event": "ChessChat game",
            "Site": site,
            "Date": started.strftime("%Y.%m.%d"),
            "Round": "-",
            "White": white_name,
            "Black": black_name,
            "Result": result,
            "UTCDate": started.strftime("%Y.%m.%d"),
            "UTCTime": started.strftime("%H:%M:%S"),
            "TimeControl": game.settings.time_control,
            "GameId": game.game_id,
        }
    )
    if game.result is not None:
        record.headers["Termination"] = PGN_TERMINATION.get(game.result.reason, "normal")
        record.headers["Ending"] = game.result.reason.value
    node: chess.pgn.GameNode = record
    for uci in game.moves:
        node = node.add_variation(chess.Move.from_uci(uci))
    out = io.StringIO()
    print(record, file=out, end="\n")
    return out.getvalue()


def to_record(game: Game, room_code: str, pgn_text: str, names: dict[str, str]) -> dict[str, Any]:
    """The stored record of a finished game (the ``games`` table's attribute names)."""
    assert game.result is not None and game.ended_at_ms is not None
    winner = game.winner_id() or "draw"
    return {
        "game_id": game.game_id,
        "room_code": room_code,
        "white_player_id": game.white_id,
        "black_player_id": game.black_id,
        "white_username": names.get(game.white_id, ""),
        "black_username": names.get(game.black_id, ""),
        "winner": winner,
        "result": game.result.reason.value,
        "outcome": game.result.outcome,
        "total_moves": game.ply,
        "duration_seconds": max(0, (game.ended_at_ms - game.started_at_ms) // 1000),
        "time_white_remaining": game.time_white_ms / 1000,
        "time_black_remaining": game.time_black_ms / 1000,
        "move_list_uci": list(game.moves),
        "move_list_san": list(game.sans),
        "fen_history": list(game.fens),
        "pgn_notation": pgn_text,
        "time_control": game.settings.time_control,
        "increment_seconds": game.settings.increment_ms / 1000,
        "started_at": _iso(game.started_at_ms),
        "ended_at": _iso(game.ended_at_ms),
    }
