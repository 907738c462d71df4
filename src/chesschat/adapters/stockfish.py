"""Stockfish through python-chess's UCI driver: one engine process, started on first use
and again after it dies, evaluating each position of a game within a time budget."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import chess
import chess.engine

from chesschat.domain.review import MATE_CP, Evaluation

DEBIAN_PATH = "/usr/games/stockfish"


def engine_path(configured: str | None) -> str | None:
    """The engine to run: the configured one, else Stockfish on PATH or where Debian puts it;
    ``None`` when there is none to run."""
    found = shutil.which(configured) if configured else shutil.which("stockfish") or DEBIAN_PATH
    return found if found and Path(found).exists() else None


class Stockfish:
    def __init__(self, path: str, seconds_per_position: float, max_plies: int, threads: int = 1) -> None:
        self.path = path
        self.limit = chess.engine.Limit(time=seconds_per_position)
        self.max_plies = max_plies
        self.threads = threads
        self._engine: chess.engine.SimpleEngine | None = None
        self._lock = threading.Lock()

    def _running(self) -> chess.engine.SimpleEngine:
        if self._engine is None:
            self._engine = chess.engine.SimpleEngine.popen_uci(self.path)
            self._engine.configure({"Threads": self.threads})
        return self._engine

    def evaluate(self, moves: Sequence[str]) -> list[Evaluation]:
        with self._lock:
            try:
                return self._evaluate(moves)
            except chess.engine.EngineTerminatedError:
                self._engine = None  # started afresh next time
                raise

    def _evaluate(self, moves: Sequence[str]) -> list[Evaluation]:
        board = chess.Board()
        evaluations = [self._position(board)]
        for uci in moves[: self.max_plies]:
            board.push(chess.Move.from_uci(uci))
            evaluations.append(self._position(board))
        return evaluations

    def _position(self, board: chess.Board) -> Evaluation:
        outcome = board.outcome()
        if outcome is not None:
            if outcome.winner is None:
                return Evaluation(0, None, None)
            return Evaluation(MATE_CP if outcome.winner == chess.WHITE else -MATE_CP, None, None)
        info = self._running().analyse(board, self.limit)
        score = info["score"].white()
        pv = info.get("pv") or []
        best = pv[0].uci() if pv else None
        if score.is_mate():
            return Evaluation(None, score.mate(), best)
        return Evaluation(score.score(), None, best)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.quit()
                self._engine = None
