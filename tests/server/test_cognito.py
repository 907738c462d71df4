"""Accounts in a Cognito user pool, through the server, against moto's Cognito (see
tests/cognito_pool.py: moto signs the pool's tokens and publishes its keys; Google's token
endpoint is a test double there, as moto serves no hosted UI)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
import urllib.parse
import uuid
from importlib import resources
from typing import Any

import httpx
import jwt
import pyotp
import redis
import websockets
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import RSAAlgorithm

from chesschat.services.identity import token_hash
from tests.cognito_pool import PASSWORD, REGION, Pool, TokenEndpoint
from tests.support import Client, FakeClock, ServerThread


class Browser:
    """A page of the site: its cookie jar, and the Origin its writes carry."""

    def __init__(self, site: ServerThread) -> None:
        self.site = site
        self.http = httpx.Client(base_url=site.base_url, headers={"origin": site.base_url})

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, json=body if body is not None else {})

    def cookie(self) -> str | None:
        return self.http.cookies.get(self.site.settings.cookie_name)

    def signed_up(self, username: str, email: str) -> None:
        answer = self.post("/api/auth/signup", {"username": username, "email": email, "password": PASSWORD})
        assert answer.status_code == 201, answer.text
        assert answer.json() == {"status": "confirmation_required", "destination": email}
        assert self.post("/api/auth/confirm", {"username": username, "code": "123456"}).json() == {
            "status": "confirmed"
        }

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/api/auth/login", {"username": username, "password": password})


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert "set-cookie" not in response.headers


def names() -> tuple[str, str]:
    name = f"p{uuid.uuid4().hex[:8]}"
    return name, f"{name}@example.com"


async def test_sign_up_confirm_sign_in_and_play_with_only_a_cookie(site: ServerThread) -> None:
    page = Browser(site)
    name, email = names()
    answer = page.post("/api/auth/signup", {"username": name, "email": email, "password": PASSWORD})
    assert answer.status_code == 201 and answer.json()["status"] == "confirmation_required"
    refused(page.login(name), 403, "NOT_CONFIRMED")
    assert page.post("/api/auth/confirm", {"username": name, "code": "123456"}).status_code == 200
    refused(page.login(name, "Wrong-horse-9"), 401, "INVALID_CREDENTIALS")
    refused(page.login(f"nobody{name}"), 401, "INVALID_CREDENTIALS")

    signed_in = page.login(name)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["username"] == name
    assert "token" not in signed_in.json() and "eyJ" not in signed_in.text  # no JWT reaches the page
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = page.http.get("/api/me").json()
    assert me["user"]["username"] == name and me["user"]["email"] == email and me["needs_username"] is False
    assert page.login(email.upper()).status_code == 200  # the email signs in too

    session = page.cookie()
    async with websockets.connect(
        site.ws_url, additional_headers={"cookie": f"{site.settings.cookie_name}={session}", "origin": site.base_url}
    ) as ws:
        await ws.send(json.dumps({"type": "create_room"}))
        frames = [json.loads(await ws.recv()) for _ in range(2)]
        assert "room_joined" in [f["type"] for f in frames]


async def test_a_renamed_player_signs_in_under_the_new_name(site: ServerThread) -> None:
    page = Browser(site)
    name, email = names()
    page.signed_up(name, email)
    assert page.login(name).status_code == 200
    assert page.post("/api/profile", {"username": f"{name}-new"}).status_code == 200
    again = Browser(site)
    assert again.login(f"{name}-new").status_code == 200
    refused(again.login(name), 401, "INVALID_CREDENTIALS")


async def test_the_access_token_is_refreshed_before_it_runs_out_and_kept_sealed(
    site: ServerThread, clock: FakeClock, clean_redis: str
) -> None:
    page = Browser(site)
    name, email = names()
    page.signed_up(name, email)
    page.login(name)
    client = redis.Redis.from_url(clean_redis)
    key = f"auth_session:{token_hash(page.cookie() or '')}"
    before = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
    assert before["refresh"].startswith("gAAAA")  # sealed (Fernet), never the pool's token as issued
    clock.advance(3_400_000)  # 200 s before the hour-long access token ends
    assert page.http.get("/api/me").status_code == 200
    after = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
    assert after["access"] != before["access"] and float(after["access_until"]) > float(before["access_until"])
    client.close()


async def test_signing_out_ends_every_session_socket_and_bearer_token_of_the_account(
    site: ServerThread, pool: Pool
) -> None:
    name, email = names()
    here, there = Browser(site), Browser(site)
    here.signed_up(name, email)
    here.login(name)
    there.login(name)
    bearer = pool.tokens(email)["access_token"]
    assert httpx.get(f"{site.base_url}/api/me", headers={"authorization": f"Bearer {bearer}"}).status_code == 200
    socket = await Client.connect(site.ws_url, {"token": bearer, "user": {"user_id": ""}})

    assert here.post("/api/auth/logout").json() == {"ok": True}
    assert there.http.get("/api/me").status_code == 401
    assert here.http.get("/api/me").status_code == 401
    assert httpx.get(f"{site.base_url}/api/me", headers={"authorization": f"Bearer {bearer}"}).status_code == 401
    await socket.ws.wait_closed()
    assert socket.ws.close_code == 4001
    assert there.login(name).status_code == 200  # and signing in again works


async def test_mfa_round_trip_with_an_authenticator_code(site: ServerThread) -> None:
    page = Browser(site)
    name, email = names()
    page.signed_up(name, email)
    page.login(name)
    setup = page.post("/api/auth/mfa/setup").json()
    assert setup["otpauthUri"].startswith("otpauth://totp/ChessChat:") and setup["secret"] in setup["otpauthUri"]
    assert setup["qrCode"].startswith("data:image/svg+xml;base64,")
    totp = pyotp.TOTP(setup["secret"])
    wrong = "000000" if totp.now() != "000000" else "111111"
    refused(page.post("/api/auth/mfa/verify", {"code": wrong}), 422, "INVALID_CODE")
    assert page.post("/api/auth/mfa/verify", {"code": totp.now()}).json() == {"mfa": True}
    page.post("/api/auth/logout")

    fresh = Browser(site)
    asked = fresh.login(name)
    assert asked.status_code == 200 and "set-cookie" not in asked.headers
    challenge = asked.json()
    assert challenge["challenge"] == "SOFTWARE_TOKEN_MFA" and "eyJ" not in challenge["session"]
    refused(fresh.post("/api/auth/mfa", {"session": challenge["session"], "code": wrong}), 422, "INVALID_CODE")
    refused(fresh.post("/api/auth/mfa", {"session": "made-up", "code": totp.now()}), 401, "UNAUTHORIZED")
    done = fresh.post("/api/auth/mfa", {"session": challenge["session"], "code": totp.now()})
    assert done.status_code == 200 and fresh.cookie()
    assert fresh.http.get("/api/me").json()["user"]["username"] == name
    assert fresh.post("/api/auth/mfa/disable").json() == {"mfa": False}
    assert "user" in Browser(site).login(name).json()


async def test_a_forgotten_password_is_reset_with_the_emailed_code(site: ServerThread) -> None:
    page = Browser(site)
    name, email = names()
    page.signed_up(name, email)
    assert page.post("/api/auth/forgot", {"username": name}).json() == {"status": "sent"}
    assert page.post("/api/auth/forgot", {"username": "nobody-at-all"}).json() == {"status": "sent"}
    reset = page.post("/api/auth/reset", {"username": name, "code": "123456", "password": "Another-horse-7"})
    assert reset.json() == {"status": "reset"}
    assert page.login(name, "Another-horse-7").status_code == 200
    refused(page.login(name), 401, "INVALID_CREDENTIALS")


def _moto_key() -> dict[str, Any]:
    packed = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    key: dict[str, Any] = json.loads(gzip.decompress(packed))
    return key


def _sign(claims: dict[str, Any], **header: Any) -> str:
    private = RSAAlgorithm.from_jwk(json.dumps(_moto_key()))
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": "dummy", **header})  # type: ignore[arg-type]


async def test_pool_access_tokens_are_bearers_and_every_forgery_is_refused(site: ServerThread, pool: Pool) -> None:
    _, email = names()
    pool.user(email)
    tokens = pool.tokens(email)
    access = tokens["access_token"]

    def status(token: str) -> int:
        return httpx.get(f"{site.base_url}/api/me", headers={"authorization": f"Bearer {token}"}).status_code

    # The first use makes the account, under a provisional name until one is chosen.
    me = httpx.get(f"{site.base_url}/api/me", headers={"authorization": f"Bearer {access}"}).json()
    claims = jwt.decode(access, options={"verify_signature": False})
    assert me["user"]["user_id"] == claims["sub"] and me["needs_username"] is True
    socket = await Client.connect(site.ws_url, {"token": access, "user": {"user_id": claims["sub"]}})
    await socket.send({"type": "create_room"})
    assert (await socket.expect("room_joined"))["hostUserId"] == claims["sub"]
    await socket.close()

    now = int(time.time())
    good = {**claims, "iat": now, "exp": now + 600}
    header, payload, signature = access.split(".")
    tampered = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered["sub"] = str(uuid.uuid4())
    public = RSAAlgorithm.from_jwk(json.dumps(_moto_key())).public_key()  # type: ignore[union-attr]
    public_pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    forgeries = {
        "alg none": jwt.encode(good, None, algorithm="none"),  # type: ignore[arg-type]
        "HS256 with the public key": _hs256(good, public_pem),
        "tampered claims": f"{header}.{_b64(json.dumps(tampered).encode())}.{signature}",
        "expired": _sign({**good, "iat": now - 7200, "exp": now - 3600}),
        "an ID token": tokens["id_token"],
        "another app client": _sign({**good, "client_id": "someone-else"}),
        "another pool": _sign({**good, "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_other"}),
        "an unknown key": _sign(good, kid="rotated-away"),
    }
    assert status(_sign(good)) == 200  # the same claims, signed by the pool's key, pass
    for what, forged in forgeries.items():
        assert status(forged) == 401, what
        client = await Client.connect(site.ws_url, {"token": forged, "user": {"user_id": ""}})
        await client.ws.wait_closed()
        assert client.ws.close_code == 4001, what


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(claims: dict[str, Any], secret: bytes) -> str:
    """A token "signed" with HMAC keyed by the public key, which a verifier trusting the
    header's ``alg`` would accept."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT","kid":"dummy"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    mac = hmac.new(secret, header + b"." + body, hashlib.sha256).digest()
    return b".".join([header, body, base64.urlsafe_b64encode(mac).rstrip(b"=")]).decode()


async def test_google_through_the_hosted_ui_with_state_and_pkce(
    site: ServerThread, pool: Pool, token_endpoint: TokenEndpoint
) -> None:
    _, email = names()
    pool.user(email)

    def begin(page: Browser) -> tuple[str, str]:
        start = page.http.get("/api/auth/google")
        assert start.status_code == 302
        url = urllib.parse.urlparse(start.headers["location"])
        query = urllib.parse.parse_qs(url.query)
        assert url.path == "/oauth2/authorize" and query["identity_provider"] == ["Google"]
        assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [pool.client_id]
        assert query["redirect_uri"] == [f"{site.settings.url}/api/auth/callback"]
        return query["state"][0], query["code_challenge"][0]

    def back(page: Browser, code: str, state: str) -> httpx.Response:
        return page.http.get("/api/auth/callback", params={"code": code, "state": state})

    def failed(answer: httpx.Response, page: Browser) -> bool:
        return answer.headers["location"] == "/#/signin?error=google" and page.cookie() is None

    page = Browser(site)
    state, challenge = begin(page)
    code = token_endpoint.grant(challenge, pool.tokens(email))
    done = back(page, code, state)
    assert done.status_code == 302 and done.headers["location"] == "/#/" and page.cookie()
    me = page.http.get("/api/me").json()
    assert me["needs_username"] is True and me["user"]["email"] == email
    assert page.post("/api/profile", {"username": f"g{uuid.uuid4().hex[:8]}"}).status_code == 200
    assert page.http.get("/api/me").json()["needs_username"] is False
    # The same state again (a replayed callback) finds nothing to finish.
    replay = Browser(site)
    replay.http.cookies.set("chesschat_oauth", state, path="/api/auth/callback")
    assert failed(back(replay, code, state), replay)

    other = Browser(site)
    state, challenge = begin(other)
    code = token_endpoint.grant(challenge, pool.tokens(email))
    assert failed(back(other, code, "not-the-state"), other)  # state mismatch
    stranger = Browser(site)  # the right state, from a browser that did not start it
    assert failed(back(stranger, code, state), stranger)
    assert failed(back(other, "", state), other)  # no code

    pkce = Browser(site)
    state, _ = begin(pkce)
    wrong_verifier = token_endpoint.grant("a-challenge-of-another-verifier", pool.tokens(email))
    assert failed(back(pkce, wrong_verifier, state), pkce)
