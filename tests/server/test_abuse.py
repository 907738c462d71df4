"""What an attacker or a runaway script tries on the socket, against the real server:
cross-site upgrades with the cookie, binary floods, deep nesting, sockets kept after sign
out, and more sockets and rooms than a person needs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support import Client, ServerThread, signup


def cookie_headers(server: ServerThread, token: str, origin: str | None) -> dict[str, str]:
    headers = {"Cookie": f"{server.settings.cookie_name}={token}"}
    if origin is not None:
        headers["Origin"] = origin
    return headers


async def closed_with(ws: Any) -> tuple[int, str]:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.mark.parametrize("origin", ["https://evil.example", "null", None])
async def test_a_cookie_upgrade_from_a_foreign_origin_is_refused(server: ServerThread, origin: str | None) -> None:
    token = signup(server.base_url)["token"]
    async with websockets.connect(server.ws_url, additional_headers=cookie_headers(server, token, origin)) as ws:
        assert await closed_with(ws) == (4003, "Origin not allowed")


async def test_a_cookie_upgrade_from_the_servers_own_page_works(server: ServerThread) -> None:
    token = signup(server.base_url)["token"]
    headers = cookie_headers(server, token, server.base_url)
    async with websockets.connect(server.ws_url, additional_headers=headers) as ws:
        await ws.send('{"type": "heartbeat"}')
        assert '"heartbeat_ack"' in await asyncio.wait_for(ws.recv(), 5)


async def test_a_bearer_client_needs_no_origin(server: ServerThread) -> None:
    token = signup(server.base_url)["token"]
    async with websockets.connect(server.ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        await ws.send('{"type": "heartbeat"}')
        assert '"heartbeat_ack"' in await asyncio.wait_for(ws.recv(), 5)


async def test_a_binary_burst_is_rate_limited_then_closed(server: ServerThread) -> None:
    client = await Client.connect(server.ws_url, signup(server.base_url))
    for _ in range(server.settings.ws_rate_burst * 5):
        await client.ws.send(b"\x01")
    codes: list[str] = []
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            codes.append((await client.recv())["code"])
    assert set(codes) == {"INVALID_PAYLOAD", "RATE_LIMITED"}
    assert len(codes) < server.settings.ws_rate_burst * 5
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_an_oversized_binary_frame_closes_the_socket(server: ServerThread) -> None:
    client = await Client.connect(server.ws_url, signup(server.base_url))
    await client.ws.send(b"x" * (server.settings.ws_max_frame_bytes + 1))
    assert (await client.expect("error"))["code"] == "FRAME_TOO_LARGE"
    assert await closed_with(client.ws) == (1009, "Frame too large")


async def test_a_deeply_nested_signal_is_refused_without_a_traceback(
    pair: tuple[Client, Client], server: ServerThread, capfd: pytest.CaptureFixture[str]
) -> None:
    a, b = pair
    await a.send({"type": "create_room"})
    code = (await a.expect("room_joined"))["roomCode"]
    await b.send({"type": "join_room", "roomCode": code})
    await b.expect("room_joined")
    errors_before = server.wiring.metrics.value("AppErrors")
    capfd.readouterr()
    nested = '{"a":' * 300 + "1" + "}" * 300
    for _ in range(20):
        await a.ws.send(f'{{"type": "signal", "roomCode": "{code}", "data": {nested}}}')
        assert (await a.expect("error"))["code"] == "INVALID_PAYLOAD"
    out = capfd.readouterr()
    assert "Traceback" not in out.out + out.err
    assert server.wiring.metrics.value("AppErrors") == errors_before


async def test_signing_out_closes_the_sessions_sockets_on_every_process(
    make_server: Callable[..., ServerThread], tmp_path: Path
) -> None:
    one, two = (make_server(data_dir=tmp_path / "shared") for _ in range(2))  # one record store
    account = signup(one.base_url)
    first = await Client.connect(one.ws_url, account)
    second = await Client.connect(two.ws_url, account)
    other = await Client.connect(two.ws_url, signup(two.base_url))
    response = httpx.post(f"{one.base_url}/api/auth/logout", headers={"Authorization": f"Bearer {account['token']}"})
    assert response.status_code == 200
    assert await closed_with(first.ws) == (4001, "Session ended")
    assert await closed_with(second.ws) == (4001, "Session ended")
    await other.send({"type": "heartbeat"})
    assert (await other.expect("heartbeat_ack"))["serverTimestampMs"] > 0


async def test_an_account_holds_at_most_its_share_of_sockets(make_server: Callable[..., ServerThread]) -> None:
    server = make_server(max_sockets_per_user=2)
    account = signup(server.base_url)
    held = [await Client.connect(server.ws_url, account) for _ in range(2)]
    extra = await Client.connect(server.ws_url, account)
    assert (await extra.expect("error"))["code"] == "TOO_MANY_CONNECTIONS"
    assert (await closed_with(extra.ws))[0] == 1008
    await held[0].close()
    # The server frees the slot once it has seen the close; until then a new socket is refused.
    async with asyncio.timeout(5):
        while True:
            again = await Client.connect(server.ws_url, account)
            await again.send({"type": "heartbeat"})
            if (await again.recv())["type"] == "heartbeat_ack":
                break


async def test_an_account_opens_at_most_its_share_of_rooms(make_server: Callable[..., ServerThread]) -> None:
    server = make_server(max_open_rooms_per_user=2)
    account = signup(server.base_url)
    client = await Client.connect(server.ws_url, account)
    for _ in range(2):
        await client.send({"type": "create_room"})
        await client.expect("room_joined")
    assert (await client.error({"type": "create_room"}))["code"] == "ROOM_LIMIT_REACHED"
    bearer = {"Authorization": f"Bearer {account['token']}"}
    refused = httpx.post(f"{server.base_url}/api/rooms", headers=bearer)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "ROOM_LIMIT_REACHED"
    assert (
        httpx.post(
            f"{server.base_url}/api/rooms", headers={"Authorization": f"Bearer {signup(server.base_url)['token']}"}
        ).status_code
        == 201
    )
