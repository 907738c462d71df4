"""Finished games made by the real domain code, and their finalization jobs."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import orjson
import redis

from chesschat.adapters.records.mapping import encode_job
from chesschat.adapters.redis_live import FINALIZATION_QUEUE
from chesschat.domain import play
from chesschat.domain.finished import FinishedGame
from chesschat.domain.game import GameSettings, Reason, board_of, new_game
from chesschat.domain.pgn import write_pgn

Ending = Literal["white_wins", "black_wins", "draw", "aborted"]
START_MS = 1_700_000_000_000
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLD_JOBS = [job.encode() for job in json.loads((FIXTURES / "finalization_jobs.json").read_text())["jobs"]]
"""Jobs as the room service queued them before finished games were a type, byte for byte."""


def finished_game(
    white: str, black: str, ending: Ending, plies: int = 6, started_ms: int = START_MS, seed: int = 0
) -> FinishedGame:
    """Play ``plies`` random legal moves, then end the game as ``ending`` says."""
    rng = random.Random(seed)
    now = started_ms
    game = new_game(str(uuid.uuid4()), white, black, GameSettings(300_000, 300_000), now)
    board = board_of(game)
    plies = min(plies, 1) if ending == "aborted" else plies
    for _ in range(plies):
        if game.result is not None:
            break
        now += 1000
        mover = game.player_to_move
        game, _ = play.apply_move(game, board, mover, rng.choice(game.legal_moves), now)
    now += 1000
    if game.result is None:
        if ending == "aborted":
            game = play.abort(game, white, now)
        elif ending == "draw":
            game = play.accept_draw(play.offer_draw(game, white), black, now)
        else:
            game = play.resign(game, black if ending == "white_wins" else white, now)
    names = {white: f"w-{white[:6]}", black: f"b-{black[:6]}"}
    text = write_pgn(game, names[white], names[black])
    return FinishedGame.from_game(game, "ROOMCODE", text, names)


def job_of(game: FinishedGame) -> bytes:
    """The job the room service queues for a finished game."""
    return encode_job(game, START_MS)


def job_lacking(game: FinishedGame, attribute: str) -> bytes:
    """A job whose ``gameRecord`` lacks ``attribute``, as no server writes one."""
    job: dict[str, Any] = orjson.loads(job_of(game))
    del job["gameRecord"][attribute]
    return orjson.dumps(job)


def enqueue(redis_url: str, jobs: Iterable[bytes]) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        for job in jobs:
            client.lpush(FINALIZATION_QUEUE, job)
    finally:
        client.close()


def expected_stats(games: Iterable[FinishedGame]) -> dict[str, Counter[str]]:
    """Each player's counters, worked out from the games independently of the store."""
    stats: dict[str, Counter[str]] = {}
    for game in games:
        white, black = game.white_id, game.black_id
        for player in (white, black):
            stats.setdefault(player, Counter())
        if game.reason is Reason.ABORTED:
            continue
        for player in (white, black):
            stats[player]["total_games"] += 1
            if game.winner_id is None:
                stats[player]["draws"] += 1
            else:
                stats[player]["wins" if game.winner_id == player else "losses"] += 1
    return stats


def stats_of(store: Any, user_id: str) -> Counter[str]:
    account = store.user(user_id)
    counts = Counter(total_games=account.total_games, wins=account.wins, losses=account.losses, draws=account.draws)
    return +counts  # drop zero counts, as the expected Counter has none
