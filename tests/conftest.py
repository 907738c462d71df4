from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, settings

from chesschat.adapters.embedded_redis import EmbeddedRedis
from tests.support import Client, FakeClock, ServerThread, free_port, settings_for, signup

pytest_plugins = ["tests.cognito_pool"]  # the moto user pool fixtures

# Properties assert behaviour, not speed: on a busy machine (two cores, a browser and a
# Redis beside them) a slow example is no failure.
settings.register_profile("chesschat", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("chesschat")

# Processes the tests start (servers, workers, the CLI) run this checkout's code too.
SRC = Path(__file__).resolve().parents[1] / "src"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
# A `chesschat serve` the tests start runs without the embedded coturn unless its test asks
# for one on its own port: the default port (3478) is one per machine.
os.environ.setdefault("CHESSCHAT_TURN", "off")


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
def make_server(clean_redis: str, tmp_path: Path, clock: FakeClock) -> Iterator[Callable[..., ServerThread]]:
    """Start app servers with settings overrides; all are stopped after the test."""
    started: list[ServerThread] = []

    def make(**overrides: Any) -> ServerThread:
        data_dir = overrides.pop("data_dir", tmp_path / f"server{len(started)}")  # shared: one record store
        running = ServerThread(settings_for(clean_redis, data_dir, **overrides), clock).start()
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def server(make_server: Callable[..., ServerThread]) -> ServerThread:
    """The app on a real port with a real Redis and an injected clock."""
    return make_server()


@pytest.fixture
async def pair(server: ServerThread) -> AsyncIterator[tuple[Client, Client]]:
    """Two signed-up players, connected."""
    a = await Client.connect(server.ws_url, signup(server.base_url))
    b = await Client.connect(server.ws_url, signup(server.base_url))
    yield a, b
    await a.close()
    await b.close()
