"""Finished games made by the real domain code, and their finalization jobs."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

import orjson
import redis

from chesschat.adapters.redis_live import FINALIZATION_QUEUE
from chesschat.domain import game as chess_game
from chesschat.domain.game import GameSettings

Ending = Literal["white_wins", "black_wins", "draw", "aborted"]
START_MS = 1_700_000_000_000


def finished_game(
    white: str, black: str, ending: Ending, plies: int = 6, started_ms: int = START_MS, seed: int = 0
) -> dict[str, Any]:
    """Play ``plies`` random legal moves, then end the game as ``ending`` says."""
    rng = random.Random(seed)
    now = started_ms
    game = chess_game.new_game(str(uuid.uuid4()), white, black, GameSettings(300_000, 300_000), now)
    board = chess_game.board_of(game)
    plies = min(plies, 1) if ending == "aborted" else plies
    for _ in range(plies):
        if game.result is not None:
            break
        now += 1000
        mover = game.player_to_move
        game, _ = chess_game.apply_move(game, board, mover, rng.choice(game.legal_moves), now)
    now += 1000
    if game.result is None:
        if ending == "aborted":
            game = chess_game.abort(game, white, now)
        elif ending == "draw":
            game = chess_game.accept_draw(chess_game.offer_draw(game, white), black, now)
        else:
            game = chess_game.resign(game, black if ending == "white_wins" else white, now)
    text = chess_game.pgn(game, f"w-{white[:6]}", f"b-{black[:6]}")
    return chess_game.to_record(game, "ROOMCODE", text, {white: f"w-{white[:6]}", black: f"b-{black[:6]}"})


def job_of(record: dict[str, Any]) -> bytes:
    """The job the room service queues for a finished game."""
    return orjson.dumps(
        {
            "gameId": record["game_id"],
            "roomCode": record["room_code"],
            "gameRecord": record,
            "whitePlayerId": record["white_player_id"],
            "blackPlayerId": record["black_player_id"],
            "winnerPlayerId": record.get("winner"),
            "queuedAt": START_MS,
        }
    )


def enqueue(redis_url: str, jobs: Iterable[bytes]) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        for job in jobs:
            client.lpush(FINALIZATION_QUEUE, job)
    finally:
        client.close()


def expected_stats(records: Iterable[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Each player's counters, worked out from the games independently of the store."""
    stats: dict[str, Counter[str]] = {}
    for record in records:
        white, black = record["white_player_id"], record["black_player_id"]
        for player in (white, black):
            stats.setdefault(player, Counter())
        if record["result"] == "aborted":
            continue
        for player in (white, black):
            stats[player]["total_games"] += 1
            if record["winner"] == "draw":
                stats[player]["draws"] += 1
            else:
                stats[player]["wins" if record["winner"] == player else "losses"] += 1
    return stats


def stats_of(store: Any, user_id: str) -> Counter[str]:
    account = store.user(user_id)
    counts = Counter(total_games=account.total_games, wins=account.wins, losses=account.losses, draws=account.draws)
    return +counts  # drop zero counts, as the expected Counter has none
