"""Watchers over real sockets: a friend follows a room's game read-only from any process,
never takes a seat, never hears the players' chat or signalling, and never changes the
room; the players see how many watch; the host can stop it; a room has a cap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from tests.server.rooms import open_room, start
from tests.server.test_processes import Process
from tests.support import Client, ServerThread, play, signup


async def seat(ann: Client, bob: Client) -> tuple[str, str]:
    """Ann opens a room and Bob joins it: on sitting down he hears that nobody watches.
    Returns the room's code and its watch link's code, which the players are given."""
    code = await open_room(ann, bob)
    assert (await bob.expect("watchers"))["count"] == 0
    watch_codes = {f["watchCode"] for c in (ann, bob) for f in c.seen if f["type"] == "room_joined"}
    assert len(watch_codes) == 1 and code not in watch_codes
    return code, watch_codes.pop()


async def watch(server_ws: str, base_url: str, watch_code: str) -> tuple[Client, dict[str, object]]:
    watcher = await Client.connect(server_ws, signup(base_url))
    await watcher.send({"type": "watch_room", "roomCode": watch_code.lower()})
    return watcher, await watcher.expect("watch_state")


def never_named(client: Client, code: str, watch_code: str) -> None:
    """Every frame the watcher got names the room by its watch code, never by its own
    (errors only echo the frame the test sent)."""
    assert client.seen
    for frame in (f for f in client.seen if f["type"] != "error"):
        assert code not in orjson.dumps(frame).decode(), frame
        assert frame.get("roomCode") in (watch_code, None), frame


async def test_a_watcher_on_another_process_sees_every_move_and_the_result_and_nothing_private(
    processes: tuple[Process, Process],
) -> None:
    one, two = processes
    ann = await Client.connect(one.ws_url, signup(one.base_url))
    bob = await Client.connect(one.ws_url, signup(one.base_url))
    code, watch_code = await seat(ann, bob)
    white, black, _ = await start(ann, bob, code, timeWhiteSeconds=300, timeBlackSeconds=300)
    await play(white, black, code, ["f2f3"])
    watcher, state = await watch(two.ws_url, two.base_url, watch_code)
    assert {p["userId"] for p in state["participants"]} == {ann.user_id, bob.user_id}  # type: ignore[attr-defined]
    assert state["activeGame"]["moves"] == ["f2f3"]  # type: ignore[index]
    assert "chat" not in state
    for player in (ann, bob):
        assert (await player.expect("watchers"))["count"] == 1
    assert (await watcher.expect("watchers"))["count"] == 1

    await ann.send({"type": "chat", "roomCode": code, "text": "just between us"})
    await ann.send({"type": "signal", "roomCode": code, "data": {"sdp": "offer"}})
    await bob.expect("signal")
    for uci in ("e7e5", "g2g4"):
        mover = black if uci == "e7e5" else white
        await mover.send({"type": "make_move", "roomCode": code, "move": uci})
        # The players' chat and signalling were sent first: the watcher's next frame is the move.
        moved = await watcher.recv()
        assert moved["type"] == "move_made" and moved["move"] == uci
    await black.send({"type": "make_move", "roomCode": code, "move": "d8h4"})
    ended = await watcher.expect("game_ended")
    assert ended["result"] == "checkmate" and ended["winner"] == black.user_id and ended["pgn"]
    never_named(watcher, code, watch_code)

    # The watcher's process dies: once it is reaped, the players see nobody watching.
    two.kill()
    for player in (ann, bob):
        assert (await player.expect("watchers", timeout=20))["count"] == 0
    await ann.close()
    await bob.close()


async def test_a_watchers_player_frames_are_refused_and_change_nothing(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    ann, bob = pair
    code, watch_code = await seat(ann, bob)
    white, black, _ = await start(ann, bob, code)
    version = server.run(server.wiring.live.load(code)).version
    watcher, _ = await watch(server.ws_url, server.base_url, watch_code)
    for player in (ann, bob):
        assert (await player.expect("watchers"))["count"] == 1
    for frame in (
        {"type": "make_move", "roomCode": code, "move": "e2e4"},
        {"type": "make_move", "roomCode": code, "move": "e7e5"},
        {"type": "signal", "roomCode": code, "data": {"sdp": "offer"}},
        {"type": "chat", "roomCode": code, "text": "hello"},
        {"type": "resign", "roomCode": code},
        {"type": "offer_draw", "roomCode": code},
        {"type": "start_game", "roomCode": code},
        {"type": "set_watching", "roomCode": code, "allowed": False},
    ):
        refused = await watcher.error(frame)
        assert refused["code"] == "WATCHING_ONLY", frame
        assert refused["context"] == {"roomCode": code, "type": frame["type"]}
        # The same acts on the room as the watcher knows it, and taking a seat with it.
        as_watched = {**frame, "roomCode": watch_code}
        refused = await watcher.error(as_watched)
        assert refused["code"] == "WATCHING_ONLY", as_watched
        assert refused["context"] == {"roomCode": watch_code, "type": frame["type"]}
    assert (await watcher.error({"type": "join_room", "roomCode": watch_code}))["code"] == "WATCHING_ONLY"
    # Watching wrote nothing to the room: not its version, not its time to live.
    assert server.run(server.wiring.live.load(code)).version == version
    # A player cannot watch their own room; an unknown room cannot be watched.
    # A player cannot watch their own room (and is told its code); an unknown link, or
    # the room's own code, cannot be watched.
    own = await ann.error({"type": "watch_room", "roomCode": watch_code})
    assert own["code"] == "PLAYER_CANNOT_WATCH" and own["context"]["roomCode"] == code
    assert (await watcher.error({"type": "watch_room", "roomCode": "ZZZZ2222"}))["code"] == "ROOM_NOT_FOUND"
    stranger = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await stranger.error({"type": "watch_room", "roomCode": code}))["code"] == "ROOM_NOT_FOUND"
    await stranger.close()
    # The watcher leaves and closes its socket: no seat drops, the game goes on.
    await watcher.send({"type": "leave_room", "roomCode": watch_code})
    assert (await watcher.expect("room_left"))["roomCode"] == watch_code
    for player in (ann, bob):
        assert (await player.expect("watchers"))["count"] == 0
    await watcher.close()
    await white.send({"type": "make_move", "roomCode": code, "move": "e2e4"})
    assert await black.types_until("move_made") == ["move_made"]


async def test_turning_watching_off_closes_the_watchers_view_and_on_lets_them_back(
    pair: tuple[Client, Client], server: ServerThread
) -> None:
    ann, bob = pair  # ann opened the room: she is the host
    code, watch_code = await seat(ann, bob)
    joined_state = server.run(server.wiring.live.load(code))
    assert joined_state.watching
    watcher, _ = await watch(server.ws_url, server.base_url, watch_code)
    await ann.expect("watchers")
    assert (await bob.error({"type": "set_watching", "roomCode": code, "allowed": False}))["code"] == "UNAUTHORIZED"

    await ann.send({"type": "set_watching", "roomCode": code, "allowed": False})
    off = await watcher.expect("watching_changed")
    assert off == {"type": "watching_changed", "roomCode": watch_code, "allowed": False}
    for player in (ann, bob):
        assert (await player.expect("watching_changed"))["allowed"] is False
        assert (await player.expect("watchers"))["count"] == 0
    # The watcher hears nothing more of the room, and may not come back while it is off.
    await ann.send({"type": "chat", "roomCode": code, "text": "alone now"})
    await bob.expect("chat")
    assert (await watcher.error({"type": "watch_room", "roomCode": watch_code}))["code"] == "WATCHING_OFF"
    # Nor is it a watcher any more: its moves are a stranger's.
    assert (await watcher.error({"type": "resign", "roomCode": code}))["code"] == "NOT_IN_ROOM"
    rejoined = await Client.connect(server.ws_url, ann.account)
    await rejoined.send({"type": "join_room", "roomCode": code})
    assert (await rejoined.expect("room_joined"))["watching"] is False
    await rejoined.close()

    await ann.send({"type": "set_watching", "roomCode": code, "allowed": True})
    assert (await bob.expect("watching_changed"))["allowed"] is True
    await watcher.send({"type": "watch_room", "roomCode": watch_code})
    assert (await watcher.expect("watch_state"))["watching"] is True
    never_named(watcher, code, watch_code)
    await watcher.close()


async def test_a_room_takes_watchers_up_to_its_cap(make_server: Callable[..., ServerThread]) -> None:
    server = make_server(max_watchers_per_room=1)
    ann = await Client.connect(server.ws_url, signup(server.base_url))
    bob = await Client.connect(server.ws_url, signup(server.base_url))
    code, watch_code = await seat(ann, bob)
    first, _ = await watch(server.ws_url, server.base_url, watch_code)
    second = await Client.connect(server.ws_url, signup(server.base_url))
    full = await second.error({"type": "watch_room", "roomCode": watch_code})
    assert full["code"] == "WATCHERS_FULL" and full["retryable"] is True
    await first.close()
    assert (await ann.expect("watchers"))["count"] == 1
    assert (await ann.expect("watchers"))["count"] == 0
    await second.send({"type": "watch_room", "roomCode": watch_code})
    await second.expect("watch_state")
    # The room closes: the watcher hears it, and its socket is free again.
    await ann.send({"type": "leave_room", "roomCode": code})
    await bob.send({"type": "leave_room", "roomCode": code})
    assert (await second.expect("room_closed"))["roomCode"] == watch_code
    gone = await second.error({"type": "watch_room", "roomCode": watch_code})
    assert gone["code"] in {"ROOM_NOT_FOUND", "ROOM_TERMINATED"}
    for client in (ann, bob, second):
        await client.close()


async def test_the_watch_link_never_takes_the_free_seat(pair: tuple[Client, Client], server: ServerThread) -> None:
    """The host shares the watch link before the friend arrives: whoever has it watches,
    and neither the watch code nor anything a watcher hears lets them sit down."""
    ann, bob = pair
    await ann.send({"type": "create_room"})
    joined = await ann.expect("room_joined")
    code, watch_code = joined["roomCode"], joined["watchCode"]
    stranger = await Client.connect(server.ws_url, signup(server.base_url))
    assert (await stranger.error({"type": "join_room", "roomCode": watch_code}))["code"] == "ROOM_NOT_FOUND"
    watcher, state = await watch(server.ws_url, server.base_url, watch_code)
    assert state["roomCode"] == watch_code and len(state["participants"]) == 1  # type: ignore[arg-type]
    assert (await watcher.error({"type": "join_room", "roomCode": watch_code}))["code"] == "WATCHING_ONLY"
    await bob.send({"type": "join_room", "roomCode": code})  # the friend has the room's own code
    assert (await bob.expect("room_joined"))["roomCode"] == code
    assert {p["userId"] for p in (await watcher.expect("participant_joined"))["participants"]} == {
        ann.user_id,
        bob.user_id,
    }
    never_named(watcher, code, watch_code)
    for client in (stranger, watcher):
        await client.close()


@pytest.fixture
def processes(clean_redis: str, tmp_path: Path) -> object:
    quick = {"node_heartbeat_seconds": "0.2", "node_dead_after_seconds": "1.5"}
    first, second = Process(clean_redis, tmp_path, **quick), Process(clean_redis, tmp_path, **quick)
    yield first, second
    first.stop()
    second.stop()
