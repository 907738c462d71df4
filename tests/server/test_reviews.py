"""Post-game review with the real Stockfish (Debian's package, which the test command
installs): a player asks, a worker reviews through the queue, and the result is kept."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import chess
import httpx

from chesschat.adapters.stockfish import engine_path
from chesschat.domain.finished import FinishedGame
from tests.records.games import finished_game
from tests.server.test_social_http import User, refused
from tests.support import ServerThread

# 3... Nf6?? lets 4. Qxf7#: a game with a blunder and a mate the engine must see.
SCHOLARS_MATE = ["e2e4", "e7e5", "f1c4", "b8c6", "d1h5", "g8f6", "h5f7"]


def scholars_mate(white: str, black: str) -> FinishedGame:
    board = chess.Board()
    sans, fens = [], [board.fen()]
    for uci in SCHOLARS_MATE:
        move = chess.Move.from_uci(uci)
        sans.append(board.san(move))
        board.push(move)
        fens.append(board.fen())
    base = finished_game(white, black, "white_wins", plies=0)
    return replace(base, moves=tuple(SCHOLARS_MATE), sans=tuple(sans), fens=tuple(fens), ply=len(sans))


def wait_done(user: User, game_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body: dict[str, Any] = user.ok("GET", f"/api/games/{game_id}/analysis")
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError("the review did not finish")


def test_stockfish_is_installed_where_the_server_looks() -> None:
    assert engine_path(None) is not None, "the test command installs Debian's stockfish"


async def test_a_player_asks_once_and_reads_every_ply_judged_with_accuracies(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(review_seconds_per_position=0.02)
    ann, bob, eve = User(server), User(server), User(server)
    game = scholars_mate(ann.id, bob.id)
    server.run(server.wiring.records.finalize(game))

    refused(ann.call("GET", f"/api/games/{game.game_id}/analysis"), 404, "NOT_FOUND")  # not asked yet
    refused(eve.call("POST", f"/api/games/{game.game_id}/analysis"), 404, "NOT_FOUND")  # not her game
    refused(ann.call("POST", f"/api/games/{uuid.uuid4()}/analysis"), 404, "NOT_FOUND")
    asked = ann.call("POST", f"/api/games/{game.game_id}/analysis")
    assert asked.status_code == 202 and asked.json()["status"] in ("queued", "running", "done")
    assert bob.call("POST", f"/api/games/{game.game_id}/analysis").status_code == 202  # the same review

    done = wait_done(bob, game.game_id)
    assert done["status"] == "done"
    plies = done["plies"]
    assert [p["ply"] for p in plies] == list(range(1, 8))
    assert [p["san"] for p in plies] == ["e4", "e5", "Bc4", "Nc6", "Qh5", "Nf6", "Qxf7#"]
    blunder = plies[5]  # 3... Nf6?? allows mate in one
    assert blunder["judgement"] == "blunder" and blunder["mate"] == 1
    assert blunder["best"] in ("Qe7", "Qf6", "g6", "Nh6", "Qe7+")  # the engine's defence, in SAN
    assert plies[-1]["judgement"] is None and plies[-1]["cp"] == 10_000  # mate given
    accuracy = done["accuracy"]
    assert 0 <= accuracy["black"] < accuracy["white"] <= 100
    assert eve.call("GET", f"/api/games/{game.game_id}/analysis").status_code == 404
    # Asked again after it is done: nothing is queued again, the result stands.
    again = ann.call("POST", f"/api/games/{game.game_id}/analysis").json()
    assert again["status"] == "done" and again["plies"] == plies


def test_without_an_engine_the_review_says_so_and_the_rest_works(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(review_engine_path="/nowhere/stockfish")
    ann, bob = User(server), User(server)
    game = finished_game(ann.id, bob.id, "black_wins")
    server.run(server.wiring.records.finalize(game))
    answer = ann.call("POST", f"/api/games/{game.game_id}/analysis")
    assert answer.status_code == 503 and "needs Stockfish" in answer.json()["error"]["message"]
    assert ann.ok("GET", "/api/history")["games"][0]["game_id"] == game.game_id
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200
