"""Connections that hold the server without using it: headers that never end, idle
keep-alives, and one address opening more connections than its share."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable

import pytest
import websockets

from tests.support import Client, ServerThread, eventually, signup

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def connect(server: ServerThread) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.settings.port), timeout=5)


def read_response(sock: socket.socket) -> bytes:
    """One whole HTTP response (status line, headers and its Content-Length of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed mid-response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed mid-body"
        body += chunk
    return head + b"\r\n\r\n" + body


def closed_after(sock: socket.socket) -> float:
    """Seconds until the server closes ``sock`` (it must send nothing meanwhile)."""
    started = time.monotonic()
    with contextlib.suppress(ConnectionResetError):
        assert sock.recv(1024) == b""
    return time.monotonic() - started


def served(server: ServerThread) -> bool:
    with connect(server) as sock:
        sock.sendall(REQUEST)
        return read_response(sock).startswith(b"HTTP/1.1 200")


def open_connections(server: ServerThread) -> int:
    return len(server.server.server_state.connections)


def test_a_request_whose_headers_never_end_is_closed_at_the_header_timeout(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(http_header_timeout_seconds=1)
    with connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert 0.5 < closed_after(sock) < 5


def test_a_connection_that_sends_nothing_is_closed_at_the_header_timeout(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(http_header_timeout_seconds=1)
    with connect(server) as sock:
        assert 0.5 < closed_after(sock) < 5


def test_a_kept_alive_connection_that_stalls_in_its_next_request_is_closed(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(http_header_timeout_seconds=1, http_keep_alive_seconds=30)
    with connect(server) as sock:
        sock.sendall(REQUEST)
        assert read_response(sock).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        assert 0.5 < closed_after(sock) < 5


def test_an_idle_kept_alive_connection_is_closed_at_the_keep_alive_timeout(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(http_header_timeout_seconds=30, http_keep_alive_seconds=1)
    with connect(server) as sock:
        sock.sendall(REQUEST)
        assert read_response(sock).startswith(b"HTTP/1.1 200")
        assert 0.5 < closed_after(sock) < 5


def test_headers_that_arrive_in_pieces_within_the_timeout_are_served(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(http_header_timeout_seconds=3)
    with connect(server) as sock:
        for piece in (b"GET /healthz HT", b"TP/1.1\r\nHost:", b" x\r\n", b"\r\n"):
            sock.sendall(piece)
            time.sleep(0.1)
        assert read_response(sock).startswith(b"HTTP/1.1 200")


@pytest.fixture
def capped(make_server: Callable[..., ServerThread]) -> ServerThread:
    """A server that lets one address hold 3 connections (loopback included)."""
    server = make_server(max_connections_per_address=3, connection_cap_exempt_networks=[], http_keep_alive_seconds=30)
    assert eventually(lambda: open_connections(server) == 0)
    return server


def test_the_connection_past_the_per_address_cap_is_refused_at_once(capped: ServerThread) -> None:
    held = [connect(capped) for _ in range(3)]
    try:
        for sock in held:
            sock.sendall(REQUEST)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
        with connect(capped) as extra:
            started = time.monotonic()
            assert read_response(extra).startswith(b"HTTP/1.1 503")
            assert closed_after(extra) < 1 and time.monotonic() - started < 1
        for sock in held:  # the refusal took nothing from those already open
            sock.sendall(REQUEST)
            assert read_response(sock).startswith(b"HTTP/1.1 200")

        held.pop().close()
        assert eventually(lambda: open_connections(capped) == 2)
        assert served(capped)
    finally:
        for sock in held:
            sock.close()


async def test_websockets_count_toward_the_per_address_cap(capped: ServerThread) -> None:
    accounts = [signup(capped.base_url), signup(capped.base_url)]
    assert eventually(lambda: open_connections(capped) == 0)
    players = [await Client.connect(capped.ws_url, account) for account in accounts]
    held = connect(capped)
    try:
        held.sendall(REQUEST)
        assert read_response(held).startswith(b"HTTP/1.1 200")
        # The 503 is written before the handshake is read, so the client may see it or,
        # if its request lands on the closed socket first, a reset.
        with pytest.raises((websockets.InvalidHandshake, OSError)) as refused:
            await Client.connect(capped.ws_url, accounts[0])
        if isinstance(refused.value, websockets.InvalidStatus):
            assert refused.value.response.status_code == 503
        with connect(capped) as extra:
            assert read_response(extra).startswith(b"HTTP/1.1 503")

        await players.pop().close()
        assert eventually(lambda: open_connections(capped) == 2)
        players.append(await Client.connect(capped.ws_url, accounts[1]))
        await players[-1].send({"type": "heartbeat"})
        await players[-1].expect("heartbeat_ack")
    finally:
        held.close()
        for player in players:
            await player.close()
