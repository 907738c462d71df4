"""Drops, rejoins, grace expiry and flag fall, with the server's clock in the test's hands."""

from __future__ import annotations

import redis

from chesschat.adapters.redis_live import room_key
from tests.server.rooms import open_room, start
from tests.support import Client, FakeClock, ServerThread, eventually, play, signup


async def reconnect(server: ServerThread, client: Client) -> Client:
    return await Client.connect(server.ws_url, client.account)


async def test_first_join_order_has_no_reconnect_state(server: ServerThread) -> None:
    host = await Client.connect(server.ws_url, signup(server.base_url))
    guest = await Client.connect(server.ws_url, signup(server.base_url))
    await host.send({"type": "create_room"})
    assert await host.types_until("room_joined") == ["participant_joined", "room_joined"]
    code = host.seen[-1]["roomCode"]
    assert host.seen[-1]["hostUserId"] == host.user_id
    await guest.send({"type": "join_room", "roomCode": code})
    assert await guest.types_until("video_ready") == ["participant_joined", "room_joined", "video_ready"]
    assert await host.types_until("video_ready") == ["participant_joined", "room_joined", "video_ready"]
    joined = [f for f in guest.seen if f["type"] == "room_joined"][-1]
    assert [p["userId"] for p in joined["participants"]] == [host.user_id, guest.user_id]
    assert joined["activeGame"] is None and joined["status"] == "active"
    await host.close()
    await guest.close()


async def test_a_dropped_player_comes_back_in_time_and_is_not_charged_for_the_pause(
    pair: tuple[Client, Client], server: ServerThread, clock: FakeClock
) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code, timeWhiteSeconds=60, timeBlackSeconds=60)
    await play(white, black, code, ["e2e4", "e7e5"])
    clock.advance(5_000)  # white thinks for 5 s, then loses the connection
    await white.ws.close()
    assert await black.types_until("reconnect_state") == ["participant_left", "room_joined", "reconnect_state"]
    paused = black.seen[-1]
    snapshot = black.seen[-2]
    assert paused["status"] == "paused" and paused["disconnectedUserId"] == white.user_id
    assert paused["graceEndsAt"] == clock.now_ms() + 12_000
    assert snapshot["activeGame"]["paused"] is True
    assert snapshot["activeGame"]["disconnectedUserId"] == white.user_id
    assert (await black.error({"type": "make_move", "roomCode": code, "move": "g8f6"}))["code"] == "GAME_PAUSED"

    clock.advance(11_000)  # the pause is charged to nobody
    back = await reconnect(server, white)
    await back.send({"type": "join_room", "roomCode": code})
    kinds = await back.types_until("video_ready")
    assert kinds == ["participant_joined", "room_joined", "draw_offer_state", "reconnect_state", "video_ready"]
    assert "game_started" not in kinds
    restored = back.seen[-2]
    assert restored["status"] == "restored"
    assert restored["reconnectVersion"] > paused["reconnectVersion"]
    game = back.seen[1]["activeGame"]
    assert game["moves"] == ["e2e4", "e7e5"] and game["paused"] is False
    assert game["timeWhite"] == 55.0 and game["timeBlack"] == 60.0
    assert (await black.expect("reconnect_state"))["status"] == "restored"
    clock.advance(1_000)
    last = await play(back, black, code, ["g1f3"])
    assert last["timeWhite"] == 54.0
    await back.close()
    await black.close()


async def test_grace_expiry_forfeits_the_game_and_closes_the_room_for_good(
    pair: tuple[Client, Client], server: ServerThread, clock: FakeClock, clean_redis: str
) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["d2d4", "d7d5"])
    await black.ws.close()
    await white.expect("reconnect_state")
    clock.advance(12_001)
    ended = await white.expect("game_ended")
    assert ended["result"] == "forfeit_disconnect" and ended["winner"] == white.user_id
    assert (await white.expect("room_closed"))["reason"] == "reconnect_expired"
    client = redis.Redis.from_url(clean_redis)
    indexes = ("room_expiries", "room_reconnect_deadlines", "game_clock_deadlines")
    assert eventually(
        lambda: not client.exists(room_key(code)) and all(client.zscore(i, code) is None for i in indexes)
    )
    client.close()
    late = await reconnect(server, black)
    assert (await late.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_NOT_FOUND"
    assert (await white.error({"type": "join_room", "roomCode": code}))["code"] == "ROOM_NOT_FOUND"
    await late.close()
    await white.close()


async def test_a_player_back_after_the_deadline_is_refused(
    pair: tuple[Client, Client], server: ServerThread, clock: FakeClock
) -> None:
    a, b = pair
    code = await open_room(a, b)
    await start(a, b, code)
    server.run(server.wiring.timers.stop())  # the worker is late: the room still holds the seat
    await b.ws.close()
    await a.expect("reconnect_state")
    clock.advance(12_500)
    late = await reconnect(server, b)
    assert (await late.error({"type": "join_room", "roomCode": code}))["code"] == "RECONNECT_WINDOW_EXPIRED"
    await late.close()
    await a.close()


async def _up_to(clock: FakeClock, ms: int, client: Client) -> None:
    """Move the clock to a deadline ``ms`` away: a millisecond short of it first, with a round
    trip to the server in between (nothing may have ended yet)."""
    clock.advance(ms - 1)
    await client.send({"type": "heartbeat"})
    assert await client.expect("heartbeat_ack")
    clock.advance(1)


async def test_the_flag_falls_with_no_move_sent(pair: tuple[Client, Client], clock: FakeClock) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code, timeWhiteSeconds=30, timeBlackSeconds=30, incrementSeconds=2)
    clock.advance(3_000)
    await play(white, black, code, ["e2e4"])
    clock.advance(4_000)
    last = await play(black, white, code, ["c7c5"])
    assert last["timeWhite"] == 30.0 and last["timeBlack"] == 30.0  # no clock runs before both first moves
    assert last["firstMoveDeadlineMs"] is None
    await _up_to(clock, 30_000, white)
    for player in (white, black):
        ended = await player.expect("game_ended")
        assert ended["result"] == "timeout" and ended["winner"] == black.user_id
        assert ended["timeWhite"] == 0.0
        assert '[Termination "time forfeit"]' in ended["pgn"]
    assert [f["type"] for f in white.seen].count("game_ended") == 1


async def test_a_side_that_misses_its_first_move_has_the_game_aborted(
    pair: tuple[Client, Client], clock: FakeClock
) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, started = await start(a, b, code, timeWhiteSeconds=10, timeBlackSeconds=10)
    assert started["firstMoveDeadlineMs"] == started["serverTimestampMs"] + 30_000
    clock.advance(5_000)
    moved = await play(white, black, code, ["e2e4"])
    assert moved["timeWhite"] == 10.0 and moved["firstMoveDeadlineMs"] == moved["serverTimestampMs"] + 30_000
    await _up_to(clock, 30_000, black)
    for player in (white, black):
        ended = await player.expect("game_ended")
        assert (ended["result"], ended["outcome"], ended["winner"]) == ("aborted", "*", "draw")
        assert '[Termination "abandoned"]' in ended["pgn"]


async def test_the_next_game_swaps_colours(pair: tuple[Client, Client]) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, first = await start(a, b, code)
    await black.send({"type": "abort", "roomCode": code})
    assert (await white.expect("game_ended"))["result"] == "aborted"
    _, _, second = await start(a, b, code)
    assert second["whitePlayerId"] == first["blackPlayerId"]
    assert second["gameId"] != first["gameId"]
    white2 = a if second["whitePlayerId"] == a.user_id else b
    await white2.send({"type": "resign", "roomCode": code})
    ended = await white2.expect("game_ended")
    assert ended["result"] == "resign" and ended["winner"] == second["blackPlayerId"]
