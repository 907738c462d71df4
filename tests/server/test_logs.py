"""What `chesschat serve` writes to its output never holds a session token, a cookie value
or a password, from whichever logger, at whichever level; the `/ws` upgrade is still logged,
without its query string."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import websockets
from websockets.typing import Origin

from tests.support import Client, answers, eventually, free_port

COOKIE_NAME = "chesschat_session"


class LoggedServer:
    """`chesschat serve` in a subprocess, everything it prints captured."""

    def __init__(self, redis_url: str, data_dir: Path, log_level: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "CHESSCHAT_REDIS_URL": redis_url,
            "CHESSCHAT_DATA_DIR": str(data_dir),
            "CHESSCHAT_PORT": str(self.port),
            "CHESSCHAT_LOG_LEVEL": log_level,
            "CHESSCHAT_COOKIE_NAME": COOKIE_NAME,
        }
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "chesschat.cli.main", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        if not eventually(lambda: answers(f"{self.base_url}/healthz"), timeout=30):
            self.popen.kill()
            raise RuntimeError(f"server did not start:\n{self.stop()}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> str:
        """Stop the server gracefully and return all it printed."""
        if self.popen.poll() is None:
            self.popen.terminate()
        output, _ = self.popen.communicate(timeout=20)
        return output.decode("utf-8", errors="replace")


@pytest.fixture(params=["info", "debug"])
def logged_server(request: pytest.FixtureRequest, clean_redis: str, tmp_path: Path) -> Iterator[LoggedServer]:
    server = LoggedServer(clean_redis, tmp_path, request.param)
    yield server
    if server.popen.poll() is None:
        server.popen.kill()
        server.popen.wait()


async def test_no_token_cookie_or_password_reaches_the_log(logged_server: LoggedServer) -> None:
    base = logged_server.base_url
    password = f"pw-{uuid.uuid4().hex}"
    wrong_password = f"wrong-{uuid.uuid4().hex}"
    bogus_token = f"bogus{uuid.uuid4().hex}"
    name = f"u{uuid.uuid4().hex[:10]}"
    signed_up = httpx.post(f"{base}/api/auth/signup", json={"username": name, "password": password})
    assert signed_up.status_code == 201
    token = signed_up.json()["token"]
    cookie = signed_up.cookies[COOKIE_NAME]
    account = signed_up.json()

    client = await Client.connect(logged_server.ws_url, account)
    await client.send({"type": "heartbeat"})
    await client.expect("heartbeat_ack")
    await client.close()
    # As a browser on the server's own page sends it: the cookie, and that page's origin.
    async with websockets.connect(
        logged_server.ws_url, origin=Origin(base), additional_headers={"Cookie": f"{COOKIE_NAME}={cookie}"}
    ) as by_cookie:
        await by_cookie.send(orjson.dumps({"type": "heartbeat"}).decode())
        assert orjson.loads(await by_cookie.recv())["type"] == "heartbeat_ack"
    async with websockets.connect(f"{logged_server.ws_url}?token={bogus_token}") as refused:
        with pytest.raises(websockets.ConnectionClosed):
            await refused.recv()

    assert httpx.get(f"{base}/api/me", cookies={COOKIE_NAME: cookie}).status_code == 200
    assert httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    httpx.get(f"{base}/api/me?token={token}")
    assert httpx.get(f"{base}/healthz?token={token}&password={password}").status_code == 200
    failed = httpx.post(f"{base}/api/auth/login", json={"username": name, "password": wrong_password})
    assert failed.status_code == 401
    invalid = httpx.post(f"{base}/api/auth/signup", json={"username": "x", "password": wrong_password[:5]})
    assert invalid.status_code == 422

    output = logged_server.stop()
    for label, secret in [
        ("token", token),
        ("cookie", cookie),
        ("password", password),
        ("failed password", wrong_password),
        ("refused token", bogus_token),
    ]:
        assert secret not in output, f"the {label} was logged"
    events = [orjson.loads(line)["event"] for line in output.splitlines() if line.startswith("{")]
    assert any('"WebSocket /ws" [accepted]' in event for event in events), "the upgrade was not logged"
    assert "/ws?" not in output
    assert any(event.startswith("Uvicorn running on") for event in events)
    assert any(event.startswith("Finished server process") for event in events)
