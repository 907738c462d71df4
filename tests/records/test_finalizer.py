"""The finalization worker against a real Redis and each real store, with real faults."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import orjson
import pytest
import redis.asyncio as aioredis

from chesschat.adapters.records.dynamodb import DynamoRecords, item_of
from chesschat.adapters.records.mapping import game_to_item
from chesschat.adapters.redis_live import FinalizationQueue
from chesschat.services.records import RecordStore
from chesschat.settings import Settings
from chesschat.workers.finalizer import Finalizer, backoff
from tests.records.conftest import MotoServer, eventually, outage
from tests.records.games import (
    START_MS,
    Ending,
    enqueue,
    expected_stats,
    finished_game,
    job_lacking,
    job_of,
    stats_of,
)

StartFinalizer = Callable[..., Awaitable[Finalizer]]


def players(store: RecordStore, count: int = 2) -> list[str]:
    return [store.create_user(f"player{i}", "", "h").user_id for i in range(count)]


async def queue_state(settings: Settings) -> tuple[int, int, list[dict[str, object]]]:
    """(queued, held by workers, dead letters) as an operator would see them."""
    client = aioredis.Redis.from_url(settings.redis_url or "")
    try:
        queue = FinalizationQueue(client)
        held = sum(len(jobs) for jobs in (await queue.in_flight()).values())
        return await queue.queued(), held, [orjson.loads(e) for e in await queue.dead_letters()]
    finally:
        await client.aclose()


def add_account_row(store: RecordStore, user_id: str) -> None:
    """An account that arrives late (e.g. created at its first sign-in), written directly."""
    if isinstance(store, DynamoRecords):
        row = {"user_id": user_id, "username": user_id, "created_at": "2024-01-01T00:00:00Z"}
        store.client.put_item(TableName=store.name("users"), Item=item_of(row))
        return
    db = sqlite3.connect(store.path)  # type: ignore[attr-defined]
    with db:
        db.execute(
            "INSERT INTO users(user_id, username, password_hash, created_at) VALUES (?, ?, '', '')",
            (user_id, user_id),
        )
    db.close()


async def test_finalizer_records_a_finished_game_and_both_players_stats(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer
) -> None:
    white, black = players(store)
    record = finished_game(white, black, "black_wins")
    worker = await finalizers()
    enqueue(settings.redis_url or "", [job_of(record)])
    await eventually(lambda: store.game(record.game_id), what="the game record")
    assert store.game(record.game_id) == record
    assert stats_of(store, black) == {"wins": 1, "total_games": 1}
    assert stats_of(store, white) == {"losses": 1, "total_games": 1}
    await eventually(lambda: worker.metrics.value("GamePersistSucceeded") == 1, what="the success metric")  # type: ignore[attr-defined]
    assert await queue_state(settings) == (0, 0, [])


async def test_finalizer_same_job_delivered_twice_lands_once(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer
) -> None:
    white, black = players(store)
    record = finished_game(white, black, "draw")
    job = job_of(record)
    worker = await finalizers()
    enqueue(settings.redis_url or "", [job, job])
    await eventually(lambda: worker.metrics.value("GamePersistSucceeded") == 2, what="both deliveries")  # type: ignore[attr-defined]
    assert stats_of(store, white) == stats_of(store, black) == {"draws": 1, "total_games": 1}
    assert [g.game_id for g in store.history(white, 10, None)] == [record.game_id]
    assert await queue_state(settings) == (0, 0, [])


async def test_finalizer_parks_unreadable_jobs_and_keeps_recording(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer
) -> None:
    white, black = players(store)
    good = finished_game(white, black, "white_wins")
    incomplete = finished_game(white, black, "white_wins")
    await finalizers(finalizer_concurrency=1)
    enqueue(settings.redis_url or "", [b"{not json", job_lacking(incomplete, "winner"), job_of(good)])
    await eventually(lambda: store.game(good.game_id), what="the good game")
    _, _, dead = await eventually(lambda: _dead_count(settings, 2), what="two dead letters")
    errors = sorted(str(entry["error"]) for entry in dead)
    assert errors[0].startswith("malformed job: gameRecord.winner")
    assert errors[1].startswith("malformed job: not JSON")
    assert {entry["attempts"] for entry in dead} == {0}
    assert store.game(incomplete.game_id) is None
    assert stats_of(store, white) == {"wins": 1, "total_games": 1}


async def _dead_count(settings: Settings, count: int) -> tuple[int, int, list[dict[str, object]]] | None:
    state = await queue_state(settings)
    return state if len(state[2]) == count else None


async def test_finalizer_dead_letters_after_five_refusals_then_requeue_lands(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer
) -> None:
    (white,) = players(store, 1)
    late = "account-not-yet-created"
    record = finished_game(white, late, "white_wins")
    worker = await finalizers()
    enqueue(settings.redis_url or "", [job_of(record)])
    _, _, dead = await eventually(lambda: _dead_count(settings, 1), what="the dead letter")
    entry = dead[0]
    assert entry["id"] == record.game_id and entry["attempts"] == 5
    assert "UnknownPlayer" in str(entry["error"]) and late in str(entry["error"])
    assert orjson.loads(str(entry["job"]))["gameRecord"] == game_to_item(record)
    metrics = worker.metrics
    assert metrics.value("GamePersistRetried") == 4 and metrics.value("GamePersistFailed") == 1  # type: ignore[attr-defined]
    assert store.game(record.game_id) is None and stats_of(store, white) == {}

    add_account_row(store, late)
    process = await asyncio.create_subprocess_exec(
        "python3",
        "-m",
        "chesschat.cli.main",
        "deadletter",
        "requeue",
        record.game_id,
        env=settings_env(settings),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0 and b"requeued 1 job(s)" in out
    await eventually(lambda: store.game(record.game_id), what="the requeued game")
    assert stats_of(store, white) == {"wins": 1, "total_games": 1}
    assert stats_of(store, late) == {"losses": 1, "total_games": 1}
    assert await queue_state(settings) == (0, 0, [])


async def test_finalizer_waits_out_a_store_outage_and_then_lands_everything(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer, moto_server: MotoServer
) -> None:
    people = players(store, 3)
    records = [finished_game(people[i % 3], people[(i + 1) % 3], "white_wins", seed=i) for i in range(6)]
    worker = await finalizers(finalizer_attempts=2)
    metrics = worker.metrics
    with outage(settings, moto_server):
        enqueue(settings.redis_url or "", [job_of(r) for r in records])
        # Each of the two slots fails more often than the attempts a refused game gets.
        await eventually(lambda: metrics.value("GamePersistRetried") >= 6, what="retries")  # type: ignore[attr-defined]
        queued, held, dead = await queue_state(settings)
        assert queued + held == len(records) and dead == []
        assert metrics.value("GamePersistSucceeded") == 0  # type: ignore[attr-defined]
    await eventually(lambda: metrics.value("GamePersistSucceeded") == len(records), what="all games")  # type: ignore[attr-defined]
    assert all(store.game(r.game_id) == r for r in records)
    expected = expected_stats(records)
    assert {p: stats_of(store, p) for p in people} == expected
    assert await queue_state(settings) == (0, 0, [])


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process these settings."""

    env = dict(os.environ)
    for name, value in settings.model_dump(exclude_none=True).items():
        if isinstance(value, str | int | float | bool) or hasattr(value, "__fspath__"):
            env[f"CHESSCHAT_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    env["CHESSCHAT_LOG_LEVEL"] = "warning"
    return env


async def test_finalizer_job_of_a_killed_worker_lands_exactly_once(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer, moto_server: MotoServer
) -> None:
    white, black = players(store)
    record = finished_game(white, black, "black_wins")
    with outage(settings, moto_server):
        process = await asyncio.create_subprocess_exec(
            "python3", "-m", "chesschat.cli.main", "worker", env=settings_env(settings)
        )
        try:
            enqueue(settings.redis_url or "", [job_of(record)])
            # The worker has taken the job and is trying to write it.
            await eventually(lambda: _taken(settings), what="the job to be taken")
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.kill()  # SIGKILL: no chance to hand the job back
            await process.wait()
        assert await queue_state(settings) == (0, 1, [])
    await finalizers()
    await eventually(lambda: store.game(record.game_id), what="the game of the killed worker")
    await eventually(lambda: _settled(settings), what="the queue to settle")
    assert stats_of(store, black) == {"wins": 1, "total_games": 1}
    assert stats_of(store, white) == {"losses": 1, "total_games": 1}


async def _taken(settings: Settings) -> bool:
    queued, held, _ = await queue_state(settings)
    return queued == 0 and held == 1


async def _settled(settings: Settings) -> bool:
    return await queue_state(settings) == (0, 0, [])


ENDINGS: tuple[Ending, ...] = ("white_wins", "black_wins", "draw", "aborted")


@pytest.mark.slow
async def test_finalizer_300_concurrent_games_with_3_worker_processes_land_exactly_once(
    settings: Settings, store: RecordStore
) -> None:
    people = players(store, 8)
    records = [
        finished_game(
            people[i % 8], people[(i + 1 + (i // 8) % 7) % 8], ENDINGS[i % 4], plies=4, started_ms=START_MS + i, seed=i
        )
        for i in range(300)
    ]
    env = settings_env(settings)
    workers = [
        await asyncio.create_subprocess_exec("python3", "-m", "chesschat.cli.main", "worker", env=env) for _ in range(3)
    ]
    try:
        await eventually(lambda: _workers_registered(settings, 3), what="three workers")
        jobs = [job_of(r) for r in records]
        # Six rooms' worth of games finishing at once.
        await asyncio.gather(*(asyncio.to_thread(enqueue, settings.redis_url or "", jobs[n::6]) for n in range(6)))
        await eventually(lambda: _settled(settings), timeout=60, what="all jobs recorded")
    finally:
        for worker in workers:
            worker.terminate()
        codes = [await worker.wait() for worker in workers]
    assert codes == [0, 0, 0]
    stored = {g.game_id for p in people for g in store.history(p, 1000, None)}
    assert stored == {r.game_id for r in records}
    assert {p: stats_of(store, p) for p in people} == expected_stats(records)
    totals = [store.user(p) for p in people]
    assert sum(a.wins for a in totals if a) == sum(a.losses for a in totals if a) == 150
    assert sum(a.total_games for a in totals if a) == 2 * 225


async def _workers_registered(settings: Settings, count: int) -> bool:
    client = aioredis.Redis.from_url(settings.redis_url or "")
    try:
        return len(await FinalizationQueue(client).in_flight()) == count
    finally:
        await client.aclose()


def test_finalizer_backoff_doubles_from_the_base_with_jitter_and_a_cap() -> None:
    for attempt in range(1, 6):
        ceiling = 0.25 * 2 ** (attempt - 1)
        delays = [backoff(0.25, attempt, 30.0) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 100  # jittered, so workers retrying together spread out
    assert all(15.0 <= backoff(0.25, 20, 30.0) <= 30.0 for _ in range(50))


class CuttableLink:
    """A TCP proxy to Redis that the test can cut: every connection through it drops and no
    new one is accepted, as when a network path fails."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()


async def test_finalizer_worker_killed_after_writing_but_before_acknowledging_counts_once(
    settings: Settings, store: RecordStore, finalizers: StartFinalizer, moto_server: MotoServer
) -> None:
    url = urlsplit(settings.redis_url)
    link = CuttableLink(url.hostname or "127.0.0.1", url.port or 6379)
    through_link = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{await link.start()}/0"})
    white, black = players(store)
    record = finished_game(white, black, "white_wins")
    with outage(settings, moto_server):
        worker = await asyncio.create_subprocess_exec(
            "python3", "-m", "chesschat.cli.main", "worker", env=settings_env(through_link)
        )
        enqueue(settings.redis_url or "", [job_of(record)])
        await eventually(lambda: _taken(settings), what="the job to be taken")
        link.cut()  # from now on the worker can write the game but not acknowledge it
    await eventually(lambda: store.game(record.game_id), what="the write")
    assert await queue_state(settings) == (0, 1, [])
    worker.kill()
    await worker.wait()
    replayer = await finalizers()
    await eventually(lambda: _settled(settings), what="the job to be reaped and replayed")
    assert replayer.metrics.value("GamePersistSucceeded") == 1  # type: ignore[attr-defined]
    assert stats_of(store, white) == {"wins": 1, "total_games": 1}
    assert stats_of(store, black) == {"losses": 1, "total_games": 1}
