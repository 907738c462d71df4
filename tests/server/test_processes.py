"""Several `chesschat serve` processes on one Redis: any process serves any player."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.server.rooms import open_room, start
from tests.support import Client, answers, eventually, free_port, play, signup


class Process:
    def __init__(self, redis_url: str, data_dir: Path, **settings: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "CHESSCHAT_REDIS_URL": redis_url,
            "CHESSCHAT_DATA_DIR": str(data_dir),
            "CHESSCHAT_PORT": str(self.port),
            "CHESSCHAT_LOG_LEVEL": "warning",
            **{f"CHESSCHAT_{name.upper()}": value for name, value in settings.items()},
        }
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "chesschat.cli.main", "serve"], env=env, stdout=subprocess.DEVNULL
        )
        assert eventually(lambda: answers(f"{self.base_url}/healthz"), timeout=30), "server process did not start"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=15)


@pytest.fixture
def processes(clean_redis: str, tmp_path: Path) -> Iterator[tuple[Process, Process]]:
    first, second = Process(clean_redis, tmp_path), Process(clean_redis, tmp_path)
    yield first, second
    first.stop()
    second.stop()


async def test_players_on_two_processes_play_a_whole_game(processes: tuple[Process, Process]) -> None:
    one, two = processes
    a = await Client.connect(one.ws_url, signup(one.base_url))
    b = await Client.connect(two.ws_url, signup(two.base_url))
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["e2e4", "e7e5", "f1c4", "b8c6", "d1h5", "g8f6"])
    await white.send({"type": "make_move", "roomCode": code, "move": "h5f7"})
    for player in (white, black):
        ended = await player.expect("game_ended")
        assert ended["result"] == "checkmate" and ended["winner"] == white.user_id
    await a.send({"type": "signal", "roomCode": code, "data": {"sdp": "offer"}})
    relayed = await b.expect("signal")
    assert relayed["from"] == a.user_id and relayed["data"] == {"sdp": "offer"}


async def test_a_killed_process_loses_nothing_and_its_player_continues_on_the_other(
    processes: tuple[Process, Process],
) -> None:
    one, two = processes
    a_account, b_account = signup(one.base_url), signup(two.base_url)
    a = await Client.connect(one.ws_url, a_account)
    b = await Client.connect(two.ws_url, b_account)
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["f2f3", "e7e5"])
    one.kill()  # a's process dies mid-game, with no chance to say goodbye
    a2 = await Client.connect(two.ws_url, a_account)
    await a2.send({"type": "join_room", "roomCode": code})
    joined = await a2.expect("room_joined")
    assert joined["activeGame"]["moves"] == ["f2f3", "e7e5"]
    white2, black2 = (a2, b) if white is a else (b, a2)
    await play(white2, black2, code, ["g2g4"])
    await black2.send({"type": "make_move", "roomCode": code, "move": "d8h4"})
    for player in (white2, black2):
        ended = await player.expect("game_ended")
        assert ended["result"] == "checkmate" and ended["winner"] == black2.user_id


async def test_the_players_of_a_dead_process_are_treated_as_dropped(clean_redis: str, tmp_path: Path) -> None:
    """A process dies without closing its sockets: once it has been silent long enough, any
    other process starts its players' grace, and the game is forfeited if they stay away."""
    quick = {"node_heartbeat_seconds": "0.2", "node_dead_after_seconds": "1.5", "reconnect_grace_seconds": "2"}
    one, two = Process(clean_redis, tmp_path, **quick), Process(clean_redis, tmp_path, **quick)
    try:
        a = await Client.connect(one.ws_url, signup(one.base_url))
        b = await Client.connect(two.ws_url, signup(two.base_url))
        code = await open_room(a, b)
        white, black, _ = await start(a, b, code)
        await play(white, black, code, ["e2e4", "e7e5"])
        one.kill()
        paused = await b.expect("reconnect_state", timeout=15)
        assert paused["status"] == "paused" and paused["disconnectedUserId"] == a.user_id
        ended = await b.expect("game_ended", timeout=15)
        assert ended["result"] == "forfeit_disconnect" and ended["winner"] == b.user_id
    finally:
        one.stop()
        two.stop()


def test_sigterm_stops_the_server_and_the_redis_it_started(tmp_path: Path) -> None:
    """What systemd, `docker stop` or a plain `kill` send: a clean exit, and the embedded
    Redis goes with the server instead of running on orphaned."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHESSCHAT_")}
    env |= {"CHESSCHAT_DATA_DIR": str(tmp_path), "CHESSCHAT_PORT": str(port), "CHESSCHAT_LOG_LEVEL": "warning"}
    popen = subprocess.Popen([sys.executable, "-m", "chesschat.cli.main", "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        assert eventually(lambda: answers(f"http://127.0.0.1:{port}/healthz"), timeout=30)
        socket_path = tmp_path / "redis" / "redis.sock"
        embedded = redis.Redis(unix_socket_path=str(socket_path))
        assert embedded.ping()
        popen.send_signal(signal.SIGTERM)
        assert popen.wait(timeout=30) == 0
        assert eventually(lambda: not _answers(embedded), timeout=15), "the embedded Redis outlived the server"
    finally:
        if popen.poll() is None:
            popen.kill()


def test_a_redis_left_by_a_killed_server_is_stopped_by_the_next_clean_exit(tmp_path: Path) -> None:
    """After a kill -9 the embedded Redis runs on (it holds the unwritten games); the next
    start reuses it, and that server's clean exit stops it instead of leaving it forever."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHESSCHAT_")}
    env |= {"CHESSCHAT_DATA_DIR": str(tmp_path), "CHESSCHAT_PORT": str(port), "CHESSCHAT_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "chesschat.cli.main", "serve"]
    embedded = redis.Redis(unix_socket_path=str(tmp_path / "redis" / "redis.sock"))
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    second: subprocess.Popen[bytes] | None = None
    try:
        assert eventually(lambda: answers(f"http://127.0.0.1:{port}/healthz"), timeout=30)
        redis_pid = embedded.info("server")["process_id"]
        first.kill()
        first.wait(timeout=10)
        assert _answers(embedded), "the embedded Redis should outlive a crash"
        second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        assert eventually(lambda: answers(f"http://127.0.0.1:{port}/healthz"), timeout=30)
        assert embedded.info("server")["process_id"] == redis_pid, "the running Redis was not reused"
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
        assert eventually(lambda: not _answers(embedded), timeout=15), "the reused Redis outlived the server"
    finally:
        for popen in (first, second):
            if popen is not None and popen.poll() is None:
                popen.kill()
        embedded.close()


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except (redis.ConnectionError, OSError):
        return False
