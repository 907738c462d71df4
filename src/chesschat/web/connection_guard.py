"""Two limits uvicorn lacks: a deadline for a request's headers, and a cap on the
connections one client address holds open (HTTP and WebSocket alike).

uvicorn's keep-alive timeout starts only once a response is complete, so without the
deadline a connection that never finishes its first request's headers (or stops half-way
through a later one) would stay open for good. The guard is uvicorn's httptools protocol
with those two checks added; after a WebSocket upgrade the socket protocol gives the slot
back when the connection ends.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from collections.abc import Iterable
from typing import Any

import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_remote_addr
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

log = structlog.get_logger("chesschat.connections")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_REFUSAL = b"Too many connections from this address.\n"
REFUSED_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: " + str(len(_REFUSAL)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _REFUSAL
)


class ConnectionGuard:
    """The open connections of one server, counted by client address.

    ``max_per_address`` 0 means no cap; addresses in ``exempt`` (a reverse proxy or load
    balancer in front, which carries many clients on its own addresses) are not counted.
    """

    def __init__(self, header_timeout_seconds: float, max_per_address: int, exempt: Iterable[Network] = ()) -> None:
        self.header_timeout_seconds = header_timeout_seconds
        self.max_per_address = max_per_address
        self.exempt = tuple(exempt)
        self._address_of: dict[asyncio.Transport, str] = {}
        self._open: Counter[str] = Counter()
        self._refusing: set[str] = set()

    def admit(self, transport: asyncio.Transport) -> bool:
        """Count a new connection, or refuse it (False) if its address is at the cap."""
        peer = get_remote_addr(transport)
        if not self.max_per_address or peer is None or self._is_exempt(peer[0]):
            return True
        address = peer[0]
        if self._open[address] >= self.max_per_address:
            if address not in self._refusing:  # one line per episode, not one per connection
                self._refusing.add(address)
                log.warning("connection_cap_reached", address=address, limit=self.max_per_address)
            return False
        self._address_of[transport] = address
        self._open[address] += 1
        return True

    def release(self, transport: asyncio.Transport) -> None:
        """Give back a connection's slot; safe to call more than once."""
        address = self._address_of.pop(transport, None)
        if address is None:
            return
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]
        self._refusing.discard(address)

    def open_connections(self, address: str) -> int:
        return self._open[address]

    def _is_exempt(self, host: str) -> bool:
        if not self.exempt:
            return False
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.exempt)

    def protocols(self) -> tuple[type[HttpToolsProtocol], type[WebSocketsSansIOProtocol]]:
        """The HTTP and WebSocket protocol classes for uvicorn's ``http=`` and ``ws=``."""
        guard = self

        class GuardedHttp(HttpToolsProtocol):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.admitted = False
                self.header_deadline: asyncio.TimerHandle | None = None

            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                if not guard.admit(transport):
                    transport.write(REFUSED_RESPONSE)
                    transport.close()
                    return
                self.admitted = True
                super().connection_made(transport)
                self._await_headers()

            def connection_lost(self, exc: Exception | None) -> None:
                if not self.admitted:
                    return
                self._headers_arrived()
                guard.release(self.transport)
                super().connection_lost(exc)

            def on_message_begin(self) -> None:
                super().on_message_begin()
                # A later request on a kept-alive connection gets its own deadline from its
                # first byte (the first request's runs from the connection's start).
                if self.header_deadline is None:
                    self._await_headers()

            def on_headers_complete(self) -> None:
                self._headers_arrived()
                super().on_headers_complete()

            def _await_headers(self) -> None:
                self.header_deadline = self.loop.call_later(guard.header_timeout_seconds, self._headers_too_slow)

            def _headers_arrived(self) -> None:
                if self.header_deadline is not None:
                    self.header_deadline.cancel()
                    self.header_deadline = None

            def _headers_too_slow(self) -> None:
                self.header_deadline = None
                # As at shutdown: close now, or after the response a pipelined earlier
                # request is still writing.
                self.shutdown()

        class GuardedWebSocket(WebSocketsSansIOProtocol):
            def connection_lost(self, exc: Exception | None) -> None:
                guard.release(self.transport)
                super().connection_lost(exc)

        return GuardedHttp, GuardedWebSocket
