"""Records benchmark: finalization throughput and history latency.

Runs against real things: a redis-server started here, SQLite in a temporary data dir, and
moto's DynamoDB server (one request at a time, see tests/records/moto.py). moto is an
emulator written in Python: its figures say how this code behaves end to end, not what
DynamoDB itself would do.

    python3 -m bench.records_bench [--games 1000] [--moto-games 300] [--history 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

import redis
from tests.records.games import finished_game, job_of
from tests.records.moto import MotoServer
from tests.support import free_port

from chesschat.adapters.embedded_redis import EmbeddedRedis
from chesschat.adapters.metrics import PrometheusMetrics
from chesschat.adapters.records import open_store
from chesschat.adapters.records.dynamodb import DynamoRecords, item_of
from chesschat.adapters.records.mapping import game_to_item
from chesschat.adapters.redis_live import FINALIZATION_QUEUE, FinalizationQueue, connect
from chesschat.domain.finished import FinishedGame
from chesschat.observability import configure_logging
from chesschat.services.records import Records, RecordStore, cursor_of, encode_cursor
from chesschat.settings import Settings
from chesschat.workers.finalizer import Finalizer, new_worker_id

PLIES = 40  # a typical game's length: the record carries 41 FENs and the PGN


def clone(template: FinishedGame, white: str, black: str, index: int) -> FinishedGame:
    """The template game under a new id, players and end time (one second apart)."""
    winner = white if template.winner_id == template.white_id else black
    return replace(
        template,
        game_id=str(uuid.uuid4()),
        white_id=white,
        black_id=black,
        winner_id=winner,
        ended_at_ms=(1_700_000_000 + index) * 1000,
    )


def settings_for(kind: str, redis_url: str, data_dir: Path, moto: MotoServer) -> Settings:
    return Settings(
        redis_url=redis_url,
        data_dir=data_dir,
        record_store=kind,  # type: ignore[arg-type]
        dynamodb_endpoint_url=moto.url,
        dynamodb_table_prefix=f"b{uuid.uuid4().hex[:6]}-",
        log_level="warning",
    )


def prepared_store(settings: Settings) -> RecordStore:
    store = open_store(settings)
    if isinstance(store, DynamoRecords):
        store.create_tables()
    return store


async def finalization(settings: Settings, games: int) -> float:
    """Games per second through one worker process (default concurrency), queue to store."""
    store = prepared_store(settings)
    white, black = (store.create_user(f"p{i}", "", "h").user_id for i in range(2))
    template = finished_game(white, black, "white_wins", plies=PLIES)
    jobs = [job_of(clone(template, white, black, i)) for i in range(games)]
    client = redis.Redis.from_url(settings.redis_url or "")
    client.delete(FINALIZATION_QUEUE)
    client.lpush(FINALIZATION_QUEUE, *jobs)
    live = connect(settings)
    worker = Finalizer(FinalizationQueue(live, new_worker_id()), Records(store), PrometheusMetrics(), settings)
    started = time.perf_counter()
    await worker.start()
    # The worker signals nothing on completion; its success counter is what an operator sees.
    while worker.metrics.value("GamePersistSucceeded") < games:  # type: ignore[attr-defined]  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    await worker.stop()
    await live.aclose()
    client.close()
    account = store.user(white)
    assert account is not None and account.wins == games
    store.close()
    return games / elapsed


def load_history(store: RecordStore, user: str, games: int) -> list[FinishedGame]:
    """Store ``games`` finished games of ``user`` (alternating colours) as fast as possible."""
    opponent = store.create_user(f"opp{uuid.uuid4().hex[:6]}", "", "h").user_id
    template = finished_game(user, opponent, "draw", plies=PLIES)
    records = [clone(template, *((user, opponent) if i % 2 else (opponent, user)), index=i) for i in range(games)]
    if isinstance(store, DynamoRecords):
        # Bulk load without transactions (moto copies every table per transaction).
        for start in range(0, games, 25):
            batch = [{"PutRequest": {"Item": item_of(game_to_item(r))}} for r in records[start : start + 25]]
            store.client.batch_write_item(RequestItems={store.name("games"): batch})
        return records
    for record in records:
        store.record_game(record, [])
    return records


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


async def history(settings: Settings, games: int, samples: int) -> dict[str, tuple[float, float]]:
    """p50/p95 (ms) of a 20-game history page at ``games`` stored games: first and deep."""
    store = prepared_store(settings)
    user = store.create_user("reader", "", "h").user_id
    loaded = load_history(store, user, games)
    records = Records(store)
    newest_first = sorted(loaded, key=cursor_of, reverse=True)
    cursor = encode_cursor(cursor_of(newest_first[games // 2]))  # halfway down the history
    results = {}
    for name, at in (("first page", None), (f"page at game {games // 2:,}", cursor)):
        timings = []
        for _ in range(samples):
            began = time.perf_counter()
            page, _ = await records.history(user, at)
            timings.append(time.perf_counter() - began)
            assert len(page) == 20
        results[name] = percentiles(timings)
    store.close()
    return results


async def run(args: argparse.Namespace) -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        live = EmbeddedRedis(data / "redis", port=free_port())
        url = live.start()
        moto = MotoServer()
        moto.start()
        try:
            sqlite = settings_for("sqlite", url, data / "fin", moto)
            dynamo = settings_for("dynamodb", url, data / "dyn", moto)
            kinds = ("sqlite", "dynamodb") if args.store == "all" else (args.store,)
            label = {"sqlite": "SQLite", "dynamodb": "DynamoDB via moto"}
            if args.part in ("all", "finalization"):
                print("| store | finalization (games/s) |")
                print("|---|---|")
                for kind in kinds:
                    settings = sqlite if kind == "sqlite" else dynamo
                    games = args.games if kind == "sqlite" else args.moto_games
                    print(f"| {label[kind]} ({games} games) | {await finalization(settings, games):.0f} |")
                print()
            if args.part in ("all", "history"):
                print(f"| store | history page of 20 ({args.history:,} games) | p50 ms | p95 ms |")
                print("|---|---|---|---|")
                for kind in kinds:
                    settings = settings_for(kind, url, data / f"hist-{kind}", moto)
                    samples = args.samples if kind == "sqlite" else args.moto_samples
                    for name, (p50, p95) in (await history(settings, args.history, samples)).items():
                        print(f"| {label[kind]} | {name} | {p50:.2f} | {p95:.2f} |")
        finally:
            moto.stop()
            live.stop()


def main() -> None:
    configure_logging("warning", json=False)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "finalization", "history"), default="all")
    parser.add_argument("--store", choices=("all", "sqlite", "dynamodb"), default="all")
    parser.add_argument("--games", type=int, default=1000)
    parser.add_argument("--moto-games", type=int, default=300)
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--moto-samples", type=int, default=20, help="moto answers a query in seconds at 10k")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
