"""Accounts, health, metrics and logs over real HTTP."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import pytest

from chesschat.adapters.metrics import CloudWatchMetrics
from tests.server.rooms import open_room, start
from tests.support import Client, ServerThread, play, settings_for, signup


def test_signup_login_me_logout(server: ServerThread) -> None:
    base = server.base_url
    created = httpx.post(f"{base}/api/auth/signup", json={"username": "Magnus", "password": "correct horse"})
    assert created.status_code == 201
    assert created.json()["user"]["username"] == "magnus"
    cookie = created.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    again = httpx.post(f"{base}/api/auth/signup", json={"username": "MAGNUS", "password": "another one"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "CONFLICT"
    wrong = httpx.post(f"{base}/api/auth/login", json={"username": "magnus", "password": "wrong horse"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"
    login = httpx.post(f"{base}/api/auth/login", json={"username": "magnus", "password": "correct horse"})
    token = login.json()["token"]
    me = httpx.get(f"{base}/api/me", headers={"authorization": f"Bearer {token}"}).json()
    assert me["user"]["username"] == "magnus" and me["needs_username"] is False
    assert {"wins", "losses", "draws", "total_games"} <= set(me["user"])
    # As the web client on this server's page: its writes carry the page's origin.
    with httpx.Client(base_url=base, headers={"origin": base}) as browser:
        browser.post("/api/auth/login", json={"username": "magnus", "password": "correct horse"})
        assert browser.get("/api/me").status_code == 200
        browser.post("/api/auth/logout")
        assert browser.get("/api/me").status_code == 401
    assert httpx.get(f"{base}/api/me", headers={"authorization": "Bearer forged"}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [{"username": "ab", "password": "long enough"}, {"username": "ok_name", "password": "short"}, {"username": 3}],
)
def test_bad_signups_are_refused_with_a_readable_error(server: ServerThread, body: dict[str, object]) -> None:
    response = httpx.post(f"{server.base_url}/api/auth/signup", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INVALID_PAYLOAD" and error["message"]


def test_repeated_failed_logins_are_throttled(server: ServerThread) -> None:
    signup(server.base_url, "target")
    url = f"{server.base_url}/api/auth/login"
    statuses = [
        httpx.post(url, json={"username": "target", "password": f"guess {i}"}).status_code
        for i in range(server.settings.login_free_failures_per_account + 2)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_health_readiness_and_correlation_ids(server: ServerThread) -> None:
    assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.base_url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    echoed = httpx.get(f"{server.base_url}/healthz", headers={"x-correlation-id": "trace-123"})
    assert echoed.headers["x-correlation-id"] == "trace-123"
    generated = httpx.get(f"{server.base_url}/healthz").headers["x-correlation-id"]
    assert len(generated) == 36
    hostile = httpx.get(f"{server.base_url}/healthz", headers={"x-correlation-id": "x" * 500})
    assert hostile.headers["x-correlation-id"] != "x" * 500


async def test_a_token_in_the_socket_url_never_reaches_the_logs(
    server: ServerThread, capfd: pytest.CaptureFixture[str]
) -> None:
    account = signup(server.base_url)
    client = await Client.connect(server.ws_url, account)
    await client.send({"type": "heartbeat"})
    await client.expect("heartbeat_ack")
    httpx.get(f"{server.base_url}/healthz?token={account['token']}")
    await client.close()
    out, err = capfd.readouterr()
    assert "ws_connected" in out and "http_request" in out
    assert account["token"] not in out + err


async def test_metrics_count_connections_and_games(pair: tuple[Client, Client], server: ServerThread) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["e2e4"])
    await white.send({"type": "resign", "roomCode": code})
    await black.expect("game_ended")
    text = httpx.get(f"{server.base_url}/metrics").text
    samples = {
        line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line and not line.startswith("#")
    }
    assert samples["WsConnectionsOpened_total"] >= 2
    assert samples["GamesStarted_total"] == 1 and samples["GamesEnded_total"] == 1
    for name in ("GamePersistSucceeded", "GamePersistRetried", "GamePersistFailed", "AppErrors", "WsConnectionsClosed"):
        assert f"{name}_total" in samples


def test_cloudwatch_metrics_are_embedded_metric_format_records() -> None:
    out = io.StringIO()
    metrics = CloudWatchMetrics("dev", out)
    metrics.incr("GamesEnded", 2)
    record = orjson.loads(out.getvalue())
    directive = record["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Chesschat/Dev"
    assert directive["Metrics"] == [{"Name": "GamesEnded", "Unit": "Count"}]
    assert record["GamesEnded"] == 2
    assert metrics.value("GamesEnded") == 2


def test_cognito_sign_in_without_its_pool_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CHESSCHAT_COGNITO_USER_POOL_ID"):
        settings_for("redis://127.0.0.1:1/0", tmp_path, identity="cognito", cognito_client_id="abc")


def test_the_web_client_on_its_own_origin_may_call_the_api_with_cookies(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(public_url="https://chess.example")
    preflight = httpx.options(
        f"{server.base_url}/api/me",
        headers={"origin": "https://chess.example", "access-control-request-method": "GET"},
    )
    assert preflight.headers["access-control-allow-origin"] == "https://chess.example"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    stranger = httpx.get(f"{server.base_url}/healthz", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers


def test_pages_cannot_be_framed_sniffed_or_fed_foreign_scripts(
    server: ServerThread, make_server: Callable[..., ServerThread]
) -> None:
    page = httpx.get(f"{server.base_url}/")
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    api = httpx.get(f"{server.base_url}/api/me")
    for response in (page, api):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "camera=(self)" in response.headers["permissions-policy"]
    # The interactive API docs load Swagger UI from its CDN: no policy there.
    assert "content-security-policy" not in httpx.get(f"{server.base_url}/docs").headers
    # HSTS only where the public URL is HTTPS (a laptop on http://127.0.0.1 must not pin it).
    assert "strict-transport-security" not in page.headers
    behind_tls = make_server(public_url="https://chess.example")
    assert "max-age=" in httpx.get(f"{behind_tls.base_url}/healthz").headers["strict-transport-security"]
