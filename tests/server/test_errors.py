"""Every error code a client can provoke, each over a real socket. After each, the
connection is still usable (a heartbeat is answered) and the room is intact."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import orjson
import pytest
import redis
import websockets

from chesschat.adapters.redis_live import room_key
from tests.server.rooms import open_room, start
from tests.support import Client, ServerThread, play, signup


async def still_usable(client: Client) -> None:
    await client.send({"type": "heartbeat"})
    assert (await client.expect("heartbeat_ack"))["serverTimestampMs"] > 0


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "BAD_JSON"),
        ("[1, 2]", "INVALID_PAYLOAD"),
        ('{"roomCode": "ABCDEFGH"}', "INVALID_PAYLOAD"),
        ('{"type": 7}', "INVALID_PAYLOAD"),
        ('{"type": "dance"}', "UNKNOWN_EVENT"),
        ('{"type": "join_room"}', "INVALID_ROOM_CODE"),
        ('{"type": "join_room", "roomCode": "ABC"}', "INVALID_ROOM_CODE"),
        ('{"type": "join_room", "roomCode": "ABCD-FGH"}', "INVALID_ROOM_CODE"),
        ('{"type": "make_move", "roomCode": "ABCDEFGH"}', "INVALID_PAYLOAD"),
        ('{"type": "make_move", "roomCode": "ABCDEFGH", "move": "e2e4e2e4e2e4"}', "INVALID_PAYLOAD"),
        ('{"type": "start_game", "roomCode": "ABCDEFGH", "settings": {"timeWhiteSeconds": "five"}}', "INVALID_PAYLOAD"),
        ('{"type": "signal", "roomCode": "ABCDEFGH"}', "INVALID_PAYLOAD"),
        ('{"type": "join_room", "roomCode": "ZZZZZZZZ"}', "ROOM_NOT_FOUND"),
    ],
)
async def test_malformed_frames_get_their_error_and_the_socket_stays_open(
    pair: tuple[Client, Client], raw: str, code: str
) -> None:
    a, _ = pair
    await a.ws.send(raw)
    error = await a.expect("error")
    assert error["code"] == code
    assert error["message"] and isinstance(error["retryable"], bool)
    await still_usable(a)


async def test_binary_frames_are_refused_without_closing(pair: tuple[Client, Client]) -> None:
    a, _ = pair
    await a.ws.send(b"\x00\x01")
    assert (await a.expect("error"))["code"] == "INVALID_PAYLOAD"
    await still_usable(a)


async def test_a_bad_token_is_closed_with_4001(server: ServerThread) -> None:
    for url in (server.ws_url, f"{server.ws_url}?token=forged-token"):
        async with websockets.connect(url) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4001 and closed.value.rcvd.reason == "Unauthorized"


async def test_an_expired_session_is_refused(make_server: Callable[..., ServerThread]) -> None:
    expiring = make_server(session_ttl_seconds=0)
    account = signup(expiring.base_url)
    async with websockets.connect(f"{expiring.ws_url}?token={account['token']}") as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_room_rules_refuse_with_their_codes(pair: tuple[Client, Client], server: ServerThread) -> None:
    a, b = pair
    await a.send({"type": "create_room"})
    code = (await a.expect("room_joined"))["roomCode"]
    assert (await a.error({"type": "start_game", "roomCode": code}))["code"] == "WAITING_FOR_PLAYER"
    await b.send({"type": "join_room", "roomCode": code})
    await b.expect("video_ready")
    assert (await b.error({"type": "start_game", "roomCode": code}))["code"] == "UNAUTHORIZED"
    assert (await a.error({"type": "make_move", "roomCode": code, "move": "e2e4"}))["code"] == "NO_ACTIVE_GAME"
    third = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await third.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_FULL"
    error = await third.error({"type": "make_move", "roomCode": code, "move": "e2e4"})
    assert error["code"] == "NOT_IN_ROOM" and error["context"]["roomCode"] == code
    assert (await third.error({"type": "signal", "roomCode": code, "data": {"sdp": "x"}}))["code"] == "NOT_IN_ROOM"
    await third.close()

    white, black, _ = await start(a, b, code, allowTakebacks=True, takebacksWhite=1, takebacksBlack=0)
    assert (await a.error({"type": "start_game", "roomCode": code}))["code"] == "GAME_ALREADY_ACTIVE"
    assert (await black.error({"type": "make_move", "roomCode": code, "move": "e7e5"}))["code"] == "NOT_YOUR_TURN"
    assert (await white.error({"type": "make_move", "roomCode": code, "move": "e2e5"}))["code"] == "ILLEGAL_MOVE"
    assert (await white.error({"type": "request_takeback", "roomCode": code}))["code"] == "TAKEBACK_WINDOW_CLOSED"
    await play(white, black, code, ["e2e4"])
    assert (await black.error({"type": "request_takeback", "roomCode": code}))["code"] == "TAKEBACK_WINDOW_CLOSED"
    await white.send({"type": "request_takeback", "roomCode": code})
    applied = await black.expect("takeback_applied")
    assert applied["moves"] == [] and applied["turn"] == "white" and applied["takebacksWhiteUsed"] == 1
    await play(white, black, code, ["d2d4"])
    assert (await white.error({"type": "request_takeback", "roomCode": code}))["code"] == "TAKEBACK_LIMIT_REACHED"
    await play(black, white, code, ["d7d5"])
    assert (await black.error({"type": "request_takeback", "roomCode": code}))["code"] == "TAKEBACK_LIMIT_REACHED"
    assert (await white.error({"type": "abort", "roomCode": code}))["code"] == "ABORT_NOT_ALLOWED"

    assert (await white.error({"type": "accept_draw", "roomCode": code}))["code"] == "DRAW_NOT_PENDING"
    await white.send({"type": "offer_draw", "roomCode": code})
    pending = await black.expect("draw_offer_pending")
    assert pending["drawOffer"] == {"offered_by_user_id": white.user_id}
    assert (await black.error({"type": "offer_draw", "roomCode": code}))["code"] == "DRAW_ALREADY_PENDING"
    assert (await white.error({"type": "accept_draw", "roomCode": code}))["code"] == "DRAW_NOT_PENDING"
    await black.send({"type": "decline_draw", "roomCode": code})
    assert (await white.expect("draw_offer_state"))["drawOffer"] is None
    assert (await black.error({"type": "cancel_draw", "roomCode": code}))["code"] == "DRAW_NOT_PENDING"
    for client in (a, b):
        await still_usable(client)


async def test_takebacks_are_refused_when_the_game_does_not_allow_them(pair: tuple[Client, Client]) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["e2e4"])
    assert (await white.error({"type": "request_takeback", "roomCode": code}))["code"] == "TAKEBACK_NOT_ALLOWED"


async def test_a_player_of_another_room_cannot_act_here(server: ServerThread) -> None:
    players = [await Client.connect(server.ws_url, signup(server.base_url)) for _ in range(4)]
    first = await open_room(players[0], players[1])
    await open_room(players[2], players[3])
    await start(players[0], players[1], first)
    for frame in (
        {"type": "make_move", "roomCode": first, "move": "e2e4"},
        {"type": "resign", "roomCode": first},
        {"type": "offer_draw", "roomCode": first},
        {"type": "start_game", "roomCode": first},
        {"type": "leave_room", "roomCode": first},
    ):
        assert (await players[2].error(frame))["code"] == "NOT_IN_ROOM"
    for p in players:
        await p.close()


async def test_an_oversized_frame_is_refused_and_the_socket_closed(server: ServerThread) -> None:
    client = await Client.connect(server.ws_url, signup(server.base_url))
    await client.send({"type": "heartbeat", "padding": "x" * (server.settings.ws_max_frame_bytes + 1)})
    assert (await client.expect("error"))["code"] == "FRAME_TOO_LARGE"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_flood_is_rate_limited_then_closed(server: ServerThread) -> None:
    client = await Client.connect(server.ws_url, signup(server.base_url))
    burst = server.settings.ws_rate_burst
    frame = orjson.dumps({"type": "heartbeat"}).decode()
    for _ in range(burst * 5):
        await client.ws.send(frame)
    codes: list[str] = []
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            reply = await client.recv()
            if reply["type"] == "error":
                codes.append(reply["code"])
    assert codes and set(codes) == {"RATE_LIMITED"}
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_concurrent_writer_makes_a_move_conflict(
    clean_redis: str, pair: tuple[Client, Client], server: ServerThread
) -> None:
    """Another writer changes the room between this server's read and its write; with no
    retries left the player is told to retry, and the stored room is untouched."""
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    server.wiring.rooms.repository.attempts = 1
    client = redis.Redis.from_url(clean_redis)
    stored = client.get(room_key(code))
    assert stored is not None
    version = orjson.loads(stored)["v"]
    bumped = stored.replace(f'{{"v":{version},'.encode(), f'{{"v":{version + 1},'.encode(), 1)
    client.set(room_key(code), bumped, keepttl=True)
    error = await white.error({"type": "make_move", "roomCode": code, "move": "e2e4"})
    assert error["code"] == "ROOM_UPDATE_CONFLICT" and error["retryable"] is True
    assert client.get(room_key(code)) == bumped
    server.wiring.rooms.repository.attempts = server.settings.room_update_attempts
    await play(white, black, code, ["e2e4"])
    client.close()


async def test_a_corrupt_room_document_is_an_internal_error_not_a_dead_socket(
    clean_redis: str, pair: tuple[Client, Client], server: ServerThread
) -> None:
    a, b = pair
    code = await open_room(a, b)
    client = redis.Redis.from_url(clean_redis)
    client.set(room_key(code), b"{truncated")
    server.wiring.rooms.repository.forget(code)
    error = await a.error({"type": "offer_draw", "roomCode": code})
    assert error["code"] == "INTERNAL_ERROR" and error["retryable"] is True
    assert error["context"] == {"roomCode": code, "type": "offer_draw"}  # which frame failed
    await still_usable(a)
    assert server.wiring.metrics.value("AppErrors") >= 1
    client.close()
    await asyncio.sleep(0)


async def test_a_refused_join_leaves_the_socket_in_its_room(pair: tuple[Client, Client]) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    assert (await b.error({"type": "join_room", "roomCode": "ZZZZ2222"}))["code"] == "ROOM_NOT_FOUND"
    await play(white, black, code, ["e2e4"])  # both still hear the room
    await b.ws.close()
    assert (await a.expect("reconnect_state"))["status"] == "paused"


async def test_settings_are_checked_after_the_seat_and_the_role(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    a, b = pair
    code = await open_room(a, b)
    silly = {"type": "start_game", "roomCode": code, "settings": {"timeWhiteSeconds": 10**9}}
    assert (await b.error(silly))["code"] == "UNAUTHORIZED"
    outsider = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await outsider.error(silly))["code"] == "NOT_IN_ROOM"
    assert (await a.error(silly))["code"] == "INVALID_PAYLOAD"
    await outsider.close()


async def test_a_client_that_stops_reading_holds_up_no_other_game(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    """One player's socket stops reading (a tiny receive buffer, never read) while their
    opponent sends it large signals; another room plays on regardless, because the server
    never waits on one socket to deliver to the others."""
    frozen = socket.socket()
    frozen.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a tiny window
    frozen.connect(("127.0.0.1", server.settings.port))
    account = signup(server.base_url)
    stuck = Client(await websockets.connect(f"{server.ws_url}?token={account['token']}", sock=frozen), account)
    stuck_peer = await Client.connect(server.ws_url, signup(server.base_url))
    await stuck_peer.send({"type": "create_room"})
    code = (await stuck_peer.expect("room_joined"))["roomCode"]
    await stuck.send({"type": "join_room", "roomCode": code})
    await stuck_peer.expect("video_ready")
    stuck.ws.transport.pause_reading()
    a, b = pair
    other = await open_room(a, b)
    white, black, _ = await start(a, b, other)
    blob = {"sdp": "x" * 15_000}
    for i in range(360):  # ~5 MB, more than the kernel buffers hold, within the rate limit
        await stuck_peer.send({"type": "signal", "roomCode": code, "data": blob})
        if i > 90:
            await asyncio.sleep(1 / 45)
    last = await play(white, black, other, ["e2e4", "e7e5", "g1f3", "b8c6"])
    assert last["ply"] == 4
