"""Review benchmark: seconds the engine takes to review a 40-move game (80 plies) at the
default budget, with the real Stockfish (one engine process, one thread), as the review
worker runs it. Prints the figures and writes them as JSON.

    python3 -m bench.review_bench [--games 3] [--seconds-per-position 0.1] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import chess

from chesschat.adapters.stockfish import Stockfish, engine_path
from chesschat.domain.review import review
from chesschat.settings import Settings

PLIES = 80


def random_game(seed: int) -> list[str]:
    """80 plies of a legal random game (restarted if it ends early)."""
    rng = random.Random(seed)
    while True:
        board, moves = chess.Board(), []
        while len(moves) < PLIES and not board.is_game_over():
            move = rng.choice(list(board.legal_moves))
            moves.append(move.uci())
            board.push(move)
        if len(moves) == PLIES:
            return moves
        seed += 1000


def main() -> None:
    default = Settings().review_seconds_per_position
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=3)
    parser.add_argument("--seconds-per-position", type=float, default=default)
    parser.add_argument("--out", type=Path, default=Path("bench/results/review.json"))
    args = parser.parse_args()
    path = engine_path(None)
    if path is None:
        raise SystemExit("review benchmark: no Stockfish found (apt-get install stockfish)")
    engine = Stockfish(path, args.seconds_per_position, 300)
    timings = []
    try:
        engine.evaluate(random_game(0)[:2])  # the engine starts once, outside the timings
        for n in range(args.games):
            moves = random_game(n + 1)
            started = time.perf_counter()
            review(moves, engine.evaluate(moves))
            timings.append(time.perf_counter() - started)
    finally:
        engine.close()
    result = {
        "plies": PLIES,
        "seconds_per_position": args.seconds_per_position,
        "games": args.games,
        "seconds_per_game": {"median": round(statistics.median(timings), 2), "max": round(max(timings), 2)},
    }
    print(f"review of a 40-move game ({PLIES} plies) at {args.seconds_per_position} s/position:")
    print(f"  median {result['seconds_per_game']['median']} s, max {result['seconds_per_game']['max']} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
