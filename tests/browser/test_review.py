"""The engine's review on the replay page, with the real Stockfish: asked for, followed, then
drawn as a graph, with the judged moves marked, each side's accuracy, and the engine's move
as an arrow; opened at once from the history; and without an engine, said so."""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import chess
import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from chesschat.domain.finished import FinishedGame
from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player, chromium_path, two_people
from tests.browser.helpers import PASSWORD, sign_up
from tests.server.test_reviews import SCHOLARS_MATE, scholars_mate
from tests.support import ServerThread, settings_for, signup


@pytest.fixture(scope="session", autouse=True)
def chromium_is_required() -> None:
    """The review is drawn only in a browser: without Chromium the run fails, never skips."""
    chromium_path()


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """Overrides for the server; a test parametrizes it."""
    return {}


@pytest.fixture
def review_server(clean_redis: str, tmp_path: Path, server_settings: dict[str, Any]) -> Iterator[ServerThread]:
    """The app with the real clock and ``server_settings``."""
    running = ServerThread(settings_for(clean_redis, tmp_path, **server_settings), SystemClock()).start()
    yield running
    running.stop()


@pytest.fixture
async def player(
    browser: Browser, review_server: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[Player]:
    async def direct() -> tuple[str, None]:
        return review_server.base_url, None

    async for made in two_people(browser, request, direct):
        yield made[0]


async def games_for(player: Player, server: ServerThread, count: int) -> list[FinishedGame]:
    """``player`` signs up in the browser and has ``count`` Scholar's mates as white, finished."""
    username = await sign_up(player)
    await expect(player.page.get_by_test_id("create-room")).to_be_visible()
    login = httpx.post(f"{server.base_url}/api/auth/login", json={"username": username, "password": PASSWORD})
    me = login.json()["user"]["user_id"]
    bob = signup(server.base_url)["user"]["user_id"]
    games = [scholars_mate(me, bob) for _ in range(count)]
    for game in games:
        server.run(server.wiring.records.finalize(game))
    return games


async def review_of(page: Page, game_id: str) -> dict[str, Any]:
    body: dict[str, Any] = await page.evaluate(
        "(id) => fetch(`/api/games/${id}/analysis`).then((r) => r.json())", game_id
    )
    return body


def fen_after(plies: int) -> str:
    board = chess.Board()
    for uci in SCHOLARS_MATE[:plies]:
        board.push_uci(uci)
    return board.fen()


@pytest.mark.parametrize("server_settings", [{"review_seconds_per_position": 0.02}])
async def test_a_player_reviews_a_game_sees_the_blunder_and_the_engines_move(
    player: Player, review_server: ServerThread
) -> None:
    page = player.page
    reviewed, unasked = await games_for(player, review_server, 2)
    await page.goto(f"/#/games/{reviewed.game_id}")
    board = page.get_by_test_id("replay-board")
    await expect(board).to_have_attribute("data-fen", fen_after(7))

    await page.get_by_role("button", name="Review this game").click()
    await expect(page.get_by_test_id("review-status")).to_have_text("Reviewing…")
    graph = page.get_by_test_id("review-graph")
    await expect(graph).to_be_visible(timeout=30_000)
    await expect(page.get_by_test_id("review-status")).to_have_text("")
    await expect(page.get_by_role("button", name="Review this game")).to_be_hidden()

    # The blunder, marked and named in the move list; the mate that followed, not judged.
    blunder = page.get_by_role("button", name="3… Nf6, blunder")
    await expect(blunder).to_have_text("Nf6??")
    await expect(blunder).to_have_class(re.compile(r"\bjudged-blunder\b"))
    await expect(page.get_by_role("button", name="Qxf7#", exact=True)).to_have_attribute("aria-current", "step")

    done = await review_of(page, reviewed.game_id)
    accuracy = page.get_by_test_id("review-accuracy")
    for n, side in enumerate(("white", "black")):
        await expect(accuracy.locator("dd").nth(n)).to_have_text(f"{math.floor(done['accuracy'][side] + 0.5)}%")
    await expect(graph).to_have_attribute("data-ply", "7")
    await expect(board).to_have_attribute("data-arrow", "")
    await player.shot("review")

    # The graph's point for ply 6 goes there, with the engine's move as an arrow.
    await graph.locator('[data-ply="6"]').click()
    await expect(board).to_have_attribute("data-fen", fen_after(6))
    await expect(blunder).to_have_attribute("aria-current", "step")
    await expect(graph).to_have_attribute("data-ply", "6")
    best = done["plies"][5]["best"]
    before = chess.Board(fen_after(5))
    await expect(board).to_have_attribute("data-arrow", before.parse_san(best).uci()[:4])
    await expect(board.locator(".arrows .arrow")).to_have_count(1)
    await expect(page.get_by_test_id("review-note")).to_contain_text(
        f"3… Nf6 was a blunder: White mates in 1. The engine's move was {best}."
    )
    await player.shot("review-arrow")
    await page.keyboard.press("ArrowRight")
    await expect(board.locator(".arrows .arrow")).to_have_count(0)

    # A game already reviewed shows its review on opening.
    await page.reload()
    await expect(graph).to_be_visible()
    await expect(page.get_by_role("button", name="3… Nf6, blunder")).to_be_visible()
    await expect(page.get_by_role("button", name="Review this game")).to_be_hidden()

    # The history's Review link opens the replay and asks for the review at once.
    await page.get_by_role("link", name="History").click()
    await page.locator(f'a[href="#/games/{unasked.game_id}/review"]').click()
    await expect(page.get_by_test_id("replay-board")).to_have_attribute("data-fen", fen_after(7))
    await expect(graph).to_be_visible(timeout=30_000)
    await expect(page.get_by_role("button", name="3… Nf6, blunder")).to_be_visible()
    assert (await review_of(page, unasked.game_id))["status"] == "done"


@pytest.mark.parametrize("server_settings", [{"review_engine_path": "/nowhere/stockfish"}])
async def test_without_an_engine_the_button_says_the_server_has_none(
    player: Player, review_server: ServerThread
) -> None:
    page = player.page
    (game,) = await games_for(player, review_server, 1)
    await page.goto(f"/#/games/{game.game_id}")
    await page.get_by_role("button", name="Review this game").click()
    await expect(page.get_by_test_id("review-status")).to_have_text(
        "Game review needs the Stockfish engine, which this server doesn't have."
    )
    await expect(page.get_by_role("button", name="Review this game")).to_be_enabled()
    await expect(page.get_by_test_id("review-graph")).to_have_count(0)
    await expect(page.get_by_test_id("replay-board")).to_have_attribute("data-fen", fen_after(7))
