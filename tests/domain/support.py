"""Reading the chess fixtures and driving the domain with them, on an injected clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import chess

from chesschat.domain import game as g
from chesschat.domain import play as p

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WHITE = "user-white"
BLACK = "user-black"
STEP_MS = 1000
"""Fixture games play one move a second: ply n is played at n * STEP_MS."""


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def words(moves: str | list[str]) -> list[str]:
    """A fixture move list: one string, or several strings read as one line."""
    text = " ".join(moves) if isinstance(moves, list) else moves
    return text.split()


def settings(
    white_ms: int = 300_000,
    black_ms: int | None = None,
    increment_ms: int = 0,
    takebacks: tuple[int, int] | None = None,
    *,
    first_move_ms: int = 0,
    consent: bool = False,
) -> g.GameSettings:
    """Settings for a test game; ``consent``: takebacks by consent (no quota)."""
    return g.GameSettings(
        time_white_ms=white_ms,
        time_black_ms=white_ms if black_ms is None else black_ms,
        increment_ms=increment_ms,
        allow_takebacks=takebacks is not None or consent,
        takebacks_white_max=takebacks[0] if takebacks else 0,
        takebacks_black_max=takebacks[1] if takebacks else 0,
        takeback_mode="consent" if consent else "unilateral",
        first_move_timeout_ms=first_move_ms,
    )


def start(game_settings: g.GameSettings | None = None, at_ms: int = 0) -> tuple[g.Game, chess.Board]:
    game = g.new_game("game-1", WHITE, BLACK, game_settings or settings(), at_ms)
    return game, g.board_of(game)


def player(color: str) -> str:
    return WHITE if color == "white" else BLACK


def play(game: g.Game, board: chess.Board, moves: list[str]) -> g.Game:
    """Play ``moves`` one a second after the last, each by the side to move."""
    for text in moves:
        game, played = p.apply_move(game, board, game.player_to_move, text, (game.ply + 1) * STEP_MS)
        assert played is not None, f"{text} was not played"
    return game
