"""Friends, notifications, challenges and the account, through the real web client."""

from __future__ import annotations

import re

import chess
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Player, chromium_path
from tests.browser.helpers import PASSWORD, play_line, sign_up, start_game

ROOM_URL = re.compile(r"#/room/([A-Z0-9]{8})$")
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="session", autouse=True)
def chromium_is_required() -> None:
    """These pages exist only in a browser: without Chromium the run fails, it never skips."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CI", "1")
        chromium_path()


async def signed_up(player: Player) -> str:
    """A new account, signed in and in the lobby."""
    username = await sign_up(player)
    await expect(player.page.get_by_test_id("create-room")).to_be_visible()
    return username


async def room_code(page: Page) -> str:
    await expect(page).to_have_url(ROOM_URL)
    match = ROOM_URL.search(page.url)
    assert match is not None
    return match.group(1)


async def fits(player: Player, what: str) -> None:
    await player.shot(what)
    assert await player.page.evaluate(OVERFLOW) <= 0, what


async def test_friends_found_by_name_challenge_accepted_from_the_bell_and_the_pair_room_kept(
    players: list[Player],
) -> None:
    alice, bob = players
    await bob.page.set_viewport_size({"width": 375, "height": 740})  # Bob is on his phone
    alice_name = await signed_up(alice)
    bob_name = await signed_up(bob)
    bell, count = bob.page.get_by_test_id("bell"), bob.page.get_by_test_id("bell-count")
    await expect(count).to_be_hidden()

    # Alice finds Bob by his username; Bob's bell counts it at once.
    await alice.page.get_by_role("link", name="Friends").click()
    await alice.page.get_by_label("Add a friend by username").fill(bob_name)
    await alice.page.get_by_role("button", name="Send request").click()
    await expect(alice.page.get_by_test_id("sent-requests")).to_contain_text(bob_name)
    await expect(count).to_have_text("1")
    await expect(bell).to_have_accessible_name("Notifications, 1 unread")
    await bell.click()
    request = bob.page.get_by_test_id("notification").filter(has_text=alice_name)
    await expect(request).to_contain_text("New friend request")
    await fits(bob, "bell-phone")
    await request.get_by_role("button", name="Accept").click()
    await expect(count).to_be_hidden()
    await expect(bob.page.get_by_test_id("bell-panel")).to_be_hidden()

    # Each sees the other as a friend, online.
    await bob.page.get_by_role("link", name="Friends").click()
    for p, other in ((alice, bob_name), (bob, alice_name)):
        friend = p.page.get_by_test_id("friend").filter(has_text=other)
        await expect(friend).to_have_attribute("data-online", "true")
        await expect(friend.get_by_test_id("friend-status")).to_have_text("· online")
    await expect(alice.page.get_by_test_id("sent-requests")).to_be_hidden()
    await fits(bob, "friends-phone")

    # Alice challenges Bob: 3+2, she plays white.
    await alice.page.get_by_role("button", name=f"Challenge {bob_name}").click()
    dialog = alice.page.get_by_test_id("challenge-dialog")
    await dialog.get_by_text("3+2", exact=True).click()
    await dialog.get_by_text("I play white", exact=True).click()
    await expect(dialog.get_by_label("3+2", exact=True)).to_be_checked()
    await alice.shot("challenge-dialog")
    await dialog.get_by_role("button", name="Send challenge").click()
    await expect(dialog).to_be_hidden()

    # Bob accepts it from the notification, where its terms are his.
    await expect(count).to_have_text("1")
    await bell.click()
    challenge = bob.page.get_by_test_id("notification").filter(has_text="challenged you")
    await expect(challenge).to_contain_text("3+2, you play black, no takebacks")
    await challenge.get_by_role("button", name="Accept").click()

    # Both are taken to the same room, where the game starts by itself: Alice white, 3:00 each.
    code = await room_code(bob.page)
    assert await room_code(alice.page) == code
    for p, colour in ((alice, "white"), (bob, "black")):
        board = p.page.get_by_test_id("board")
        await expect(board).to_have_attribute("data-game", re.compile(".+"), timeout=10_000)
        await expect(board).to_have_attribute("data-fen", chess.STARTING_FEN)
        await expect(board).to_have_attribute("data-orientation", colour)
        await expect(p.page.get_by_test_id("start-form")).to_be_hidden()
    await expect(alice.page.get_by_test_id("clock-top")).to_have_text("3:00")
    await expect(bob.page.get_by_test_id("clock-bottom")).to_have_text("3:00")
    await expect(alice.page.get_by_test_id("clock-bottom")).to_have_text(re.compile(r"^(3:00|2:5\d)$"))
    await play_line(alice, bob, ("e2e4", "e7e5", "g1f3"))
    await alice.shot("challenge-game")

    # They finish and leave; "Play" on Bob opens the same room again.
    await bob.page.get_by_test_id("resign").click()
    await bob.page.get_by_role("button", name="Resign", exact=True).last.click()
    await expect(alice.page.get_by_test_id("end-title")).to_have_text("You won by resignation!")
    for p in (alice, bob):
        await p.page.keyboard.press("Escape")
        await expect(p.page.get_by_test_id("end-dialog")).to_be_hidden()
    for p in (alice, bob):
        await p.page.get_by_role("link", name="Friends").click()
        await expect(p.page.get_by_test_id("friend")).to_have_count(1)
    await alice.page.get_by_role("button", name=f"Play with {bob_name}").click()
    assert await room_code(alice.page) == code
    await expect(alice.page.get_by_test_id("room-code")).to_have_text(code)
    await expect(alice.page.get_by_test_id("game-status")).to_contain_text("Waiting for your friend")


async def befriend(alice: Player, bob: Player) -> tuple[str, str]:
    """Two new accounts, friends, both on their friends page; returns their usernames."""
    alice_name = await signed_up(alice)
    bob_name = await signed_up(bob)
    await alice.page.goto("/#/friends")
    await alice.page.get_by_label("Add a friend by username").fill(bob_name)
    await alice.page.get_by_role("button", name="Send request").click()
    await expect(alice.page.get_by_test_id("sent-requests")).to_contain_text(bob_name)
    await bob.page.goto("/#/friends")
    await bob.page.get_by_role("button", name=f"Accept {alice_name}").click()
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("friend")).to_have_count(1)
    return alice_name, bob_name


async def challenge(player: Player, friend: str, preset: str) -> None:
    await player.page.get_by_role("button", name=f"Challenge {friend}").click()
    dialog = player.page.get_by_test_id("challenge-dialog")
    await dialog.get_by_text(preset, exact=True).click()
    await dialog.get_by_role("button", name="Send challenge").click()
    await expect(dialog).to_be_hidden()


async def test_a_challenge_waits_in_both_lobbies_and_is_declined_there(players: list[Player]) -> None:
    alice, bob = players
    await alice.page.set_viewport_size({"width": 375, "height": 740})  # Alice is on her phone
    alice_name, bob_name = await befriend(alice, bob)
    await expect(bob.page.get_by_test_id("bell-count")).to_be_hidden()  # answered on the page: read

    await alice.page.get_by_role("button", name=f"Challenge {bob_name}").click()
    dialog = alice.page.get_by_test_id("challenge-dialog")
    await dialog.get_by_text("Custom", exact=True).click()
    await dialog.get_by_label("Minutes each").fill("5")
    await dialog.get_by_label("Increment (s)").fill("3")
    await dialog.get_by_label("Takebacks each (0 for none)").fill("2")
    await dialog.get_by_text("I play black", exact=True).click()
    await fits(alice, "challenge-dialog-phone")
    await dialog.get_by_role("button", name="Send challenge").click()
    await expect(dialog).to_be_hidden()

    for p in (alice, bob):
        await p.page.get_by_role("link", name="Play").click()
    await expect(alice.page.get_by_test_id("sent-challenge")).to_contain_text("5+3, you play black, 2 takebacks")
    await fits(alice, "lobby-challenge-phone")
    received = bob.page.get_by_test_id("received-challenge")
    await expect(received).to_contain_text(f"{alice_name} challenged you")
    await expect(received).to_contain_text("5+3, you play white, 2 takebacks")
    await bob.shot("lobby-challenge")
    await received.get_by_role("button", name=f"Decline challenge from {alice_name}").click()
    await expect(received).to_have_count(0)
    await expect(alice.page.get_by_test_id("sent-challenge")).to_have_count(0)
    await expect(alice.page.get_by_test_id("bell-count")).to_have_text("2")  # accepted as a friend, then declined
    await alice.page.get_by_test_id("bell").click()
    declined = alice.page.get_by_test_id("notification").filter(has_text=f"{bob_name} declined your challenge")
    await expect(declined).to_have_count(1)
    await alice.page.get_by_role("button", name="Mark all read").click()
    await expect(alice.page.get_by_test_id("bell-count")).to_be_hidden()
    await alice.page.reload()
    await expect(alice.page.get_by_test_id("bell")).to_have_accessible_name("Notifications")


async def test_rename_shows_the_new_name_and_a_twice_confirmed_delete_frees_the_old_one(
    players: list[Player],
) -> None:
    alice, bob = players
    taken = await signed_up(bob)
    name = await signed_up(alice)
    page = alice.page
    await page.get_by_role("link", name="Profile").click()

    await page.get_by_label("New username").fill(taken)
    await page.get_by_role("button", name="Change username").click()
    await expect(page.get_by_test_id("rename-error")).to_have_text("That username is taken.")
    renamed = f"{name}-2"
    await page.get_by_label("New username").fill(renamed)
    await page.get_by_role("button", name="Change username").click()
    await expect(page.get_by_test_id("profile-username")).to_contain_text(f"@{renamed}")
    await page.reload()
    await expect(page.get_by_test_id("profile-username")).to_contain_text(f"@{renamed}")

    # Deleting asks twice: a question, then the username typed out.
    await page.get_by_role("button", name="Delete account…").click()
    await page.get_by_role("button", name="Cancel").click()
    await expect(page.get_by_test_id("profile-username")).to_be_visible()
    await page.get_by_role("button", name="Delete account…").click()
    await page.get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("button", name="Delete my account")
    await expect(confirm).to_be_disabled()
    await page.get_by_label(re.compile("Type your username")).fill(renamed)
    await confirm.click()
    await expect(page.get_by_test_id("auth-form")).to_be_visible()
    await expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    await page.reload()
    await expect(page.get_by_test_id("auth-form")).to_be_visible()

    # The name is free again.
    await page.fill("#auth-username", renamed)
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {renamed}")).to_be_visible()


async def test_a_challenger_in_a_game_is_told_with_a_link_instead_of_being_taken_away(
    players: list[Player],
) -> None:
    alice, bob = players
    _, bob_name = await befriend(alice, bob)
    await challenge(alice, bob_name, "10+0")
    await alice.page.get_by_role("link", name="Play").click()
    await alice.page.get_by_test_id("create-room").click()
    elsewhere = await room_code(alice.page)
    await bob.page.goto(f"/#/room/{elsewhere}")
    await start_game(alice, bob)

    await bob.page.get_by_test_id("bell").click()
    received = bob.page.get_by_test_id("notification").filter(has_text="challenged you")
    await received.get_by_role("button", name="Accept").click()
    await bob.page.get_by_role("button", name="Leave", exact=True).click()  # he is in a game
    await expect(bob.page).not_to_have_url(re.compile(elsewhere))
    pair = await room_code(bob.page)
    link = alice.page.get_by_role("link", name="Go to that game")
    await expect(link).to_be_visible()
    assert await room_code(alice.page) == elsewhere
    await link.click()
    # Leaving the game she is playing asks first.
    await alice.page.get_by_role("button", name="Leave", exact=True).click()
    await expect(alice.page).to_have_url(re.compile(f"#/room/{pair}$"))
    for p in (alice, bob):  # the challenge's game, 10+0; no clock runs before the first moves
        untouched = p.page.get_by_role("timer").filter(has_text=re.compile(r"^10:00$"))
        await expect(untouched).to_have_count(2, timeout=10_000)
