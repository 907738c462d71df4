"""``chesschat serve`` runs its own coturn: started with the app, its secret kept private in
the data dir, handed to the players in ``video_ready``, stopped with the app even when the
app is killed; one found running is replaced; without ``turnserver`` the app runs without
TURN."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import psutil

from chesschat.adapters.embedded_turn import EmbeddedTurn, exited, stun_answers
from tests.server.rooms import open_room
from tests.support import Client, answers, eventually, free_port, settings_for, signup
from tests.video.conftest import need_turnserver, turn_overrides
from tests.video.turn_client import allocate


class Serve:
    """``chesschat serve`` in its own process, its log lines kept in a file."""

    def __init__(self, redis_url: str, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.log = data_dir.parent / f"serve-{self.port}.log"
        environment = {
            **os.environ,
            "CHESSCHAT_REDIS_URL": redis_url,
            "CHESSCHAT_DATA_DIR": str(data_dir),
            "CHESSCHAT_PORT": str(self.port),
            **env,
        }
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "chesschat.cli.main", "serve"], env=environment, stdout=out, stderr=out
            )
        assert eventually(lambda: answers(f"{self.base_url}/healthz"), timeout=30), self.log.read_text()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def events(self) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        return [orjson.loads(line) for line in lines if line.startswith("{")]

    def turnserver(self) -> psutil.Process:
        """The coturn the app runs, once its pid file names a live process: a new coturn
        writes its pid there a moment after it starts, over the one it replaced."""
        pid_file = self.data_dir / "turn" / "turnserver.pid"

        def named() -> psutil.Process | None:
            try:
                process = psutil.Process(int(pid_file.read_text()))
            except (OSError, ValueError, psutil.NoSuchProcess):
                return None
            return None if exited(process) else process

        if not eventually(lambda: named() is not None, timeout=10):
            turn_log = self.data_dir / "turn" / "turnserver.log"
            pid = pid_file.read_text() if pid_file.exists() else "no pid file"
            tail = turn_log.read_text()[-3000:] if turn_log.exists() else "no coturn log"
            app = self.log.read_text()[-3000:]
            raise AssertionError(f"no live coturn in the pid file ({pid!r}); app: {app} coturn: {tail}")
        process = named()
        assert process is not None
        return process

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            self.popen.wait(timeout=20)


def turn_env() -> dict[str, str]:
    return {f"CHESSCHAT_{name.upper()}": str(value).lower() for name, value in turn_overrides().items()}


async def video_ready(base_url: str) -> dict[str, Any]:
    host = await Client.connect(base_url.replace("http", "ws") + "/ws", signup(base_url))
    guest = await Client.connect(base_url.replace("http", "ws") + "/ws", signup(base_url))
    await open_room(host, guest)
    ready: dict[str, Any] = next(f for f in reversed(host.seen) if f["type"] == "video_ready")
    await host.close()
    await guest.close()
    return ready


async def test_serve_starts_coturn_with_a_private_secret_and_stops_it_on_exit(clean_redis: str, tmp_path: Path) -> None:
    need_turnserver()
    env = turn_env()
    turn_port = int(env["CHESSCHAT_TURN_PORT"])
    serve = Serve(clean_redis, tmp_path / "data", **env)
    try:
        coturn = serve.turnserver()
        assert coturn.name() == "turnserver" and coturn.ppid() == serve.popen.pid
        turn_dir = tmp_path / "data" / "turn"
        for private in ("secret", "turnserver.conf"):
            assert stat.S_IMODE((turn_dir / private).stat().st_mode) == 0o600, private
        secret = (turn_dir / "secret").read_text().strip()
        assert len(secret) >= 32
        assert f"static-auth-secret={secret}" in (turn_dir / "turnserver.conf").read_text().splitlines()
        assert secret not in serve.log.read_text()
        assert stun_answers("127.0.0.1", turn_port)

        ready = await video_ready(serve.base_url)
        turn = next(s for s in ready["iceServers"] if "credential" in s)
        assert turn["urls"][0] == f"turn:127.0.0.1:{turn_port}?transport=udp"
        assert allocate("127.0.0.1", turn_port, turn["username"], turn["credential"]).relayed is not None
    finally:
        serve.stop()
    assert serve.popen.returncode == 0
    assert exited(coturn)
    assert not stun_answers("127.0.0.1", turn_port)


def test_a_killed_app_takes_its_coturn_with_it(clean_redis: str, tmp_path: Path) -> None:
    need_turnserver()
    env = turn_env()
    serve = Serve(clean_redis, tmp_path / "data", **env)
    coturn = serve.turnserver()
    serve.popen.send_signal(signal.SIGKILL)
    serve.popen.wait()
    assert eventually(lambda: exited(coturn), timeout=10)
    assert not stun_answers("127.0.0.1", int(env["CHESSCHAT_TURN_PORT"]))


def test_a_coturn_found_running_on_the_data_dir_is_replaced(clean_redis: str, tmp_path: Path) -> None:
    need_turnserver()
    env = turn_env()
    port = int(env["CHESSCHAT_TURN_PORT"])
    Serve(clean_redis, tmp_path / "data", **env).stop()
    # One the app did not stop (an app that ran where setpriv is missing, and crashed).
    config = tmp_path / "data" / "turn" / "turnserver.conf"
    left = subprocess.Popen(["turnserver", "-c", str(config)], stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        assert eventually(lambda: stun_answers("127.0.0.1", port), timeout=10)
        serve = Serve(clean_redis, tmp_path / "data", **env)
        try:
            assert exited(psutil.Process(left.pid))
            replacement = serve.turnserver()
            assert replacement.pid != left.pid and replacement.ppid() == serve.popen.pid
            assert stun_answers("127.0.0.1", port)
        finally:
            serve.stop()
        assert exited(replacement)
    finally:
        left.kill()
        left.wait()


# Stands in for a coturn left behind: holds the TURN port, and on SIGTERM ends while the
# port stays held a moment longer (by a process it hands the socket to), as a coturn's
# threads still hold it for a moment after its main thread has become a zombie.
LEFT_BEHIND = """#!{python}
import signal, socket, subprocess, sys, time
held = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
held.bind(("127.0.0.1", int(sys.argv[1])))
def stop(*_):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5)"], pass_fds=[held.fileno()])
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while True:
    time.sleep(1)
"""


def test_a_left_behind_coturn_whose_port_is_held_a_moment_after_it_ends_is_still_replaced(
    clean_redis: str, tmp_path: Path
) -> None:
    need_turnserver()
    settings = settings_for(clean_redis, tmp_path / "data", **turn_overrides())
    fake = tmp_path / "bin" / "turnserver"
    fake.parent.mkdir()
    fake.write_text(LEFT_BEHIND.format(python=sys.executable))
    fake.chmod(0o755)
    left = subprocess.Popen([str(fake), str(settings.turn_port)], stdout=subprocess.PIPE)
    turn = EmbeddedTurn(settings)
    try:
        assert left.stdout is not None and left.stdout.readline() == b"ready\n"
        assert psutil.Process(left.pid).name() == "turnserver"
        turn.dir.mkdir(parents=True)
        turn.pid_file.write_text(str(left.pid))
        turn.start()  # raised "port … is taken" while the port was still held
        assert stun_answers("127.0.0.1", settings.turn_port)
        assert left.wait(timeout=5) == 0
    finally:
        turn.stop()
        left.kill()
        left.wait()


async def test_without_turnserver_serve_warns_and_runs_without_turn(clean_redis: str, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    serve = Serve(clean_redis, tmp_path / "data", PATH=str(empty), **turn_env())
    try:
        warnings = [e for e in serve.events() if e.get("event") == "turn_unavailable"]
        assert warnings and "turnserver is not installed" in warnings[0]["reason"]
        assert warnings[0]["level"] == "warning"
        assert (await video_ready(serve.base_url))["iceServers"] == []
    finally:
        serve.stop()
    assert serve.popen.returncode == 0
