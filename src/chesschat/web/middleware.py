"""Correlation ids, access logs, security headers and the cross-site write guard for HTTP.
The query string is never logged (it may carry a token)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Collection
from urllib.parse import urlsplit

import structlog
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chesschat.protocol.catalogue import error_body
from chesschat.settings import Settings
from chesschat.web.origins import origin_allowed

log = structlog.get_logger("chesschat.http")
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HEADER = b"x-correlation-id"


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = dict(scope["headers"]).get(HEADER, b"").decode("latin-1")
        correlation_id = supplied if SAFE_ID.fullmatch(supplied) else str(uuid.uuid4())
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, correlation_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(correlationId=correlation_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info(
                    "http_request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    latencyMs=round((time.perf_counter() - started) * 1000, 2),
                )


# The web client loads nothing from elsewhere: scripts, styles and pieces are this origin's.
# Inline style attributes are allowed (the board and the page set a few); inline scripts are
# not. The interactive API docs load Swagger UI from a CDN, so they get no policy.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# With Chime video the page also talks to the meeting: every MediaPlacement URL Chime hands
# out (signalling, TURN control, event ingestion, content share) is https:// or wss:// on a
# chime.aws host. The SDK runs its audio redundancy encoder in a blob: worker, and its
# protobuf library compiles a small WebAssembly module ('wasm-unsafe-eval' allows that, not
# JavaScript's eval).
CHIME_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
).replace("connect-src 'self'", "connect-src 'self' https://*.chime.aws wss://*.chime.aws; worker-src 'self' blob:")
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=(), payment=()"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return headers


class SecurityHeadersMiddleware:
    """Headers that keep the client's pages from being framed, sniffed or fed scripts from
    elsewhere; HSTS when the public URL is HTTPS. ``chime`` lets the pages reach Chime."""

    def __init__(self, app: ASGIApp, https: bool, chime: bool = False) -> None:
        self.app = app
        self.headers = security_headers(https)
        policy = CHIME_CONTENT_SECURITY_POLICY if chime else CONTENT_SECURITY_POLICY
        self.policy = [(b"content-security-policy", policy.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers if scope["path"].startswith(DOCS_PATHS) else self.headers + self.policy

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _page_origin(headers: Headers) -> str | None:
    """The origin of the page that made the request: ``Origin``, else that of ``Referer``."""
    origin = headers.get("origin")
    if origin is not None:
        return origin
    referer = urlsplit(headers.get("referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() not in ("", "0")


def _is_json(headers: Headers) -> bool:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower() == "application/json"


class CrossSiteWriteGuard:
    """Refuses what a page of another site could make a browser do with the user's session:
    a state-changing request authenticated by the cookie (a browser attaches it to a form
    post or a ``text/plain`` fetch from anywhere) must come from an allowed origin — this
    server's or the CORS allow-list — named by ``Origin`` (or, without one, ``Referer``;
    neither is refused), and a body must be JSON, which no cross-site form can send and a
    cross-site script can send only past a CORS preflight. A request with
    ``Authorization: Bearer`` is not the cookie's: no foreign page can add that header.

    Signing in sets the cookie, so a foreign page could sign the browser into the page's
    account (and keep whatever the victim then plays there): sign-up and log-in from a page
    must come from an allowed origin too. Without ``Origin`` or ``Referer`` they come from
    no page at all (a script, a bot; browsers name the origin of every cross-site post),
    and are let through."""

    def __init__(self, app: ASGIApp, settings: Settings, sign_in_paths: Collection[str]) -> None:
        self.app = app
        self.settings = settings
        self.sign_in_paths = frozenset(sign_in_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(headers, scope["path"])
        if refusal is None:
            await self.app(scope, receive, send)
            return
        message, reason = refusal
        log.warning("http_cross_site_refused", reason=reason, origin=(_page_origin(headers) or "")[:100])
        response = JSONResponse({"error": error_body("FORBIDDEN_ORIGIN", message, {"reason": reason})}, 403)
        await response(scope, receive, send)

    def _refusal(self, headers: Headers, path: str) -> tuple[str, str] | None:
        bearer = headers.get("authorization", "").lower().startswith("bearer ")
        by_cookie = not bearer and self.settings.cookie_name in cookie_parser(headers.get("cookie", ""))
        signs_in = path in self.sign_in_paths
        if not by_cookie and not signs_in:
            return None
        origin = _page_origin(headers)
        if origin is None and by_cookie:
            return "A request made with the session cookie must name its page's origin.", "origin"
        if origin is not None and not origin_allowed(origin, headers.get("host"), self.settings):
            return "This request must come from this site's own pages.", "origin"
        if _has_body(headers) and not _is_json(headers):
            return "The request body must be application/json.", "content-type"
        return None
