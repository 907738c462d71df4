"""A friend follows a game through its watch link, in a real Chromium: the board, the moves,
the clocks, the players' names and the result, with no video and no chat; the players see
the count, and the host's switch closes the view."""

from __future__ import annotations

from collections.abc import AsyncIterator

import chess
import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import Player, assert_clean_console
from tests.browser.helpers import open_room, play, sign_up, start_game
from tests.support import ServerThread


def score(wins: int, draws: int, losses: int) -> str:
    """The score as the page writes it: wins, draws and losses between en dashes."""
    return "\N{EN DASH}".join(map(str, (wins, draws, losses)))


@pytest.fixture
async def carol(browser: Browser, live_server: ServerThread) -> AsyncIterator[Player]:
    context = await browser.new_context(base_url=live_server.base_url, viewport={"width": 1280, "height": 800})
    watcher = Player("carol", context, await context.new_page(), None)
    yield watcher
    await context.close()
    assert_clean_console([watcher])


async def test_a_watch_link_follows_a_game_to_its_end_and_the_host_can_close_it(
    players: list[Player], carol: Player
) -> None:
    alice, bob = players
    code = await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "f2f3", by="click")

    # Alice copies the watch link: it names the room by its watch code, never by the code
    # that seats a player. Carol opens it; she signs up on the way and lands on the game.
    await alice.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await alice.page.get_by_test_id("copy-watch-link").click()
    link = await alice.page.evaluate("navigator.clipboard.readText()")
    assert "/#/watch/" in link and code not in link, link
    await sign_up(carol, link[link.index("/#/") :])
    page = carol.page
    await expect(page.get_by_test_id("watch")).to_be_visible()
    await expect(page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await expect(page.get_by_test_id("move-list")).to_contain_text("f3")
    names = page.get_by_test_id("watch-title")
    await expect(names).to_contain_text(" vs ")
    await expect(page.get_by_test_id("clock-bottom")).to_have_text("5:00")
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("watchers")).to_have_text("1 watching")
    await expect(alice.page.get_by_test_id("allow-watching")).to_be_checked()
    await alice.shot("room-watched")
    await expect(bob.page.get_by_test_id("allow-watching")).to_have_count(0)  # only the host decides
    # Nothing of the players' call or chat, and the board takes no moves.
    for private in ("remote-video", "local-video", "chat-panel", "chat-toggle"):
        await expect(page.get_by_test_id(private)).to_have_count(0)
    await expect(page.get_by_test_id("board")).not_to_have_attribute("data-input", "white")

    for uci in ("e7e5", "g2g4"):
        mover, other = (black, white) if board.turn == chess.BLACK else (white, black)
        await play(mover, other, board, uci, by="click")
        await expect(page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await expect(page.get_by_test_id("game-status")).to_contain_text("to move")
    await carol.shot("watching")
    await play(black, white, board, "d8h4", by="click")
    await expect(page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await expect(page.get_by_test_id("game-status")).to_contain_text("won by checkmate")
    await expect(page.get_by_test_id("move-list")).to_contain_text("Qh4#")
    # Nothing on Carol's page names the room by the code that would seat her.
    assert code not in await page.content()

    # The host turns watching off: Carol's view closes at once, and the players see no count.
    await alice.page.get_by_test_id("allow-watching").uncheck()
    await expect(page.get_by_test_id("game-status")).to_have_text("The players have turned watching off.")
    await expect(alice.page.get_by_test_id("watchers")).to_have_count(0)
    await expect(bob.page.get_by_test_id("watching-off")).to_be_visible()
    await expect(alice.page.get_by_test_id("allow-watching")).not_to_be_checked()

    # The next game: each player's room shows the score between them, from the records.
    await alice.page.get_by_test_id("next-game").click()
    white2, _ = await start_game(alice, bob)
    assert white2 is black  # colours alternate
    await expect(black.page.get_by_test_id("h2h-score")).to_have_text(score(1, 0, 0))
    await expect(white.page.get_by_test_id("h2h-score")).to_have_text(score(0, 0, 1))
    await black.shot("room-score")

    # Bob opens the watch link himself: he plays in the room, so he is taken to it.
    await bob.page.goto(link)
    await expect(bob.page).to_have_url(f"{link[: link.index('/#/')]}/#/room/{code}")
    await expect(bob.page.get_by_test_id("board")).to_be_visible()
