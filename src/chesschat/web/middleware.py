"""Correlation ids, access logs and security headers for HTTP. The query string is never
logged (it may carry a token)."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    elsewhere; HSTS when the public URL is HTTPS."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https)
        self.policy = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode())]

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
