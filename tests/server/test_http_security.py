"""The HTTP side against abuse, over real HTTP: the sign-in throttle (one count per account
however its name is spelt, one per client address, a delay that grows and then lets the
owner back in), writes that a foreign page could make with the session cookie, and the
cookie's Secure flag behind an https public URL."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support import FakeClock, ServerThread, signup

PASSWORD = "correct horse"
EVIL = "https://evil.example"


def log_in(server: ServerThread, username: str, password: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/auth/login", json={"username": username, "password": password}, headers=headers
    )


def throttled(response: httpx.Response) -> int:
    """The wait a 429 asks for, after checking that header and body agree."""
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "TOO_MANY_ATTEMPTS" and error["retryable"] is True
    wait: int = error["context"]["retryAfterSeconds"]
    assert response.headers["retry-after"] == str(wait) and wait >= 1
    return wait


def test_sign_in_throttle_counts_every_spelling_of_a_name_as_one_account(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(login_free_failures_per_account=4)
    signup(server.base_url, "victim", PASSWORD)
    spellings = [" victim", "victim\t", "\u00a0victim", "\uff36ICTIM"]  # the last: a full-width V
    assert [log_in(server, name, "a guess").status_code for name in spellings] == [401] * 4
    for name in ["victim", *spellings]:
        throttled(log_in(server, name, "another guess"))


def test_sign_in_throttle_delay_grows_and_the_owner_gets_back_in_after_it(
    make_server: Callable[..., ServerThread], clock: FakeClock
) -> None:
    server = make_server(login_free_failures_per_account=2, login_max_delay_seconds=4)
    signup(server.base_url, "owner", PASSWORD)
    assert [log_in(server, "owner", f"guess {i}").status_code for i in range(2)] == [401, 401]
    waits = []
    for _ in range(4):
        wait = throttled(log_in(server, "owner", "too soon"))
        # Refused attempts are not counted: asking again does not lengthen the wait.
        assert throttled(log_in(server, "owner", PASSWORD)) == wait
        waits.append(wait)
        clock.advance(wait * 1000)
        assert log_in(server, "owner", "one more guess").status_code == 401
    assert waits == [1, 2, 4, 4]  # doubling, up to the longest delay
    clock.advance(4000)
    assert log_in(server, "owner", PASSWORD).status_code == 200
    # A success starts the account afresh: its free failures are free again.
    assert [log_in(server, "owner", f"typo {i}").status_code for i in range(2)] == [401, 401]


def test_sign_in_throttle_limits_one_client_address_across_accounts(make_server: Callable[..., ServerThread]) -> None:
    server = make_server(trusted_proxy_hops=1, login_free_failures_per_address=3, login_free_failures_per_account=100)
    guesser = {"x-forwarded-for": "203.0.113.7"}
    assert [log_in(server, f"name{i}", "guess", **guesser).status_code for i in range(3)] == [401] * 3
    throttled(log_in(server, "name9", "guess", **guesser))
    # The balancer appends the address it saw; what the client wrote to the left is its own.
    throttled(log_in(server, "name9", "guess", **{"x-forwarded-for": "198.51.100.1, 203.0.113.7"}))
    assert log_in(server, "name9", "guess", **{"x-forwarded-for": "203.0.113.8"}).status_code == 401


def test_sign_in_throttle_without_a_trusted_proxy_counts_the_socket_peer(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(login_free_failures_per_address=3, login_free_failures_per_account=100)
    assert [log_in(server, f"name{i}", "guess").status_code for i in range(3)] == [401] * 3
    throttled(log_in(server, "name9", "guess"))


@pytest.fixture
def browser(server: ServerThread) -> dict[str, Any]:
    """A signed-up player as a browser holds the session: the cookie."""
    account = signup(server.base_url)
    return {"cookies": {server.settings.cookie_name: account["token"]}, "token": account["token"]}


@pytest.mark.parametrize("path", ["/api/rooms", "/api/auth/logout"])
def test_a_cross_site_post_with_the_cookie_is_refused(server: ServerThread, browser: dict[str, Any], path: str) -> None:
    # What a form or a no-preflight fetch on a foreign page sends: the cookie, text/plain.
    with httpx.Client(base_url=server.base_url, cookies=browser["cookies"]) as client:
        refused = client.post(path, content="{}", headers={"origin": EVIL, "content-type": "text/plain"})
        assert refused.status_code == 403
        assert refused.json() == {
            "error": {
                "code": "FORBIDDEN_ORIGIN",
                "message": "This request must come from this site's own pages.",
                "retryable": False,
                "context": {"reason": "origin"},
            }
        }
        assert "set-cookie" not in refused.headers
        assert client.post(path, headers={"origin": "null"}).status_code == 403
        # Neither Origin nor Referer: nothing says the page is ours.
        assert client.post(path).status_code == 403
        # Nothing happened: the session still works.
        assert client.get("/api/me").status_code == 200


def test_a_cookie_write_from_the_sites_own_or_an_allowed_page_works(make_server: Callable[..., ServerThread]) -> None:
    server = make_server(cors_origins=["https://app.example"])
    token = signup(server.base_url)["token"]
    with httpx.Client(base_url=server.base_url, cookies={server.settings.cookie_name: token}) as client:
        assert client.post("/api/rooms", headers={"origin": server.base_url}).status_code == 201
        assert client.post("/api/rooms", json={}, headers={"origin": "https://app.example"}).status_code == 201
        assert client.post("/api/rooms", headers={"referer": f"{server.base_url}/#/lobby"}).status_code == 201
        # An allowed page still has to send JSON, as no cross-site form can.
        plain = client.post(
            "/api/rooms", content="{}", headers={"origin": server.base_url, "content-type": "text/plain"}
        )
        assert plain.status_code == 403 and plain.json()["error"]["context"] == {"reason": "content-type"}
        assert client.post("/api/auth/logout", headers={"origin": server.base_url}).status_code == 200
        assert client.get("/api/me").status_code == 401


def test_a_bearer_client_needs_no_origin(server: ServerThread, browser: dict[str, Any]) -> None:
    bearer = {"authorization": f"Bearer {browser['token']}"}
    assert httpx.post(f"{server.base_url}/api/rooms", headers=bearer).status_code == 201
    # With the cookie too (a browser sends it along): the bearer token is what counts.
    with httpx.Client(base_url=server.base_url, cookies=browser["cookies"]) as client:
        assert client.post("/api/rooms", headers=bearer).status_code == 201


def test_signing_in_from_a_foreign_page_is_refused(server: ServerThread) -> None:
    """A foreign page must not sign the browser into the page's own account."""
    signup(server.base_url, "planted", PASSWORD)
    refused = log_in(server, "planted", PASSWORD, origin=EVIL)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN_ORIGIN"
    assert "set-cookie" not in refused.headers
    forged = httpx.post(
        f"{server.base_url}/api/auth/signup",
        json={"username": "forged", "password": PASSWORD},
        headers={"referer": f"{EVIL}/page"},
    )
    assert forged.status_code == 403
    # The site's own page, and a script (no page at all), sign in.
    assert log_in(server, "planted", PASSWORD, origin=server.base_url).status_code == 200
    assert log_in(server, "planted", PASSWORD).status_code == 200


def test_the_session_cookie_is_secure_behind_an_https_public_url(make_server: Callable[..., ServerThread]) -> None:
    behind_tls = make_server(public_url="https://chess.example")
    cookie = httpx.post(
        f"{behind_tls.base_url}/api/auth/signup", json={"username": "secure1", "password": PASSWORD}
    ).headers["set-cookie"]
    assert "; secure" in cookie.lower() and "httponly" in cookie.lower()
    plain = make_server()
    cookie = httpx.post(f"{plain.base_url}/api/auth/signup", json={"username": "plain1", "password": PASSWORD}).headers[
        "set-cookie"
    ]
    assert "secure" not in cookie.lower()
    told = make_server(cookie_secure=True)
    cookie = httpx.post(f"{told.base_url}/api/auth/signup", json={"username": "told1", "password": PASSWORD}).headers[
        "set-cookie"
    ]
    assert "; secure" in cookie.lower()


def test_sign_in_throttle_lets_one_of_parallel_attempts_through_the_opening(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(login_free_failures_per_account=1)
    signup(server.base_url, "raced", PASSWORD)
    assert log_in(server, "raced", "first guess").status_code == 401
    throttled(log_in(server, "raced", "too soon"))
    server.clock.advance(1000)
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda i: log_in(server, "raced", f"guess {i}").status_code, range(8)))
    assert statuses == [401] + [429] * 7
