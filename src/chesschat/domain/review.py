"""A finished game reviewed by an engine: what each move cost, and how accurately each side
played. Pure: the engine's evaluations come in, the judgement goes out.

Scores are from White's side, in centipawns or moves to mate. A move's loss is how much
the position got worse for the side that moved, between the engine's evaluation before it
and after it; 50 cp or more is an inaccuracy, 100 a mistake, 300 a blunder, and for
mistakes and blunders the engine's best move is named. Accuracy follows lichess: the
evaluation becomes a winning chance, each move scores by the chance it gave away, and a
side's accuracy is the mean of its moves' scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import chess

Judgement = Literal["inaccuracy", "mistake", "blunder"]
INACCURACY_CP, MISTAKE_CP, BLUNDER_CP = 50, 100, 300
MATE_CP = 10_000
"""A mate in n counts as ``MATE_CP - n`` centipawns when losses are weighed."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The engine's view of one position: the score from White's side (``cp`` or ``mate``,
    positive for White) and its best move there (UCI; ``None`` when the game is over)."""

    cp: int | None
    mate: int | None
    best: str | None

    def centipawns(self) -> int:
        if self.mate is not None:
            return (MATE_CP - abs(self.mate)) * (1 if self.mate > 0 else -1) if self.mate else 0
        return self.cp or 0


@dataclass(frozen=True, slots=True)
class Ply:
    ply: int
    san: str
    cp: int | None
    mate: int | None
    """The position after the move, from White's side."""
    best: str | None
    """The engine's move instead, in SAN, for a mistake or a blunder."""
    judgement: Judgement | None


@dataclass(frozen=True, slots=True)
class Review:
    plies: tuple[Ply, ...]
    accuracy_white: float | None
    accuracy_black: float | None


def win_chance(cp: int) -> float:
    """The winning chance (0 to 100) a centipawn score gives the side it favours."""
    return 50 + 50 * (2 / (1 + math.exp(-0.00368208 * cp)) - 1)


def move_accuracy(chance_before: float, chance_after: float) -> float:
    lost = max(0.0, chance_before - chance_after)
    return max(0.0, min(100.0, 103.1668 * math.exp(-0.04354 * lost) - 3.1669))


def judge(loss_cp: int) -> Judgement | None:
    if loss_cp >= BLUNDER_CP:
        return "blunder"
    if loss_cp >= MISTAKE_CP:
        return "mistake"
    if loss_cp >= INACCURACY_CP:
        return "inaccuracy"
    return None


def review(moves: Sequence[str], evaluations: Sequence[Evaluation]) -> Review:
    """Judge ``moves`` (UCI) by ``evaluations`` of the start position and of the position
    after each move (one more than the moves reviewed; moves beyond are left out)."""
    board = chess.Board()
    plies: list[Ply] = []
    scores: dict[bool, list[float]] = {chess.WHITE: [], chess.BLACK: []}
    for index, uci in enumerate(moves[: max(0, len(evaluations) - 1)]):
        before, after = evaluations[index], evaluations[index + 1]
        mover = board.turn
        sign = 1 if mover == chess.WHITE else -1
        move = chess.Move.from_uci(uci)
        san = board.san(move)
        best_san = board.san(chess.Move.from_uci(before.best)) if before.best else None
        board.push(move)
        loss = sign * (before.centipawns() - after.centipawns())
        judgement = None if before.best == uci else judge(loss)
        chance_before = win_chance(sign * before.centipawns())
        chance_after = win_chance(sign * after.centipawns())
        scores[mover].append(100.0 if before.best == uci else move_accuracy(chance_before, chance_after))
        shown_best = best_san if judgement in ("mistake", "blunder") else None
        plies.append(Ply(index + 1, san, after.cp, after.mate, shown_best, judgement))
    return Review(tuple(plies), _mean(scores[chess.WHITE]), _mean(scores[chess.BLACK]))


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
