"""A whole game over real WebSockets against a real Redis."""

from __future__ import annotations

import orjson
import redis

from tests.support import Client, ServerThread, play


async def open_room(a: Client, b: Client) -> str:
    await a.send({"type": "create_room"})
    joined = await a.expect("room_joined")
    code: str = joined["roomCode"]
    await b.send({"type": "join_room", "roomCode": code.lower()})
    await b.expect("room_joined")
    await a.expect("video_ready")
    return code


async def start(host: Client, guest: Client, code: str, **settings: object) -> tuple[Client, Client, dict]:
    await host.send({"type": "start_game", "roomCode": code, "settings": settings})
    started = await host.expect("game_started")
    await guest.expect("game_started")
    white = host if started["whitePlayerId"] == host.user_id else guest
    black = guest if white is host else host
    return white, black, started


async def test_fools_mate_ends_the_game_for_both_and_queues_its_record(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    a, b = pair
    code = await open_room(a, b)
    white, black, started = await start(a, b, code)
    assert started["turn"] == "white" and started["timeWhite"] == 300.0
    assert "e2e4" in started["legalMoves"]
    last = await play(white, black, code, ["f2f3", "e7e5", "g2g4"])
    assert last["moveSans"] == ["f3", "e5", "g4"]
    await black.send({"type": "make_move", "roomCode": code, "move": "d8h4"})
    mate = await white.expect("move_made")
    assert mate["moveSan"] == "Qh4#" and mate["isCheck"] is True
    for player in (white, black):
        ended = await player.expect("game_ended")
        assert ended["winner"] == black.user_id
        assert ended["result"] == "checkmate"
        assert "1. f3 e5 2. g4 Qh4# 0-1" in ended["pgn"]
    client = redis.Redis.from_url(server.settings.redis_url)
    jobs = [orjson.loads(j) for j in client.lrange("game_finalization_queue", 0, -1)]
    assert len(jobs) == 1
    record = jobs[0]["gameRecord"]
    assert record["winner"] == black.user_id and record["result"] == "checkmate"
    assert record["move_list_uci"] == ["f2f3", "e7e5", "g2g4", "d8h4"]
    assert record["total_moves"] == 4 and record["outcome"] == "0-1"
    assert client.zcard("game_clock_deadlines") == 0
