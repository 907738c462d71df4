"""What the site's pages need to know of its modes, and the sign-in steps a Cognito pool
adds to sign-up and log-in: the emailed code, the authenticator app's code, a forgotten
password, Google through the hosted UI, and turning MFA on and off. With local accounts
none of these steps exist, and their paths are not served."""

from __future__ import annotations

import base64
import io
from typing import Literal
from urllib.parse import quote

import segno
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from chesschat.services.cognito_identity import AuthFailed, CognitoIdentity
from chesschat.services.identity import MAX_PASSWORD
from chesschat.web.http import bearer_token, cookie_secure, refusals, signed_in

OAUTH_COOKIE = "chesschat_oauth"
CODE_CODES = ("FORBIDDEN_ORIGIN", "INVALID_CODE", "CODE_EXPIRED", "INVALID_PAYLOAD", "TOO_MANY_ATTEMPTS", "NOT_READY")
CODE = refusals(*CODE_CODES)
MFA = refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "INVALID_CODE", "INVALID_PAYLOAD", "NOT_READY")
Name = Field(max_length=254)
Code = Field(max_length=16)


class ConfigOut(BaseModel):
    """Which sign-in screens and video path the pages offer."""

    identity: Literal["local", "cognito"]
    video: Literal["webrtc", "chime"]
    google: bool


class Confirm(BaseModel):
    username: str = Name
    code: str = Code


class Username(BaseModel):
    username: str = Name


class MfaAnswer(BaseModel):
    session: str = Field(max_length=128)
    code: str = Code


class Reset(BaseModel):
    username: str = Name
    code: str = Code
    password: str = Field(max_length=MAX_PASSWORD)


class MfaCode(BaseModel):
    code: str = Code


class Status(BaseModel):
    status: str


class MfaSetupOut(BaseModel):
    """An authenticator secret waiting for its first code (``POST /api/auth/mfa/verify``)."""

    secret: str
    otpauthUri: str
    qrCode: str
    """The URI as a QR code, an SVG ``data:`` URI for an ``<img>``."""


class MfaOut(BaseModel):
    mfa: bool


def _cognito(request: Request) -> CognitoIdentity:
    identity: CognitoIdentity = request.app.state.wiring.identity
    return identity


def _callback_url(request: Request) -> str:
    return f"{request.app.state.wiring.settings.url.rstrip('/')}/api/auth/callback"


def otpauth_uri(secret: str, account: str) -> str:
    return f"otpauth://totp/ChessChat:{quote(account)}?secret={secret}&issuer=ChessChat"


def qr_data_uri(text: str) -> str:
    """A standalone SVG (with its namespace, which an ``<img>`` needs to draw it)."""
    svg = io.BytesIO()
    segno.make(text, error="m").save(svg, kind="svg", scale=4, border=2, xmldecl=False, light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def install(app: FastAPI) -> None:
    wiring = app.state.wiring

    @app.get("/api/config", tags=["auth"])
    async def config(request: Request) -> ConfigOut:
        settings = request.app.state.wiring.settings
        identity = request.app.state.wiring.identity
        return ConfigOut(identity=identity.mode, video=settings.video, google=getattr(identity, "google", False))

    if wiring.identity.mode != "cognito":
        return

    @app.post("/api/auth/confirm", tags=["auth"], responses=CODE)
    async def confirm(request: Request, body: Confirm) -> Status:
        """The code the sign-up email brought; then the account can sign in."""
        await _cognito(request).confirm(body.username, body.code)
        return Status(status="confirmed")

    @app.post("/api/auth/resend", tags=["auth"], responses=CODE)
    async def resend(request: Request, body: Username) -> Status:
        """Another confirmation code (the answer is the same for a name that is no account)."""
        await _cognito(request).resend(body.username)
        return Status(status="sent")

    @app.post("/api/auth/mfa", tags=["auth"], responses=refusals("UNAUTHORIZED", *CODE_CODES))
    async def mfa(request: Request, body: MfaAnswer) -> Response:
        """The authenticator's code, after a log-in answered ``{challenge, session}``."""
        return signed_in(request, await _cognito(request).answer_mfa(body.session, body.code), 200)

    @app.post("/api/auth/forgot", tags=["auth"], responses=CODE)
    async def forgot(request: Request, body: Username) -> Status:
        """A code to reset the password, sent to the account's email."""
        await _cognito(request).forgot(body.username)
        return Status(status="sent")

    @app.post("/api/auth/reset", tags=["auth"], responses=CODE)
    async def reset(request: Request, body: Reset) -> Status:
        await _cognito(request).reset(body.username, body.code, body.password)
        return Status(status="reset")

    @app.get("/api/auth/google", tags=["auth"], status_code=302, response_class=RedirectResponse)
    async def google(request: Request) -> Response:
        """To the hosted UI's Google sign-in (authorization code with PKCE); ``state`` is
        also kept in a short cookie, so only this browser can finish it."""
        identity = _cognito(request)
        if not identity.google:
            return RedirectResponse("/#/signin?error=google", status_code=302)
        start = identity.google_start(_callback_url(request))
        state = await identity.google_remember(start)
        response = RedirectResponse(start.url, status_code=302)
        settings = request.app.state.wiring.settings
        response.set_cookie(
            OAUTH_COOKIE,
            state,
            max_age=600,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(settings),
            path="/api/auth/callback",
        )
        return response

    @app.get("/api/auth/callback", tags=["auth"], status_code=302, response_class=RedirectResponse)
    async def callback(request: Request, code: str = "", state: str = "") -> Response:
        """Back from the hosted UI: signed in and on to the lobby, or back to sign-in."""
        identity = _cognito(request)
        try:
            done = await identity.google_finish(
                code[:2048], state[:256], request.cookies.get(OAUTH_COOKIE), _callback_url(request)
            )
        except AuthFailed:
            response: Response = RedirectResponse("/#/signin?error=google", status_code=302)
        else:
            response = signed_in(request, done, 302, redirect="/#/")
        response.delete_cookie(OAUTH_COOKIE, path="/api/auth/callback")
        return response

    @app.post("/api/auth/mfa/setup", tags=["auth"], responses=MFA)
    async def mfa_setup(request: Request) -> MfaSetupOut:
        identity = _cognito(request)
        token = bearer_token(request)
        account = await identity.authenticate(token)
        secret = await identity.mfa_setup(token)
        uri = otpauth_uri(secret, account.username if account else "player")
        return MfaSetupOut(secret=secret, otpauthUri=uri, qrCode=qr_data_uri(uri))

    @app.post("/api/auth/mfa/verify", tags=["auth"], responses=MFA)
    async def mfa_verify(request: Request, body: MfaCode) -> MfaOut:
        """The app's first code: from now on signing in asks for one."""
        await _cognito(request).mfa_verify(bearer_token(request), body.code)
        return MfaOut(mfa=True)

    @app.post("/api/auth/mfa/disable", tags=["auth"], responses=MFA)
    async def mfa_disable(request: Request) -> MfaOut:
        await _cognito(request).mfa_disable(bearer_token(request))
        return MfaOut(mfa=False)
