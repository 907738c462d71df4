"""A player renames themselves and deletes their account, over real HTTP and sockets:
what their friends, opponents and the next person to pick the name see afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.records.games import finished_game
from tests.server.rooms import open_room, start
from tests.server.test_social_http import User, befriend, refused
from tests.support import Client, FakeClock, ServerThread, eventually, play, signup


def login(server: ServerThread, username: str) -> httpx.Response:
    return httpx.post(f"{server.base_url}/api/auth/login", json={"username": username, "password": "correct horse"})


async def closed_with(client: Client) -> int | None:
    await asyncio.wait_for(client.ws.wait_closed(), 5)
    return client.ws.close_code


async def test_a_rename_keeps_the_account_and_shows_the_new_name_everywhere(server: ServerThread) -> None:
    ann, bob = User(server), User(server)
    befriend(ann, bob)
    game = finished_game(ann.id, bob.id, "white_wins")
    server.run(server.wiring.records.finalize(game))
    old, new = ann.name, f"renamed.{ann.name[1:]}"

    refused(ann.call("POST", "/api/profile", {"username": bob.name.upper()}), 409, "CONFLICT")
    refused(ann.call("POST", "/api/profile", {"username": "no spaces!"}), 422, "INVALID_PAYLOAD")
    refused(ann.call("POST", "/api/profile", {}), 422, "INVALID_PAYLOAD")
    renamed = ann.ok("POST", "/api/profile", {"username": f" {new.upper()} "})
    assert renamed["username"] == new and renamed["needs_username"] is False
    assert (renamed["user"]["user_id"], renamed["user"]["username"]) == (ann.id, new)
    assert ann.ok("GET", "/api/me")["user"]["username"] == new

    # The friend, the opponent's history and its PGN know her by the new name.
    assert bob.ok("GET", "/api/friends")["friends"][0]["friend_username"] == new
    (kept,) = bob.ok("GET", "/api/history")["games"]
    assert kept["white_username"] == new
    pgn = bob.call("GET", f"/api/games/{game.game_id}.pgn").text
    assert f'[White "{new}"]' in pgn and f'"{old}"' not in pgn

    # She signs in under the new name only; the old one is free for someone else.
    assert login(server, new).status_code == 200
    refused(login(server, old), 401, "INVALID_CREDENTIALS")
    assert signup(server.base_url, old)["user"]["user_id"] != ann.id


async def test_a_deleted_account_is_gone_everywhere_but_the_opponents_history(
    make_server: Callable[..., ServerThread], tmp_path: Path
) -> None:
    here, there = make_server(data_dir=tmp_path / "shared"), make_server(data_dir=tmp_path / "shared")
    ann, bob = User(here), User(here)
    befriend(ann, bob)
    ann.ok("POST", "/api/challenges", {"username": bob.name})
    game = finished_game(bob.id, ann.id, "black_wins")
    here.run(here.wiring.records.finalize(game))
    sockets = [await Client.connect(here.ws_url, ann.account), await Client.connect(there.ws_url, ann.account)]

    deleted = ann.call("DELETE", "/api/me")
    assert deleted.status_code == 204 and not deleted.content
    cookie = deleted.headers["set-cookie"]
    assert cookie.startswith(f"{here.settings.cookie_name}=") and "Max-Age=0" in cookie
    # Her sockets close on both processes as unauthorized; her token opens nothing.
    for socket in sockets:
        assert await closed_with(socket) == 4001
    refused(ann.call("GET", "/api/me"), 401, "UNAUTHORIZED")
    refused(ann.call("DELETE", "/api/me"), 401, "UNAUTHORIZED")
    refused(login(here, ann.name), 401, "INVALID_CREDENTIALS")

    # Bob's friends and challenges forget her; the game stays in his history, hers shown as gone.
    assert bob.ok("GET", "/api/friends") == {"friends": []}
    assert bob.ok("GET", "/api/challenges")["challenges"] == []
    (kept,) = bob.ok("GET", "/api/history")["games"]
    assert (kept["game_id"], kept["black_username"], kept["white_username"]) == (game.game_id, "deleted user", bob.name)
    assert '[Black "deleted user"]' in bob.call("GET", f"/api/games/{game.game_id}.pgn").text
    assert bob.ok("GET", "/api/me")["user"]["wins"] == 0

    # Her name is free; whoever takes it is someone new, not the player in Bob's history.
    again = signup(here.base_url, ann.name)
    assert again["user"]["user_id"] != ann.id
    assert bob.ok("GET", "/api/history")["games"][0]["black_username"] == "deleted user"


async def test_a_player_who_deletes_their_account_mid_game_forfeits_and_the_winner_keeps_the_win(
    server: ServerThread, clock: FakeClock
) -> None:
    ann, bob = User(server), User(server)
    a, b = await Client.connect(server.ws_url, ann.account), await Client.connect(server.ws_url, bob.account)
    code = await open_room(a, b)
    white, black, started = await start(a, b, code)
    await play(white, black, code, ["e2e4", "e7e5"])
    leaver, stayer = (ann, bob) if white is a else (bob, ann)
    gone, left = (a, b) if leaver is ann else (b, a)

    assert leaver.call("DELETE", "/api/me").status_code == 204
    assert await closed_with(gone) == 4001
    await left.expect("reconnect_state")
    clock.advance(12_001)
    ended = await left.expect("game_ended")
    assert ended["result"] == "forfeit_disconnect" and ended["winner"] == stayer.id
    # The game is kept, with the win counted once for the one who stayed.
    assert eventually(lambda: stayer.ok("GET", "/api/me")["user"]["wins"] == 1, timeout=10)
    (kept,) = stayer.ok("GET", "/api/history")["games"]
    assert kept["game_id"] == started["gameId"]
    assert "deleted user" in (kept["white_username"], kept["black_username"])
    await left.close()
