"""Fixtures for the record stores: a real moto server, a fresh store of each kind, games.

DynamoDB runs against moto's server on a free port (a real HTTP endpoint; boto3 reaches it
through ``endpoint_url``); SQLite against a file in the test's directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chesschat.adapters.metrics import PrometheusMetrics
from chesschat.adapters.records import SQLITE_FILE, open_store
from chesschat.adapters.records.dynamodb import DynamoRecords
from chesschat.adapters.redis_live import FinalizationQueue, connect
from chesschat.services.records import Records, RecordStore
from chesschat.settings import Settings
from chesschat.workers.finalizer import Finalizer, new_worker_id
from tests.records.moto import MotoServer

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
STORES = ["sqlite", "dynamodb"]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    os.environ.update(AWS_ENV)
    server = MotoServer()
    server.start()
    yield server
    server.stop()


def store_settings(kind: str, redis_url: str, data_dir: Path, moto: MotoServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "data_dir": data_dir,
        "record_store": kind,
        "dynamodb_endpoint_url": moto.url,
        "dynamodb_table_prefix": f"t{uuid.uuid4().hex[:8]}-",
        "sqlite_busy_timeout_seconds": 0.2,
        "finalizer_concurrency": 2,
        "finalizer_backoff_base_seconds": 0.01,
        "finalizer_backoff_max_seconds": 0.1,
        "finalizer_lease_seconds": 1.0,
        "finalizer_reap_seconds": 0.2,
        "finalizer_block_seconds": 0.2,
        "log_json": True,
    }
    values.update(overrides)
    return Settings(**values)


def make_store(settings: Settings) -> RecordStore:
    store = open_store(settings)
    if isinstance(store, DynamoRecords):
        store.create_tables()
    return store


@pytest.fixture(params=STORES)
def settings(request: pytest.FixtureRequest, clean_redis: str, tmp_path: Path, moto_server: MotoServer) -> Settings:
    return store_settings(request.param, clean_redis, tmp_path, moto_server)


@pytest.fixture
def store(settings: Settings) -> Iterator[RecordStore]:
    opened = make_store(settings)
    yield opened
    opened.close()


@contextlib.contextmanager
def outage(settings: Settings, moto: MotoServer) -> Iterator[None]:
    """The record store unreachable, for real: SQLite's file held under an exclusive lock by
    another connection; moto's server stopped."""
    if settings.record_store == "sqlite":
        holder = sqlite3.connect(settings.data_dir / SQLITE_FILE, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        moto.stop()
        try:
            yield
        finally:
            moto.start()


@pytest.fixture
async def finalizers(settings: Settings) -> AsyncIterator[Callable[..., Awaitable[Finalizer]]]:
    """Start in-process finalization workers on this test's store (stopped at teardown)."""
    running: list[tuple[Finalizer, Any, RecordStore]] = []

    async def start(**overrides: Any) -> Finalizer:
        own = settings.model_copy(update=overrides)
        client = connect(own)
        store = open_store(own)
        finalizer = Finalizer(FinalizationQueue(client, new_worker_id()), Records(store), PrometheusMetrics(), own)
        await finalizer.start()
        running.append((finalizer, client, store))
        return finalizer

    yield start
    for finalizer, client, store in running:
        await finalizer.stop()
        await client.aclose()
        store.close()


async def eventually(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll ``condition`` (sync or async) until it is truthy and return it; fail after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
