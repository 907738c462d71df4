"""A Cognito user pool for tests: moto's Cognito (its server, started here) holds the pool and
signs the tokens with its own key, which it publishes as the pool's JWKS. moto serves no
hosted UI, so Google's round trip meets a small test double of the OAuth2 token endpoint
(:class:`TokenEndpoint`), which hands out tokens the pool itself issued."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest

from tests.records.moto import MotoServer
from tests.support import ServerThread, free_port

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
}
PASSWORD = "Correct-horse-9"
REGION = "us-east-1"


class TokenEndpoint:
    """The hosted UI's ``/oauth2/token`` as a test double: a code the test grants for a
    PKCE challenge is exchanged once, for the pool's tokens, by the verifier that hashes to
    that challenge."""

    def __init__(self) -> None:
        self.grants: dict[str, tuple[str, dict[str, Any]]] = {}
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["content-length"])).decode())
                code, verifier = form.get("code", [""])[0], form.get("code_verifier", [""])[0]
                grant = endpoint.grants.pop(code, None)
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if grant is None or grant[0] != challenge or form.get("grant_type") != ["authorization_code"]:
                    self.send_response(400)
                    body = b'{"error": "invalid_grant"}'
                else:
                    self.send_response(200)
                    body = json.dumps(grant[1]).encode()
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def grant(self, challenge: str, tokens: dict[str, Any]) -> str:
        code = uuid.uuid4().hex
        self.grants[code] = (challenge, tokens)
        return code


class Pool:
    def __init__(self, moto: MotoServer) -> None:
        self.moto = moto
        self.idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto.url)
        self.id = self.idp.create_user_pool(PoolName=f"p{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"])[
            "UserPool"
        ]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.id,
            ClientName="web",
            ExplicitAuthFlows=[
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            ],
        )["UserPoolClient"]["ClientId"]
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{self.id}"

    def user(self, email: str) -> None:
        """A confirmed user made in the pool directly (as Google or another client would)."""
        self.idp.admin_create_user(UserPoolId=self.id, Username=email, MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=self.id, Username=email, Password=PASSWORD, Permanent=True)

    def tokens(self, email: str) -> dict[str, Any]:
        result = self.idp.admin_initiate_auth(
            UserPoolId=self.id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return {
            "access_token": result["AccessToken"],
            "id_token": result["IdToken"],
            "refresh_token": result["RefreshToken"],
            "expires_in": result["ExpiresIn"],
        }


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    saved = {k: os.environ.get(k) for k in (*AWS_ENV, "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")}
    server = MotoServer()
    server.start()
    os.environ.update(AWS_ENV, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=server.url)
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def token_endpoint() -> TokenEndpoint:
    return TokenEndpoint()


@pytest.fixture
def pool(moto: MotoServer) -> Pool:
    return Pool(moto)


@pytest.fixture
def site(make_server: Callable[..., ServerThread], pool: Pool, token_endpoint: TokenEndpoint) -> ServerThread:
    return make_server(
        identity="cognito",
        cognito_user_pool_id=pool.id,
        cognito_client_id=pool.client_id,
        cognito_region=REGION,
        cognito_jwks_url=f"{pool.moto.url}/{pool.id}/.well-known/jwks.json",
        cognito_domain=token_endpoint.url,
    )
