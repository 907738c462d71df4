"""The room's chat through the real web client: lines shown as text, the unread count,
the room's lines after a reload, and a phone's chat sheet that leaves the game where it is."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import Player
from tests.browser.helpers import open_room, play_line, start_game


def said(who: Player, text: str) -> re.Pattern[str]:
    """A chat line as shown: the author's name (their username starts with it), then the text."""
    return re.compile(rf"^{who.name}\w*: {re.escape(text)}$")


async def say(page: Page, text: str) -> None:
    await page.get_by_test_id("chat-input").fill(text)
    await page.get_by_test_id("chat-input").press("Enter")
    await expect(page.get_by_test_id("chat-input")).to_have_value("")


async def test_players_chat_in_text_see_unread_lines_and_keep_them_after_a_reload(players: list[Player]) -> None:
    alice, bob = players
    await bob.page.set_viewport_size({"width": 375, "height": 740})
    await open_room(alice, bob)
    lines = {p.name: p.page.get_by_test_id("chat-lines") for p in players}

    # Alice's markup arrives at Bob as the characters she typed.
    await alice.page.get_by_test_id("chat-toggle").click()
    await expect(alice.page.get_by_test_id("chat-input")).to_have_attribute("maxlength", "500")
    await say(alice.page, "<b>hi</b> & bye")
    await expect(bob.page.get_by_test_id("chat-unread")).to_have_text("1")
    await bob.page.get_by_test_id("chat-toggle").click()
    await expect(bob.page.get_by_test_id("chat-unread")).to_be_hidden()
    bob_line = lines[bob.name].locator("li").last
    await expect(bob_line).to_have_text(said(alice, "<b>hi</b> & bye"))
    assert await lines[bob.name].locator("b").count() == 0
    assert "&lt;b&gt;hi&lt;/b&gt; &amp; bye" in await lines[bob.name].inner_html()
    await expect(lines[alice.name].locator("li")).to_have_count(1)

    # Alice closes her chat; Bob's reply shows as one unread line, and reading clears it.
    await alice.page.get_by_test_id("chat-toggle").click()
    await expect(alice.page.get_by_test_id("chat-panel")).to_be_hidden()
    await bob.page.get_by_test_id("chat-send").click()  # nothing typed: nothing sent
    await say(bob.page, "see you")
    await expect(lines[bob.name].locator("li")).to_have_count(2)
    await expect(alice.page.get_by_test_id("chat-unread")).to_have_text("1")
    await alice.page.get_by_test_id("chat-toggle").click()
    await expect(lines[alice.name].locator("li").last).to_have_text(said(bob, "see you"))
    await expect(alice.page.get_by_test_id("chat-unread")).to_be_hidden()

    # Muted, a new line shows no count, and the switch stays after a reload.
    await alice.page.get_by_test_id("chat-mute").click()
    await expect(alice.page.get_by_test_id("chat-mute")).to_have_attribute("aria-pressed", "true")
    await alice.page.get_by_test_id("chat-toggle").click()
    await say(bob.page, "muted?")
    await expect(lines[alice.name].locator("li")).to_have_count(3)
    await alice.page.wait_for_timeout(300)
    await expect(alice.page.get_by_test_id("chat-unread")).to_be_hidden()

    # A reload shows the room's lines, oldest first.
    await alice.page.reload()
    await alice.page.get_by_test_id("chat-toggle").click()
    await expect(lines[alice.name].locator("li")).to_have_text(
        [said(alice, "<b>hi</b> & bye"), said(bob, "see you"), said(bob, "muted?")]
    )
    await expect(alice.page.get_by_test_id("chat-mute")).to_have_attribute("aria-pressed", "true")
    await alice.page.get_by_test_id("chat-mute").click()
    await bob.page.get_by_test_id("chat-toggle").click()
    await expect(bob.page.get_by_test_id("chat-panel")).to_be_hidden()

    # On Bob's phone during a game, the chat opens over the screen and the board stays put.
    white, black = await start_game(alice, bob)
    await play_line(white, black, ("e2e4", "e7e5"))
    page = bob.page
    await page.evaluate("window.scrollTo(0, 0)")
    before = await page.get_by_test_id("board").bounding_box()
    toggle = await page.get_by_test_id("chat-toggle").bounding_box()
    assert before is not None and toggle is not None
    assert toggle["y"] >= 0 and toggle["y"] + toggle["height"] <= 740, toggle
    await page.get_by_test_id("chat-toggle").click()
    await expect(page.get_by_test_id("chat-panel")).to_be_visible()
    after = await page.get_by_test_id("board").bounding_box()
    assert after == before, (before, after)
    send = await page.get_by_test_id("chat-send").bounding_box()
    assert send is not None and send["y"] + send["height"] <= 740 and send["x"] + send["width"] <= 375, send
    await say(page, "good luck")
    await expect(lines[alice.name].locator("li").last).to_have_text(said(bob, "good luck"))
    await bob.shot("room-phone-chat")
