"""Room codes and the room lifecycle against the real store."""

from __future__ import annotations

import re

import httpx
import orjson
import redis

from chesschat.adapters.redis_live import room_key
from tests.server.rooms import open_room, start
from tests.support import Client, FakeClock, ServerThread, eventually, play, signup


async def test_codes_are_issued_from_the_unambiguous_alphabet(server: ServerThread) -> None:
    host = await Client.connect(server.ws_url, signup(server.base_url))
    codes = set()
    for _ in range(20):
        await host.send({"type": "create_room"})
        codes.add((await host.expect("room_joined"))["roomCode"])
    assert len(codes) == 20
    assert all(re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", c) for c in codes)
    await host.close()


async def test_a_reserved_code_opens_on_first_join_and_an_unknown_code_never_does(server: ServerThread) -> None:
    account = signup(server.base_url)
    reserved = httpx.post(f"{server.base_url}/api/rooms", headers={"authorization": f"Bearer {account['token']}"})
    assert reserved.status_code == 201
    code = reserved.json()["roomCode"]
    friend = await Client.connect(server.ws_url, signup(server.base_url))
    await friend.send({"type": "join_room", "roomCode": code.lower()})
    joined = await friend.expect("room_joined")
    assert joined["roomCode"] == code and joined["hostUserId"] == friend.user_id
    stranger = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await stranger.error({"type": "join_room", "roomCode": "QQQQ2222"}))["code"] == "ROOM_NOT_FOUND"
    await friend.close()
    await stranger.close()


async def test_leaving_between_games_closes_the_room_and_its_code_is_single_use(
    pair: tuple[Client, Client], clean_redis: str
) -> None:
    a, b = pair
    code = await open_room(a, b)
    await a.send({"type": "leave_room", "roomCode": code})
    assert (await a.expect("room_left"))["roomCode"] == code
    assert (await b.expect("room_closed"))["reason"] == "left"
    client = redis.Redis.from_url(clean_redis)
    assert eventually(lambda: not client.exists(room_key(code)))
    for player in (a, b):
        assert (await player.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_NOT_FOUND"
    client.close()


async def test_a_terminal_room_admits_no_one(
    pair: tuple[Client, Client], server: ServerThread, clean_redis: str, clock: FakeClock
) -> None:
    """A node died between the terminal transition and the cleanup: the key is still
    there, marked terminal, and every join is refused until the expiry worker deletes it."""
    a, b = pair
    code = await open_room(a, b)
    server.run(server.wiring.timers.stop())
    client = redis.Redis.from_url(clean_redis)
    room = orjson.loads(client.get(room_key(code)) or b"{}")
    room.update(status="terminal", v=room["v"] + 1)
    client.set(room_key(code), orjson.dumps(room), keepttl=True)
    client.zadd("room_expiries", {code: clock.now_ms() / 1000})  # closing rooms are due at once
    server.wiring.rooms.repository.forget(code)
    for player in (a, b):
        assert (await player.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_TERMINATED"
    late = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await late.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_TERMINATED"
    assert (await a.error({"type": "start_game", "roomCode": code}))["code"] == "ROOM_TERMINATED"
    server.loop.call_soon_threadsafe(server.wiring.timers.start)
    assert eventually(lambda: not client.exists(room_key(code)))
    client.close()


async def test_activity_slides_the_room_expiry_in_step_with_its_index(
    pair: tuple[Client, Client], clean_redis: str, clock: FakeClock
) -> None:
    a, b = pair
    code = await open_room(a, b)
    client = redis.Redis.from_url(clean_redis)
    clock.advance(600_000)
    await start(a, b, code)
    room = orjson.loads(client.get(room_key(code)) or b"{}")
    assert room["expires_at_ms"] == clock.now_ms() + 3_600_000
    assert client.zscore("room_expiries", code) == room["expires_at_ms"] / 1000
    assert 3_590_000 < client.pttl(room_key(code)) <= 3_600_000
    client.close()


async def test_a_room_left_idle_past_its_ttl_ends_its_game(pair: tuple[Client, Client], clock: FakeClock) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code, timeWhiteSeconds=10800, timeBlackSeconds=10800)
    await play(white, black, code, ["e2e4", "e7e5"])
    clock.advance(3_600_000)
    ended = await white.expect("game_ended", timeout=10)
    assert ended["result"] == "room_expired" and ended["winner"] == "draw"
    assert (await white.expect("room_closed"))["reason"] == "expired"
