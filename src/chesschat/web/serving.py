"""How uvicorn serves the app: one configuration for ``chesschat serve`` and the tests."""

from __future__ import annotations

import sys

import uvicorn
from starlette.types import ASGIApp

from chesschat.settings import Settings
from chesschat.web.connection_guard import ConnectionGuard


def uvicorn_config(app: ASGIApp, settings: Settings, graceful_shutdown_seconds: int = 5) -> uvicorn.Config:
    """uvicorn's settings for ``app``: the connection guard's protocols, the socket limits,
    and no logging of uvicorn's own (its lines go through ours, see observability.py)."""
    guard = ConnectionGuard(
        settings.http_header_timeout_seconds,
        settings.max_connections_per_address,
        settings.connection_cap_exempt_networks,
    )
    http, ws = guard.protocols()
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=http,
        ws=ws,
        ws_max_size=max(1 << 20, settings.ws_max_frame_bytes * 4),
        ws_per_message_deflate=False,
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_timeout_seconds,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        # The client's address comes from X-Forwarded-For only as CHESSCHAT_TRUSTED_PROXY_HOPS
        # says; uvicorn would otherwise believe it from any loopback peer.
        proxy_headers=False,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        access_log=False,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=graceful_shutdown_seconds,
    )
