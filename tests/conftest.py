from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from chesschat.adapters.embedded_redis import EmbeddedRedis
from tests.support import Client, FakeClock, ServerThread, free_port, signup, test_settings


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server for the whole run, on its own port."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), port=free_port())
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    client.close()
    return redis_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clean_redis: str, tmp_path: Path, clock: FakeClock) -> Iterator[ServerThread]:
    """The app on a real port with a real Redis and an injected clock."""
    running = ServerThread(test_settings(clean_redis, tmp_path), clock).start()
    yield running
    running.stop()


@pytest.fixture
async def pair(server: ServerThread) -> AsyncIterator[tuple[Client, Client]]:
    """Two signed-up players, connected."""
    a = await Client.connect(server.ws_url, signup(server.base_url))
    b = await Client.connect(server.ws_url, signup(server.base_url))
    yield a, b
    await a.close()
    await b.close()
