"""The score between two players over real HTTP: from the caller's side, with the last games
as history items, for signed-in players only, and refused against oneself or nobody."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.records.games import START_MS, finished_game
from tests.support import ServerThread, signup


def get(server: ServerThread, path: str, token: str | None = None, **params: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{server.base_url}{path}", headers=headers, params=params)


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def test_head_to_head_is_the_callers_score_with_the_last_games_as_in_history(server: ServerThread) -> None:
    ann, bob = signup(server.base_url), signup(server.base_url)
    ann_id, bob_id = ann["user"]["user_id"], bob["user"]["user_id"]
    stranger = signup(server.base_url)["user"]["user_id"]
    games = [
        finished_game(ann_id, bob_id, "white_wins", started_ms=START_MS),
        finished_game(bob_id, ann_id, "white_wins", started_ms=START_MS + 60_000, seed=1),
        finished_game(bob_id, ann_id, "draw", started_ms=START_MS + 120_000, seed=2),
        finished_game(ann_id, bob_id, "aborted", started_ms=START_MS + 180_000, seed=3),
        finished_game(ann_id, stranger, "white_wins", started_ms=START_MS + 240_000, seed=4),
    ]
    for game in games:
        server.run(server.wiring.records.finalize(game))

    answer = get(server, f"/api/users/{bob_id}/head-to-head", ann["token"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"opponent", "wins", "draws", "losses", "games"}
    assert body["opponent"] == {"userId": bob_id, "username": bob["user"]["username"]}
    assert (body["wins"], body["draws"], body["losses"]) == (1, 1, 1)
    history = get(server, "/api/history", ann["token"]).json()["games"]
    # The games between the two, newest first, each exactly as the history shows it.
    assert body["games"] == [g for g in history if stranger not in (g["white_player_id"], g["black_player_id"])]
    assert [g["game_id"] for g in body["games"]] == [g.game_id for g in reversed(games[:4])]

    theirs = get(server, f"/api/users/{ann_id}/head-to-head", bob["token"], limit=2).json()
    assert theirs["opponent"]["userId"] == ann_id
    assert (theirs["wins"], theirs["draws"], theirs["losses"]) == (1, 1, 1)
    assert [g["game_id"] for g in theirs["games"]] == [games[3].game_id, games[2].game_id]
    assert get(server, f"/api/users/{stranger}/head-to-head", bob["token"]).json()["games"] == []


def test_head_to_head_is_for_signed_in_players_only(server: ServerThread) -> None:
    bob = signup(server.base_url)["user"]["user_id"]
    refused(get(server, f"/api/users/{bob}/head-to-head"), 401, "UNAUTHORIZED")
    refused(get(server, f"/api/users/{bob}/head-to-head", "not-a-session"), 401, "UNAUTHORIZED")


def test_head_to_head_refuses_oneself_an_unknown_player_and_a_bad_limit(server: ServerThread) -> None:
    ann = signup(server.base_url)
    ann_id, token = ann["user"]["user_id"], ann["token"]
    error = refused(get(server, f"/api/users/{ann_id}/head-to-head", token), 400, "INVALID_PAYLOAD")
    assert error["message"] == "A score is between you and another player."
    assert error["context"] == {"fields": ["user_id"]}
    refused(get(server, f"/api/users/{uuid.uuid4()}/head-to-head", token), 404, "NOT_FOUND")
    bob = signup(server.base_url)["user"]["user_id"]
    for limit in (0, 21, "many"):
        refused(get(server, f"/api/users/{bob}/head-to-head", token, limit=limit), 422, "INVALID_PAYLOAD")
    refused(get(server, f"/api/users/{'x' * 65}/head-to-head", token), 422, "INVALID_PAYLOAD")
