"""Test harness: a real redis-server, the real app served by uvicorn in a thread with an
injected clock, and real WebSocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
import websockets
from websockets.asyncio.client import ClientConnection

from chesschat.settings import Settings
from chesschat.web.app import create_app
from chesschat.web.serving import uvicorn_config


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it holds or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def answers(url: str) -> bool:
    """Whether a server answers ``url`` with 200 (for waiting until one is up)."""
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeClock:
    """A clock the test moves by hand (thread-safe: the server reads it from its thread)."""

    def __init__(self, start_ms: int | None = None) -> None:
        self._now = start_ms if start_ms is not None else time.time_ns() // 1_000_000
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._now

    def advance(self, ms: int) -> None:
        with self._lock:
            self._now += ms


class ServerThread:
    """The whole app (lifespan, workers, relay) on a real port, in a background thread."""

    def __init__(self, settings: Settings, clock: FakeClock | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.app = create_app(settings, clock)
        config = uvicorn_config(self.app, settings, graceful_shutdown_seconds=2)
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())
        self.loop.close()

    @property
    def wiring(self) -> Any:
        return self.app.state.wiring

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.settings.port}/ws"

    def run(self, coro: Any) -> Any:
        """Run a coroutine on the server's own event loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=15)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        if self.thread.is_alive():
            import io
            import sys
            import traceback

            stacks = io.StringIO()
            frame = sys._current_frames()[self.thread.ident]  # type: ignore[index]
            stacks.write("".join(traceback.format_stack(frame)))
            for task in asyncio.all_tasks(self.loop):
                task.print_stack(file=stacks)
            raise RuntimeError("server did not stop; tasks:\n" + stacks.getvalue())


def settings_for(redis_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "data_dir": data_dir,
        "port": free_port(),
        "log_json": True,
        "clock_poll_seconds": 0.01,
        "grace_poll_seconds": 0.01,
        "expiry_poll_seconds": 0.05,
    }
    values.update(overrides)
    return Settings(**values)


def signup(base_url: str, username: str | None = None, password: str = "correct horse") -> dict[str, Any]:
    name = username or f"u{uuid.uuid4().hex[:10]}"
    response = httpx.post(f"{base_url}/api/auth/signup", json={"username": name, "password": password})
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


class Client:
    """A scripted player on a real WebSocket."""

    def __init__(self, ws: ClientConnection, account: dict[str, Any]) -> None:
        self.ws = ws
        self.account = account
        user = account["user"]
        self.user = user
        self.user_id: str = user["user_id"]
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, ws_url: str, account: dict[str, Any]) -> Client:
        ws = await websockets.connect(f"{ws_url}?token={account['token']}", max_size=None)
        return cls(ws, account)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        frame: dict[str, Any] = orjson.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.seen.append(frame)
        return frame

    async def expect(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame of type ``kind``, skipping others (which stay in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - time.monotonic()))
            if frame["type"] == kind:
                return frame

    async def types_until(self, kind: str, timeout: float = 5.0) -> list[str]:
        """The types of frames received up to and including the first ``kind``."""
        kinds: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - time.monotonic()))
            kinds.append(frame["type"])
            if frame["type"] == kind:
                return kinds

    async def error(self, frame: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send ``frame`` and return the error frame it is answered with."""
        await self.send(frame)
        return await self.expect("error", timeout)

    async def close(self) -> None:
        await self.ws.close()


async def play(white: Client, black: Client, code: str, moves: Iterable[str]) -> dict[str, Any]:
    """Play ``moves`` alternately; returns the last move_made."""
    last: dict[str, Any] = {}
    players = (white, black)
    for i, move in enumerate(moves):
        mover = players[i % 2]
        await mover.send({"type": "make_move", "roomCode": code, "move": move})
        last = await mover.expect("move_made")
        await players[1 - i % 2].expect("move_made")
    return last


class CuttableProxy:
    """A TCP proxy in front of a server (the app, or Redis): ``cut()`` drops every connection
    and refuses new ones until ``restore()``, as a network blip would."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.blocked = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> CuttableProxy:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blocked:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        if self.blocked:  # cut while this connection was being made: it must not escape the cut
            writer.transport.abort()
            up_writer.transport.abort()
            return
        self.writers.update((writer, up_writer))
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self.writers.discard(writer)
            writer.transport.abort()

    def cut(self) -> None:
        self.blocked = True
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def restore(self) -> None:
        self.blocked = False

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await self.server.wait_closed()
