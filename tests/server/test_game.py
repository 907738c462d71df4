"""A whole game over real WebSockets against a real Redis."""

from __future__ import annotations

import io
from collections.abc import Callable

import chess.pgn
import orjson
import redis

from tests.server.rooms import open_room, start
from tests.support import Client, ServerThread, play, signup


async def test_fools_mate_ends_the_game_for_both_and_queues_its_record(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(finalizer_enabled=False)
    a = await Client.connect(server.ws_url, signup(server.base_url))
    b = await Client.connect(server.ws_url, signup(server.base_url))
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
        record = chess.pgn.read_game(io.StringIO(ended["pgn"]))
        assert record is not None and not record.errors
        assert [node.san() for node in record.mainline()] == ["f3", "e5", "g4", "Qh4#"]
        assert [node.clock() for node in record.mainline()] == [300, 300, 300, 300]  # the test's clock stood still
        assert (record.headers["Result"], record.headers["Termination"]) == ("0-1", "normal")
    client = redis.Redis.from_url(server.settings.redis_url)
    jobs = [orjson.loads(j) for j in client.lrange("game_finalization_queue", 0, -1)]
    assert len(jobs) == 1
    record = jobs[0]["gameRecord"]
    assert record["winner"] == black.user_id and record["result"] == "checkmate"
    assert record["move_list_uci"] == ["f2f3", "e7e5", "g2g4", "d8h4"]
    assert record["total_moves"] == 4 and record["outcome"] == "0-1"
    assert client.zcard("game_clock_deadlines") == 0
