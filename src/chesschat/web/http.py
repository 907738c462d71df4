"""The HTTP API. Errors are ``{"error": {code, message, retryable, context}}``.

Every operation declares, in the OpenAPI document at ``/openapi.json``, each status it
answers with and the model of each body, errors included; a test holds the live API to it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from chesschat.domain.errors import DomainError
from chesschat.protocol import inbound, outbound
from chesschat.protocol.catalogue import CATALOGUE, error_body
from chesschat.services.identity import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    USERNAME_FORM,
    MfaRequired,
    Registered,
    SignedIn,
    needs_username,
    player_of,
)
from chesschat.services.records import Account
from chesschat.services.sign_in_throttle import TooManyAttempts
from chesschat.settings import Settings

STATUS = {
    "UNAUTHORIZED": 401,
    "INVALID_CREDENTIALS": 401,
    "FORBIDDEN_ORIGIN": 403,
    "NOT_CONFIRMED": 403,
    "INVALID_CODE": 422,
    "CODE_EXPIRED": 422,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "ROOM_UPDATE_CONFLICT": 409,
    "ROOM_LIMIT_REACHED": 429,
    "TOO_MANY_ATTEMPTS": 429,
    "INVALID_PAYLOAD": 422,
    "NOT_READY": 503,
}
SIGN_IN_PATHS = ("/api/auth/signup", "/api/auth/login", "/api/auth/mfa")
"""The operations that set the session cookie."""


class ApiError(Exception):
    def __init__(self, code: str, message: str | None = None, context: Any = None) -> None:
        super().__init__(code)
        self.code, self.message, self.context = code, message, context


def error_response(code: str, message: str | None = None, context: Any = None) -> JSONResponse:
    return JSONResponse({"error": error_body(code, message, context)}, status_code=STATUS.get(code, 400))


class ErrorBody(BaseModel):
    code: str
    """A code of the catalogue (``GET /api/protocol``)."""
    message: str
    retryable: bool
    context: dict[str, Any] | None
    """What the code needs said: ``fields`` (refused fields), ``retryAfterSeconds``, …"""


class ErrorOut(BaseModel):
    """Every refusal, whatever its status."""

    error: ErrorBody


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}


def refusals(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The error responses of an operation, for its OpenAPI entry: each status with its codes."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(STATUS[code], []).append(f"`{code}`")
    return {status: {"model": ErrorOut, "description": ", ".join(named)} for status, named in by_status.items()}


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(request.app.state.wiring.settings.cookie_name)


async def current_account(request: Request) -> Account:
    account: Account | None = await request.app.state.wiring.identity.authenticate(bearer_token(request))
    if account is None:
        raise ApiError("UNAUTHORIZED")
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


def client_address(request: Request, trusted_hops: int) -> str:
    """Where a request comes from: the socket's peer or, behind ``trusted_hops`` proxies
    that each append the address they were reached from to ``X-Forwarded-For``, the entry
    the farthest of them appended. Entries left of it are the client's own to write."""
    peer = request.client.host if request.client else ""
    if trusted_hops == 0:
        return peer
    forwarded = [entry.strip() for header in request.headers.getlist("x-forwarded-for") for entry in header.split(",")]
    forwarded = [entry for entry in forwarded if entry]
    return forwarded[-min(trusted_hops, len(forwarded))] if forwarded else peer


def api_methods(app: FastAPI, path: str) -> list[str]:
    """The methods of the API operations at ``path``."""
    methods = {
        method
        for route in app.routes
        if isinstance(route, APIRoute) and route.path_regex.fullmatch(path)
        for method in route.methods or ()
    }
    return sorted(methods)


def cookie_secure(settings: Settings) -> bool:
    """A site served over https never has its session cookie sent in clear."""
    return settings.cookie_secure or settings.url.startswith("https://")


class Credentials(BaseModel):
    """Log-in: any name may be tried (one that is no account is refused as a wrong password)."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=MAX_PASSWORD)


class SignUp(BaseModel):
    # The schema states the rules that identity enforces; identity also folds case, spaces
    # around the name and compatibility forms into the stored name.
    username: str = Field(max_length=64, json_schema_extra={"pattern": f"^{USERNAME_FORM}$"})
    password: str = Field(max_length=MAX_PASSWORD, json_schema_extra={"minLength": MIN_PASSWORD})
    email: str = Field("", max_length=254)


class UserOut(BaseModel):
    user_id: str
    username: str
    display_name: str
    email: str
    total_games: int
    wins: int
    losses: int
    draws: int
    created_at: str
    last_login_at: str | None

    @classmethod
    def of(cls, account: Account) -> UserOut:
        return cls(
            user_id=account.user_id,
            username=account.username,
            display_name=account.username,
            email=account.email,
            total_games=account.total_games,
            wins=account.wins,
            losses=account.losses,
            draws=account.draws,
            created_at=account.created_at,
            last_login_at=account.last_login_at,
        )


class SessionOut(BaseModel):
    """A new session: the token (for ``Authorization: Bearer``), also set as the cookie."""

    token: str
    user: UserOut


class SignedInOut(BaseModel):
    """A new Cognito session: the account; the session is in the HttpOnly cookie only."""

    user: UserOut


class ConfirmationOut(BaseModel):
    status: Literal["confirmation_required"]
    destination: str
    """Where the code was sent."""


class MfaChallengeOut(BaseModel):
    """The password was right; ``POST /api/auth/mfa {session, code}`` finishes signing in."""

    challenge: Literal["SOFTWARE_TOKEN_MFA"]
    session: str


class MeOut(BaseModel):
    user: UserOut
    needs_username: bool


class Rename(BaseModel):
    username: str = Field(max_length=64, json_schema_extra={"pattern": f"^{USERNAME_FORM}$"})


class RenamedOut(BaseModel):
    """The account under its new name (``username`` repeats it, as the original answers)."""

    user: UserOut
    username: str
    needs_username: Literal[False]


class RoomOut(BaseModel):
    roomCode: str


class SignedOut(BaseModel):
    ok: Literal[True]


class Healthy(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    checks: dict[str, bool]


class ErrorInfo(BaseModel):
    message: str
    retryable: bool


class ProtocolOut(BaseModel):
    clientTags: list[str]
    serverTags: list[str]
    errors: dict[str, ErrorInfo]


def signed_in(request: Request, done: SignedIn, status: int, redirect: str | None = None) -> Response:
    """The session's cookie, and the account. A local session's token is also in the body,
    for non-browser clients; a Cognito session's never is (only its cookie carries it)."""
    settings = request.app.state.wiring.settings
    user = UserOut.of(done.account)
    if request.app.state.wiring.identity.mode == "local":
        body: BaseModel = SessionOut(token=done.token, user=user)
    else:
        body = SignedInOut(user=user)
    response: Response = (
        RedirectResponse(redirect, status_code=status)
        if redirect
        else JSONResponse(body.model_dump(mode="json"), status_code=status)
    )
    response.set_cookie(
        settings.cookie_name,
        done.token,
        max_age=settings.session_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings),
        path="/",
    )
    return response


def _without_cookie(response: Response, settings: Settings) -> Response:
    response.delete_cookie(
        settings.cookie_name, path="/", secure=cookie_secure(settings), httponly=True, samesite="lax"
    )
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.code, exc.message, exc.context)

    @app.exception_handler(DomainError)
    async def refused(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.code, exc.detail)

    @app.exception_handler(TooManyAttempts)
    async def too_many(_: Request, exc: TooManyAttempts) -> JSONResponse:
        response = error_response(exc.code, exc.detail, {"retryAfterSeconds": exc.retry_after_s})
        response.headers["retry-after"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()]
        return error_response("INVALID_PAYLOAD", "Invalid request body.", {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # A body that cannot be read at all is as invalid as one that fails its model.
            return error_response("INVALID_PAYLOAD", "Invalid request body.")
        # The static files behind every path answer what no API operation takes (GET with
        # a 404, other methods with a 405 allowing GET). At a path of the API's that is the
        # operations' 405, with their methods in Allow, as HTTP requires; under /api/ with
        # no operation at all, there is nothing: 404.
        path = request.url.path
        allowed = api_methods(request.app, path) if exc.status_code in (404, 405) else []
        if allowed and request.method not in allowed:
            response = error_response("INVALID_PAYLOAD", "Method Not Allowed")
            response.status_code = 405
            response.headers["allow"] = ", ".join(allowed)
            return response
        if exc.status_code == 405 and not allowed and path.startswith("/api/"):
            return error_response("NOT_FOUND")
        code = "NOT_FOUND" if exc.status_code == 404 else "INVALID_PAYLOAD"
        response = error_response(code, str(exc.detail))
        response.status_code = exc.status_code
        response.headers.update(exc.headers or {})
        return response

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> Healthy:
        return Healthy(status="ok")

    @app.get("/readyz", tags=["operations"], response_model=Ready, responses=refusals("NOT_READY"))
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
            return JSONResponse(Ready(status="ready", checks=checks).model_dump())
        return error_response("NOT_READY", context={"checks": checks})

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def metrics(request: Request) -> PlainTextResponse:
        """Prometheus's text format."""
        return PlainTextResponse(request.app.state.wiring.metrics.exposition(), media_type="text/plain; version=0.0.4")

    @app.post(
        "/api/auth/signup",
        tags=["auth"],
        status_code=201,
        response_model=SessionOut | ConfirmationOut,
        responses=refusals("FORBIDDEN_ORIGIN", "CONFLICT", "INVALID_PAYLOAD", "TOO_MANY_ATTEMPTS", "NOT_READY"),
    )
    async def signup(request: Request, body: SignUp) -> Response:
        """Local accounts are signed in at once (``{token, user}``); on a Cognito pool the
        account waits for the code sent to its email (``{status: "confirmation_required"}``)."""
        done = await request.app.state.wiring.identity.signup(body.username, body.password, body.email)
        if isinstance(done, Registered):
            body_out = ConfirmationOut(status="confirmation_required", destination=done.destination)
            return JSONResponse(body_out.model_dump(), status_code=201)
        return signed_in(request, done, 201)

    login_refusals = refusals(
        "INVALID_CREDENTIALS", "FORBIDDEN_ORIGIN", "INVALID_PAYLOAD", "TOO_MANY_ATTEMPTS", "NOT_CONFIRMED", "NOT_READY"
    )
    login_refusals[429]["headers"] = RETRY_AFTER

    @app.post(
        "/api/auth/login",
        tags=["auth"],
        response_model=SessionOut | SignedInOut | MfaChallengeOut,
        responses=login_refusals,
    )
    async def login(request: Request, body: Credentials) -> Response:
        wiring = request.app.state.wiring
        address = client_address(request, wiring.settings.trusted_proxy_hops)
        done = await wiring.identity.login(body.username, body.password, address)
        if isinstance(done, MfaRequired):
            return JSONResponse(MfaChallengeOut(challenge="SOFTWARE_TOKEN_MFA", session=done.pending).model_dump())
        return signed_in(request, done, 200)

    @app.post("/api/auth/logout", tags=["auth"], response_model=SignedOut, responses=refusals("FORBIDDEN_ORIGIN"))
    async def logout(request: Request) -> Response:
        settings = request.app.state.wiring.settings
        token = bearer_token(request)
        if token:
            await request.app.state.wiring.identity.logout(token)
        return _without_cookie(JSONResponse(SignedOut(ok=True).model_dump()), settings)

    @app.get("/api/me", tags=["account"], responses=refusals("UNAUTHORIZED"))
    async def me(account: CurrentAccount) -> MeOut:
        return MeOut(user=UserOut.of(account), needs_username=needs_username(account))

    @app.post(
        "/api/profile",
        tags=["account"],
        responses=refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "CONFLICT", "INVALID_PAYLOAD", "NOT_READY"),
    )
    async def rename(request: Request, account: CurrentAccount, body: Rename) -> RenamedOut:
        """A new username (folded as at sign-up); the old one is free at once. The user id,
        friends, challenges and finished games stay with the account."""
        renamed = await request.app.state.wiring.accounts.rename(account, body.username)
        return RenamedOut(user=UserOut.of(renamed), username=renamed.username, needs_username=False)

    @app.delete(
        "/api/me",
        tags=["account"],
        status_code=204,
        responses=refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "NOT_READY"),
    )
    async def delete_me(request: Request, account: CurrentAccount) -> Response:
        """Delete the account: its sessions (every socket closes), friendships, requests,
        challenges and notifications go and its username is free; its finished games stay in
        the opponents' history, with the player shown as a deleted user."""
        wiring = request.app.state.wiring
        await wiring.accounts.delete(account)
        return _without_cookie(Response(status_code=204), wiring.settings)

    @app.post(
        "/api/rooms",
        tags=["rooms"],
        status_code=201,
        responses=refusals("UNAUTHORIZED", "FORBIDDEN_ORIGIN", "ROOM_LIMIT_REACHED"),
    )
    async def reserve_room(request: Request, account: CurrentAccount) -> RoomOut:
        return RoomOut(roomCode=await request.app.state.wiring.rooms.reserve_code(player_of(account)))

    @app.get("/api/protocol", tags=["rooms"])
    async def protocol() -> ProtocolOut:
        """The wire tags and error codes, so clients need not hard-code them."""
        return ProtocolOut(
            clientTags=sorted(inbound.CLIENT_TAGS),
            serverTags=list(outbound.SERVER_TAGS),
            errors={code: ErrorInfo(message=m, retryable=r) for code, (m, r) in CATALOGUE.items()},
        )
