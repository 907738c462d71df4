"""Finished games over HTTP: a real game played on the real server lands in both players'
history, their stats, and a PGN file other chess software can read."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import chess.pgn
import httpx
import orjson
import pytest

from chesschat.adapters.records.dynamodb import DynamoRecords
from chesschat.adapters.records.mapping import decode_job
from chesschat.web.records_http import GameOut
from tests.records.conftest import STORES, eventually
from tests.records.games import OLD_JOBS, finished_game
from tests.records.moto import MotoServer
from tests.server.rooms import open_room, start
from tests.support import Client, ServerThread, play, signup


@pytest.fixture(params=STORES)
def server(
    request: pytest.FixtureRequest, make_server: Callable[..., ServerThread], moto_server: MotoServer
) -> ServerThread:
    """The whole app on each record store."""
    if request.param == "sqlite":
        return make_server()
    prefix = f"h{uuid.uuid4().hex[:8]}-"
    tables = DynamoRecords(prefix, "us-east-1", moto_server.url)
    tables.create_tables()
    tables.close()
    return make_server(record_store="dynamodb", dynamodb_endpoint_url=moto_server.url, dynamodb_table_prefix=prefix)


def get(server: ServerThread, path: str, token: str | None = None, **params: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{server.base_url}{path}", headers=headers, params=params)


async def test_http_finished_game_reaches_history_stats_and_pgn(server: ServerThread) -> None:
    accounts = [signup(server.base_url), signup(server.base_url)]
    a, b = [await Client.connect(server.ws_url, account) for account in accounts]
    tokens = {account["user"]["user_id"]: account["token"] for account in accounts}
    code = await open_room(a, b)
    white, black, _ = await start(a, b, code)
    await play(white, black, code, ["f2f3", "e7e5", "g2g4", "d8h4"])
    ended = await white.expect("game_ended")
    await a.close()
    await b.close()

    def first_page(user_id: str) -> dict[str, Any] | None:
        body: dict[str, Any] = get(server, "/api/history", tokens[user_id]).json()
        return body if body["games"] else None

    for player in (white, black):
        page = await eventually(lambda p=player: first_page(p.user_id), what="the game in history")
        assert page["nextCursor"] is None
        (game,) = page["games"]
        assert game["game_id"] == ended["gameId"]
        assert (game["white_player_id"], game["black_player_id"]) == (white.user_id, black.user_id)
        assert game["move_list_san"] == ["f3", "e5", "g4", "Qh4#"]
        assert game["winner"] == black.user_id and game["result"] == "checkmate" and game["outcome"] == "0-1"
        assert len(game["fen_history"]) == 5 and game["pgn_notation"] == ended["pgn"]

    me = {p.user_id: get(server, "/api/me", tokens[p.user_id]).json()["user"] for p in (white, black)}
    assert (me[black.user_id]["wins"], me[black.user_id]["total_games"]) == (1, 1)
    assert (me[white.user_id]["losses"], me[white.user_id]["total_games"]) == (1, 1)

    game_id = ended["gameId"]
    full = get(server, f"/api/games/{game_id}", tokens[white.user_id])
    assert full.status_code == 200 and full.json()["game"]["move_list_uci"] == ["f2f3", "e7e5", "g2g4", "d8h4"]
    download = get(server, f"/api/games/{game_id}.pgn", tokens[black.user_id])
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/x-chess-pgn")
    assert download.headers["content-disposition"] == f'attachment; filename="chesschat-{game_id}.pgn"'
    parsed = chess.pgn.read_game(io.StringIO(download.text))
    assert parsed is not None and not parsed.errors
    assert parsed.headers["Result"] == "0-1"
    final = parsed.end().board()
    assert final.fen() == full.json()["game"]["fen_history"][-1] and final.is_checkmate()


def test_http_games_are_visible_to_their_players_only(server: ServerThread) -> None:
    stranger = signup(server.base_url)
    assert get(server, "/api/history").status_code == 401
    assert get(server, "/api/games/anything").status_code == 401
    for path in ("/api/games/no-such-game", "/api/games/no-such-game.pgn"):
        response = get(server, path, stranger["token"])
        assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_FOUND"


async def test_http_history_pages_with_an_opaque_cursor(server: ServerThread) -> None:
    me, other = signup(server.base_url), signup(server.base_url)
    my_id, other_id = me["user"]["user_id"], other["user"]["user_id"]
    records = server.wiring.records
    games = [finished_game(my_id, other_id, "draw", started_ms=1_700_000_000_000 + i * 60_000) for i in range(3)]
    for game in games:
        await records.finalize(game)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = get(server, "/api/history", me["token"], **params).json()
        seen += [g["game_id"] for g in body["games"]]
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == [g.game_id for g in reversed(games)]
    stranger_view = get(server, "/api/history", other["token"], limit=100).json()
    assert len(stranger_view["games"]) == 3  # the opponent sees them too
    bad = get(server, "/api/history", me["token"], cursor="not-a-cursor")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_PAYLOAD"
    other_game = get(server, f"/api/games/{games[0].game_id}", signup(server.base_url)["token"])
    assert other_game.status_code == 404


@pytest.mark.parametrize("raw", OLD_JOBS)
def test_http_game_is_the_record_the_original_attribute_names_and_formats(raw: bytes) -> None:
    record = orjson.loads(raw)["gameRecord"]
    shown = GameOut.of(decode_job(raw))
    # Bytes, not dict equality: 298.0 must not become 298, nor the keys change order.
    assert orjson.dumps(shown.model_dump(mode="json")) == orjson.dumps(record)
