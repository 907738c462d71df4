"""Fixtures of the video tests: Debian's real coturn, started as ``chesschat serve`` starts
it, on this test's own ports, with loopback peers allowed (everything runs on one host)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chesschat.adapters.embedded_turn import EmbeddedTurn, turnserver_binary
from chesschat.cli.turn import start_embedded
from tests.support import ServerThread, free_port, settings_for


def need_turnserver() -> None:
    """coturn missing fails the run (a TURN test never passes by skipping)."""
    if turnserver_binary() is None:
        pytest.fail("coturn is not installed (apt-get install coturn; scripts/test does it)")


def turn_overrides() -> dict[str, Any]:
    """Settings of an embedded coturn of its own: a free listening port, a relay range
    picked at random (coturn skips a port something else holds), loopback peers allowed."""
    low = random.randrange(50000, 60000)
    return {
        "turn": "embedded",
        "turn_port": free_port(),
        "turn_relay_min_port": low,
        "turn_relay_max_port": low + 199,
        "turn_allow_loopback_peers": True,
    }


@pytest.fixture
def turn_app(clean_redis: str, tmp_path: Path) -> Iterator[Callable[..., tuple[ServerThread, EmbeddedTurn]]]:
    """Starts the app as ``chesschat serve`` does with its embedded coturn (settings
    overrides as keywords); returns the running app and its coturn, both stopped after."""
    started: list[ServerThread | EmbeddedTurn] = []

    def start(**overrides: Any) -> tuple[ServerThread, EmbeddedTurn]:
        need_turnserver()
        data_dir = tmp_path / f"app{len(started)}"
        settings, server = start_embedded(settings_for(clean_redis, data_dir, **turn_overrides(), **overrides))
        assert server is not None and server.owned, f"coturn did not start; see {data_dir / 'turn'}"
        started.append(server)
        app = ServerThread(settings).start()
        started.append(app)
        return app, server

    yield start
    for running in reversed(started):
        running.stop()
