"""Redis restarts under a running server: the game goes on and no player misses a move."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import chess
import pytest

from chesschat.adapters.embedded_redis import EmbeddedRedis
from chesschat.adapters.redis_live import connect
from tests.server.rooms import open_room, start
from tests.support import (
    Client,
    CuttableProxy,
    FakeClock,
    ServerThread,
    eventually,
    free_port,
    play,
    settings_for,
    signup,
)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A redis-server of this test's own, which it may stop and start again."""
    server = EmbeddedRedis(tmp_path / "live", port=free_port())
    server.start()
    yield server
    server.stop()


async def test_every_pooled_connection_comes_back_after_a_restart(own_redis: EmbeddedRedis, tmp_path: Path) -> None:
    client = connect(settings_for(own_redis.url, tmp_path))
    try:
        assert await asyncio.gather(*(client.ping() for _ in range(8))) == [True] * 8  # 8 connections pooled
        own_redis.stop()
        own_redis.start()
        # Each of them is dead now; each command still succeeds on a fresh connection.
        assert await asyncio.gather(*(client.ping() for _ in range(8))) == [True] * 8
    finally:
        await client.aclose()


async def a_game(host_on: ServerThread, guest_on: ServerThread) -> tuple[Client, Client, str, Client, Client]:
    """A host and a guest, each signed up on and connected to the server given, in a room
    with a game started: (host, guest, room code, white, black)."""
    host = await Client.connect(host_on.ws_url, signup(host_on.base_url))
    guest = await Client.connect(guest_on.ws_url, signup(guest_on.base_url))
    code = await open_room(host, guest)
    white, black, _ = await start(host, guest, code)
    return host, guest, code, white, black


@contextlib.asynccontextmanager
async def cut_off_and_direct(
    own_redis: EmbeddedRedis, tmp_path: Path
) -> AsyncIterator[tuple[CuttableProxy, ServerThread, ServerThread]]:
    """Two processes on one Redis: the first reaches it through a link the test can cut,
    the second directly. Yields (link, the first, the second); all stop after."""
    link = await CuttableProxy(own_redis.port).start()
    # The proxy runs on this test's loop, so a server behind it starts and stops in a thread.
    behind = ServerThread(settings_for(f"redis://127.0.0.1:{link.port}/0", tmp_path / "a"), FakeClock())
    cut_off = await asyncio.to_thread(behind.start)
    direct = ServerThread(settings_for(own_redis.url, tmp_path / "b"), FakeClock()).start()
    try:
        yield link, cut_off, direct
    finally:
        await asyncio.to_thread(cut_off.stop)
        direct.stop()
        await link.close()


async def comes_to_show(client: Client, fen: str) -> None:
    """The client's full-state frames (a move, or a snapshot of the room) arrive at ``fen``;
    times out if they never do."""
    while True:
        frame = await client.recv()
        if frame["type"] == "room_joined" and frame.get("activeGame"):
            frame = frame["activeGame"]
        elif frame["type"] != "move_made":
            continue
        if frame["fen"] == fen:
            return


async def test_a_redis_restart_mid_game_loses_no_move(own_redis: EmbeddedRedis, tmp_path: Path) -> None:
    server = ServerThread(settings_for(own_redis.url, tmp_path / "app"), FakeClock()).start()
    try:
        a, b, code, white, black = await a_game(server, server)
        await play(white, black, code, ["e2e4"])

        own_redis.stop()  # a clean restart: the append-only file keeps the room
        own_redis.start()
        # The first move after the restart, sent at once: the server's connections come
        # back by themselves, and both players learn of the move.
        await black.send({"type": "make_move", "roomCode": code, "move": "e7e5"})
        board = chess.Board()
        board.push_uci("e2e4")
        board.push_uci("e7e5")
        for player in (white, black):
            await comes_to_show(player, board.fen())
        # And play goes on as before.
        last = await play(white, black, code, ["g1f3"])
        assert last["moves"] == ["e2e4", "e7e5", "g1f3"]
        await a.close()
        await b.close()
    finally:
        server.stop()


async def test_moves_made_while_a_process_is_cut_from_redis_reach_its_players(
    own_redis: EmbeddedRedis, tmp_path: Path
) -> None:
    """Two processes; the link between one of them and Redis drops while a player on the
    other moves. The move was published while that process could not hear it."""
    async with cut_off_and_direct(own_redis, tmp_path) as (link, cut_off, direct):
        here, there, code, white, black = await a_game(cut_off, direct)
        board = chess.Board()
        if white is here:
            await play(white, black, code, ["e2e4"])
            board.push_uci("e2e4")
        link.cut()
        uci = "e2e4" if board.turn == chess.WHITE else "e7e5"
        await there.send({"type": "make_move", "roomCode": code, "move": uci})
        await there.expect("move_made")
        board.push_uci(uci)
        link.restore()
        await comes_to_show(here, board.fen())
        # Both go on playing across the two processes.
        reply = "g8f6" if board.turn == chess.BLACK else "g1f3"
        mover, other = (here, there) if (board.turn == chess.WHITE) == (white is here) else (there, here)
        last = await play(mover, other, code, [reply])
        assert last["moves"][-1] == reply

        # Cut again, and the game ends meanwhile: the snapshot says how.
        link.cut()
        await there.send({"type": "resign", "roomCode": code})
        ended = await there.expect("game_ended")
        link.restore()
        snapshot = await here.expect("room_joined")
        assert snapshot["activeGame"] is None
        assert snapshot["lastGame"]["gameId"] == ended["gameId"]
        assert (snapshot["lastGame"]["result"], snapshot["lastGame"]["winner"]) == ("resign", here.user_id)
        await here.close()
        await there.close()


async def test_a_lost_link_is_logged_once_when_it_drops_and_once_when_it_is_back(
    own_redis: EmbeddedRedis, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Operators read one line per loop for an outage, not a traceback per retry."""
    link = await CuttableProxy(own_redis.port).start()
    behind = ServerThread(settings_for(f"redis://127.0.0.1:{link.port}/0", tmp_path), FakeClock())
    server = await asyncio.to_thread(behind.start)
    loops = ("clock", "grace", "expiry", "nodes")
    try:
        capfd.readouterr()
        link.cut()
        out = ""
        async with asyncio.timeout(20):  # on expiry, ``out`` shows which loop never said so
            while out.count("timer_cut") < len(loops) or "relay_cut" not in out:
                await asyncio.sleep(0.05)
                out += capfd.readouterr().out
            # The loops keep failing meanwhile (each failure is counted): wait for many.
            failures = server.wiring.metrics.value("AppErrors")
            failing = await asyncio.to_thread(
                eventually, lambda: server.wiring.metrics.value("AppErrors") >= failures + 20, 10.0
            )
            assert failing
            link.restore()
            while out.count("timer_restored") < len(loops) or "relay_restored" not in out:
                await asyncio.sleep(0.05)
                out += capfd.readouterr().out
        assert out.count("relay_cut") == 1 and out.count("timer_cut") == len(loops)
        assert "Traceback" not in out and "_failed" not in out
    except TimeoutError:
        raise AssertionError(out) from None
    finally:
        await asyncio.to_thread(server.stop)
        await link.close()


async def test_a_watcher_on_a_process_cut_from_redis_is_shown_the_room_again(
    own_redis: EmbeddedRedis, tmp_path: Path
) -> None:
    """The players are on one process, a friend watches from another whose link to Redis
    drops while they move: once it is back, the watcher is shown the room as it stands."""
    async with cut_off_and_direct(own_redis, tmp_path) as (link, cut_off, direct):
        host, guest, code, white, black = await a_game(direct, direct)
        watcher = await Client.connect(cut_off.ws_url, signup(cut_off.base_url))
        watch_code = next(f["watchCode"] for f in host.seen if f["type"] == "room_joined")
        await watcher.send({"type": "watch_room", "roomCode": watch_code})
        await watcher.expect("watch_state")
        link.cut()
        await play(white, black, code, ["e2e4", "e7e5"])
        link.restore()
        shown = await watcher.expect("watch_state", timeout=15)
        assert shown["activeGame"]["moves"] == ["e2e4", "e7e5"]
        assert "chat" not in shown
        # And it follows the game from there.
        await play(white, black, code, ["g1f3"])
        assert (await watcher.expect("move_made"))["moves"] == ["e2e4", "e7e5", "g1f3"]
        for client in (host, guest, watcher):
            await client.close()
