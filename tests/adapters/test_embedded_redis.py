"""The data dir's redis-server: started, adopted after a crash, or borrowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import redis

from chesschat.adapters.embedded_redis import EmbeddedRedis
from tests.support import eventually


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, OSError):
        return False
    finally:
        client.close()


def _crash_after_start(data_dir: Path) -> None:
    """A process that starts the server and dies by SIGKILL, leaving the server behind."""
    script = (
        "import os, signal, sys; from pathlib import Path;"
        "from chesschat.adapters.embedded_redis import EmbeddedRedis;"
        "EmbeddedRedis(Path(sys.argv[1])).start(); os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", script, str(data_dir)], check=False, timeout=30)


def test_a_server_left_by_a_crash_is_adopted_and_stopped_on_exit(tmp_path: Path) -> None:
    _crash_after_start(tmp_path)
    server = EmbeddedRedis(tmp_path)
    assert _answers(server.url), "the crashed process's redis-server should still run"
    url = server.start()
    assert server.owned and server.process is None
    server.stop()
    assert eventually(lambda: not _answers(url), timeout=15), "the adopted redis-server outlived its app"


def test_a_server_with_a_live_owner_is_borrowed_and_left_running(tmp_path: Path) -> None:
    owner, borrower = EmbeddedRedis(tmp_path), EmbeddedRedis(tmp_path)
    try:
        url = owner.start()
        assert borrower.start() == url
        assert not borrower.owned
        borrower.stop()
        assert _answers(url), "an operator command beside the server stopped its Redis"
    finally:
        owner.stop()
    assert not _answers(url)


def test_after_a_clean_stop_the_next_start_owns_a_fresh_server(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path)
    first.start()
    first.stop()
    second = EmbeddedRedis(tmp_path)
    try:
        second.start()
        assert second.owned and second.process is not None
    finally:
        second.stop()
