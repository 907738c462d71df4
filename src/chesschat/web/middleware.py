"""Correlation ids and access logs for HTTP. The query string is never logged (it may
carry a token)."""

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
