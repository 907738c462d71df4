"""The score between two friends on the friends page, through the real web client: from each
one's side, asked for once a visit, and each of the last games a link to its replay."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, Request, expect

from chesschat.domain.finished import FinishedGame
from tests.browser.conftest import Player, chromium_path
from tests.browser.test_social import befriend
from tests.records.games import START_MS, Ending, finished_game
from tests.support import ServerThread

DASH = "\N{EN DASH}"
"""What stands between the figures of a score (wins, draws, losses)."""


def scored(*figures: int) -> str:
    return DASH.join(map(str, figures))


@pytest.fixture(scope="session", autouse=True)
def chromium_is_required() -> None:
    """The friends page exists only in a browser: without Chromium the run fails, never skips."""
    chromium_path()


async def my_id(page: Page) -> str:
    me: dict[str, Any] = await page.evaluate("() => fetch('/api/me').then((r) => r.json())")
    return str(me["user"]["user_id"])


def finish(server: ServerThread, games: list[tuple[str, str, Ending]]) -> list[FinishedGame]:
    """Record the games, a minute apart, through the finalization the rooms use."""
    made = [
        finished_game(white, black, ending, started_ms=START_MS + i * 60_000, seed=i)
        for i, (white, black, ending) in enumerate(games)
    ]
    for game in made:
        server.run(server.wiring.records.finalize(game))
    return made


async def test_friends_see_their_score_and_open_the_last_game_from_it(
    players: list[Player], live_server: ServerThread
) -> None:
    alice, bob = players
    alice_name, bob_name = await befriend(alice, bob)
    friend_of_alice = alice.page.get_by_test_id("friend").filter(has_text=bob_name)
    await expect(friend_of_alice.get_by_test_id("h2h-score")).to_have_text(scored(0, 0, 0))
    await expect(friend_of_alice.get_by_test_id("head-to-head")).to_contain_text(f"No games against {bob_name} yet")

    a, b = await my_id(alice.page), await my_id(bob.page)
    games = finish(
        live_server,
        [(a, b, "white_wins"), (b, a, "white_wins"), (b, a, "draw"), (a, b, "aborted"), (b, a, "black_wins")],
    )
    asked: list[str] = []

    def note(request: Request) -> None:
        if "/api/users/" in request.url:
            asked.append(request.url)

    alice.page.on("request", note)
    await alice.page.reload()  # a new visit asks again
    score = friend_of_alice.get_by_test_id("h2h-score")
    await expect(score).to_have_text(scored(2, 1, 1))
    await expect(score).to_have_attribute(
        "title", f"Against {bob_name}: 2 wins, 1 draw, 1 loss (wins{DASH}draws{DASH}losses)"
    )
    links = friend_of_alice.get_by_role("list", name=f"Last games against {bob_name}").get_by_role("link")
    await expect(links).to_have_text(["Win", "Aborted", "Draw", "Loss", "Win"])
    await alice.shot("head-to-head")

    await bob.page.reload()
    friend_of_bob = bob.page.get_by_test_id("friend").filter(has_text=alice_name)
    await expect(friend_of_bob.get_by_test_id("h2h-score")).to_have_text(scored(1, 1, 2))
    await expect(friend_of_bob.get_by_role("link")).to_have_text(["Loss", "Aborted", "Draw", "Win", "Loss"])

    # Bob's challenge reaches Alice and her list is drawn again: her score is not asked again.
    async with alice.page.expect_response(lambda r: r.url.endswith("/api/friends")):
        answer = await bob.page.evaluate(
            """(username) => fetch('/api/challenges', {method: 'POST', headers: {'content-type': 'application/json'},
                 body: JSON.stringify({username})}).then((r) => r.status)""",
            alice_name,
        )
        assert answer == 201
    await expect(score).to_have_text(scored(2, 1, 1))
    assert len(asked) == 1, asked

    newest = games[-1]
    await links.first.click()
    await expect(alice.page).to_have_url(re.compile(f"#/games/{newest.game_id}$"))
    await expect(alice.page.get_by_test_id("replay-board")).to_have_attribute("data-fen", newest.fens[-1])
