"""Which page origins may act with the user's session cookie: the server's own, and the
CORS allow-list (a web client served from elsewhere, e.g. a CDN)."""

from __future__ import annotations

from urllib.parse import urlsplit

from chesschat.settings import Settings


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """Whether a request carrying ``Origin: origin`` to ``Host: host`` comes from a page of
    this server or an allowed one. A missing or ``null`` origin is not allowed: browsers
    send one on every WebSocket upgrade and every cross-site write."""
    if not origin or origin == "null":
        return False
    origin = origin.lower().rstrip("/")
    if origin in {_origin_of(settings.url), *(_origin_of(o) for o in settings.allowed_origins)}:
        return True
    # Behind a proxy that terminates TLS the server may not know its public scheme; the
    # page is still its own if it was served from the host the request is addressed to.
    return host is not None and urlsplit(origin).netloc == host.lower()
