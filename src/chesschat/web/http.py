"""The HTTP API. Errors are ``{"error": {code, message, retryable, context}}``."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from chesschat.domain.errors import DomainError
from chesschat.protocol import inbound, outbound
from chesschat.protocol.catalogue import CATALOGUE, error_body
from chesschat.services.identity import InvalidCredentials, player_of, token_hash
from chesschat.services.records import Account

STATUS = {
    "UNAUTHORIZED": 401,
    "INVALID_CREDENTIALS": 401,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "ROOM_UPDATE_CONFLICT": 409,
    "ROOM_LIMIT_REACHED": 429,
    "TOO_MANY_ATTEMPTS": 429,
    "INVALID_PAYLOAD": 422,
    "NOT_READY": 503,
}


class ApiError(Exception):
    def __init__(self, code: str, message: str | None = None, context: Any = None) -> None:
        super().__init__(code)
        self.code, self.message, self.context = code, message, context


def error_response(code: str, message: str | None = None, context: Any = None) -> JSONResponse:
    return JSONResponse({"error": error_body(code, message, context)}, status_code=STATUS.get(code, 400))


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(request.app.state.wiring.settings.cookie_name)


def current_account(request: Request) -> Account:
    account: Account | None = request.app.state.wiring.identity.authenticate(bearer_token(request))
    if account is None:
        raise ApiError("UNAUTHORIZED")
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    email: str = Field("", max_length=254)


def user_out(account: Account) -> dict[str, Any]:
    return {
        "user_id": account.user_id,
        "username": account.username,
        "display_name": account.username,
        "email": account.email,
        "total_games": account.total_games,
        "wins": account.wins,
        "losses": account.losses,
        "draws": account.draws,
        "created_at": account.created_at,
        "last_login_at": account.last_login_at,
    }


def _signed_in(request: Request, token: str, account: Account, status: int) -> JSONResponse:
    settings = request.app.state.wiring.settings
    response = JSONResponse({"token": token, "user": user_out(account)}, status_code=status)
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.code, exc.message, exc.context)

    @app.exception_handler(DomainError)
    async def refused(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()]
        return error_response("INVALID_PAYLOAD", "Invalid request body.", {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "NOT_FOUND" if exc.status_code == 404 else "INVALID_PAYLOAD"
        response = error_response(code, str(exc.detail))
        response.status_code = exc.status_code
        return response

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz(request: Request) -> Response:
        wiring = request.app.state.wiring
        checks: dict[str, bool] = {}
        try:
            checks["redis"] = await wiring.live.ping()
        except Exception:
            checks["redis"] = False
        try:
            checks["records"] = await asyncio.to_thread(wiring.store.ping)
        except Exception:
            checks["records"] = False
        if all(checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        return error_response("NOT_READY", context={"checks": checks})

    @app.get("/metrics", tags=["operations"])
    async def metrics(request: Request) -> Response:
        return PlainTextResponse(request.app.state.wiring.metrics.exposition(), media_type="text/plain; version=0.0.4")

    @app.post("/api/auth/signup", tags=["auth"], status_code=201)
    async def signup(request: Request, body: Credentials) -> Response:
        token, account = await request.app.state.wiring.identity.signup(body.username, body.password, body.email)
        return _signed_in(request, token, account, 201)

    @app.post("/api/auth/login", tags=["auth"])
    async def login(request: Request, body: Credentials) -> Response:
        wiring = request.app.state.wiring
        limit = wiring.settings.login_failures_per_minute
        if await wiring.attempts.login_failures(body.username.lower()) >= limit:
            raise ApiError("TOO_MANY_ATTEMPTS")
        try:
            token, account = await wiring.identity.login(body.username, body.password)
        except InvalidCredentials:
            await wiring.attempts.count_login_failure(body.username.lower())
            raise
        return _signed_in(request, token, account, 200)

    @app.post("/api/auth/logout", tags=["auth"])
    async def logout(request: Request) -> Response:
        token = bearer_token(request)
        if token:
            request.app.state.wiring.identity.logout(token)
            # Sockets opened with this session, on any process, end with it.
            await request.app.state.wiring.presence.session_ended(token_hash(token))
        response = JSONResponse({"ok": True})
        response.delete_cookie(request.app.state.wiring.settings.cookie_name, path="/")
        return response

    @app.get("/api/me", tags=["account"])
    async def me(account: CurrentAccount) -> dict[str, Any]:
        return {"user": user_out(account), "needs_username": False}

    @app.post("/api/rooms", tags=["rooms"], status_code=201)
    async def reserve_room(request: Request, account: CurrentAccount) -> dict[str, str]:
        code = await request.app.state.wiring.rooms.reserve_code(player_of(account))
        return {"roomCode": code}

    @app.get("/api/protocol", tags=["rooms"])
    async def protocol() -> dict[str, Any]:
        """The wire tags and error codes, so clients need not hard-code them."""
        return {
            "clientTags": sorted(inbound.CLIENT_TAGS),
            "serverTags": list(outbound.SERVER_TAGS),
            "errors": {code: {"message": m, "retryable": r} for code, (m, r) in CATALOGUE.items()},
        }
