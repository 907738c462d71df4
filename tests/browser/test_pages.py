"""The pages around the room: the lobby's code box, the header and history on a phone, the
replay of a finished game, and the names a screen reader gives their links and boards."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import chess
import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Player, chromium_path
from tests.browser.helpers import PASSWORD, sign_up
from tests.server.rooms import open_room as open_socket_room
from tests.server.rooms import start
from tests.support import Client, ServerThread

OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"
FOOLS_MATE = ("f2f3", "e7e5", "g2g4", "d8h4")


@pytest.fixture(scope="session", autouse=True)
def chromium_is_required() -> None:
    """These pages exist only in a browser: without Chromium the run fails, it never skips."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CI", "1")
        chromium_path()


async def signed_in_socket(server: ServerThread, username: str) -> Client:
    """A socket for an account the browser signed up (same name and password)."""
    response = httpx.post(
        f"{server.base_url}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=5
    )
    response.raise_for_status()
    return await Client.connect(server.ws_url, response.json())


async def friend(server: ServerThread) -> Client:
    name = f"bob{uuid.uuid4().hex[:6]}"
    account = httpx.post(f"{server.base_url}/api/auth/signup", json={"username": name, "password": PASSWORD}, timeout=5)
    account.raise_for_status()
    return await Client.connect(server.ws_url, account.json())


async def play(white: Client, black: Client, code: str, moves: tuple[str, ...]) -> None:
    for i, uci in enumerate(moves):
        mover, other = (white, black) if i % 2 == 0 else (black, white)
        await mover.send({"type": "make_move", "roomCode": code, "move": uci})
        await mover.expect("move_made")
        await other.expect("move_made")


async def finish(host: Client, guest: Client, code: str, how: str) -> None:
    """One game in the room, with the host as white, ended ``how``."""
    white, black, _ = await start(host, guest, code, color="white", timeWhiteSeconds=60, timeBlackSeconds=60)
    if how == "checkmate":
        await play(white, black, code, FOOLS_MATE)
    elif how == "resign":
        await play(white, black, code, ("e2e4", "e7e5"))
        await black.send({"type": "resign", "roomCode": code})
    elif how == "abort":
        await white.send({"type": "abort", "roomCode": code})
    for p in (white, black):
        await p.expect("game_ended")


async def flag_fall(host: Client, guest: Client, code: str) -> None:
    """A game white loses on time: one second each, both move, then white waits."""
    white, black, _ = await start(host, guest, code, color="white", timeWhiteSeconds=1, timeBlackSeconds=1)
    await play(white, black, code, ("e2e4", "e7e5"))
    for p in (white, black):
        await p.expect("game_ended", timeout=10)


async def records(page: Page, count: int) -> list[dict[str, Any]]:
    """The signed-in player's history once the finalization worker has written ``count`` games."""
    for _ in range(200):
        response = await page.request.get("/api/history")
        games: list[dict[str, Any]] = (await response.json())["games"] if response.ok else []
        if len(games) >= count:
            return games
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} games reached the history")


async def games_played(player: Player, server: ServerThread, endings: tuple[str, ...]) -> str:
    """``player`` signs up in the browser and plays ``endings`` (oldest first) against a
    friend on sockets, as white; returns the friend's username."""
    username = await sign_up(player)
    await expect(player.page.get_by_test_id("create-room")).to_be_visible()
    me, bob = await signed_in_socket(server, username), await friend(server)
    try:
        code = await open_socket_room(me, bob)
        for how in endings:
            await (flag_fall(me, bob, code) if how == "timeout" else finish(me, bob, code, how))
    finally:
        await me.close()
        await bob.close()
    await records(player.page, len(endings))
    name: str = bob.user["username"]
    return name


async def test_the_code_box_takes_a_pasted_link_lower_case_spaces_and_dashes(players: list[Player]) -> None:
    alice, bob = players
    await sign_up(alice)
    await alice.page.get_by_test_id("create-room").click()
    await expect(alice.page.get_by_test_id("room-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    code = (await alice.page.get_by_test_id("room-code").text_content() or "").strip()
    await sign_up(bob)
    box = bob.page.get_by_label("Room code")

    await box.fill("abc")
    await bob.page.get_by_test_id("join-room").click()
    await expect(bob.page.get_by_test_id("join-error")).to_contain_text("8 letters and digits")
    await expect(bob.page).not_to_have_url(re.compile("/room/"))

    # The link Alice sent, pasted whole (with the spaces a chat app adds) and in lower case.
    await box.fill(f"  {alice.page.url.replace(code, code.lower())} ")
    await bob.page.get_by_test_id("join-room").click()
    await expect(bob.page).to_have_url(re.compile(f"#/room/{code}$"))
    await expect(bob.page.get_by_test_id("room-code")).to_have_text(code)
    await expect(alice.page.get_by_test_id("start-form")).to_be_visible()

    # Read out over the phone: lower case, in two groups with a dash and spaces; the box
    # goes to the same room's page.
    await bob.page.get_by_role("link", name="Play").click()
    await bob.page.get_by_label("Room code").fill(f"{code[:4].lower()} - {code[4:].lower()}")
    await bob.page.get_by_test_id("join-room").click()
    await expect(bob.page).to_have_url(re.compile(f"#/room/{code}$"))


async def test_on_a_phone_sign_out_is_in_the_header_and_history_fits(
    players: list[Player], live_server: ServerThread
) -> None:
    phone = players[0]
    await phone.page.set_viewport_size({"width": 375, "height": 740})
    await games_played(phone, live_server, ("checkmate", "abort", "resign"))

    await phone.page.get_by_role("link", name="History").click()
    await expect(phone.page.locator("table.history tbody tr")).to_have_count(3)
    await phone.shot("history-phone")
    assert await phone.page.evaluate(OVERFLOW) <= 0
    # Every row's replay and PGN buttons are on the screen, not past its right edge.
    for button in await phone.page.locator("table.history tbody tr .actions > *").all():
        box = await button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box

    sign_out = phone.page.get_by_role("button", name="Sign out")
    await expect(sign_out).to_be_visible()
    box = await sign_out.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 740, box
    await sign_out.click()
    await expect(phone.page.get_by_test_id("auth-form")).to_be_visible()


async def test_the_replay_rings_the_king_in_check_flips_steps_by_keyboard_and_names_the_ending(
    players: list[Player], live_server: ServerThread
) -> None:
    player = players[0]
    page = player.page
    bob = await games_played(player, live_server, ("checkmate", "timeout", "abort"))

    # Fool's mate, the oldest: white (this player) is mated.
    await page.get_by_role("link", name="History").click()
    await page.locator("table.history tbody tr").last.get_by_role("link", name="Replay").click()
    board = page.get_by_test_id("replay-board")
    mated = chess.Board()
    for uci in FOOLS_MATE:
        mated.push_uci(uci)
    await expect(board).to_have_attribute("data-fen", mated.fen())
    await expect(page.get_by_test_id("replay-ending")).to_contain_text("checkmate")
    await expect(board.locator('g[data-square="e1"] .marker-check')).to_have_count(1)
    await expect(board).to_have_accessible_name(re.compile(r"after 2… Qh4#, white is checkmated", re.I))
    await expect(page.get_by_role("timer", name=re.compile(f"^{bob}'s clock"))).to_be_visible()
    await expect(page.get_by_role("timer", name=re.compile("^Your clock"))).to_be_visible()
    await expect(page.get_by_role("button", name="Qh4#")).to_have_attribute("aria-current", "step")
    await player.shot("replay")

    await page.keyboard.press("Home")
    await expect(board).to_have_attribute("data-fen", chess.STARTING_FEN)
    await expect(board.locator(".marker-check")).to_have_count(0)
    await expect(board).to_have_accessible_name(re.compile("starting position", re.I))
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("ArrowRight")
    after_e5 = chess.Board()
    for uci in FOOLS_MATE[:2]:
        after_e5.push_uci(uci)
    await expect(board).to_have_attribute("data-fen", after_e5.fen())
    await expect(page.get_by_role("button", name="e5")).to_have_attribute("aria-current", "step")
    await page.keyboard.press("ArrowLeft")
    await expect(page.get_by_role("button", name="f3")).to_have_attribute("aria-current", "step")
    await page.keyboard.press("End")
    await expect(board).to_have_attribute("data-fen", mated.fen())

    # Flipped, black is at the bottom, with the player's clock at the top.
    bottom = page.get_by_test_id("replay-bottom")
    await expect(board).to_have_attribute("data-orientation", "white")
    await expect(bottom).to_contain_text("You")
    await page.get_by_role("button", name="Flip the board").click()
    await expect(board).to_have_attribute("data-orientation", "black")
    await expect(bottom).to_contain_text(bob)
    await expect(page.get_by_test_id("replay-top")).to_contain_text("You")

    # The other endings in their precise words.
    for row, words in ((1, "time forfeit"), (0, "aborted")):
        await page.get_by_role("link", name="History").click()
        await page.locator("table.history tbody tr").nth(row).get_by_role("link", name="Replay").click()
        await expect(page.get_by_test_id("replay-ending")).to_contain_text(words)

    # On a phone the board and both clocks fit the screen's width.
    await page.set_viewport_size({"width": 375, "height": 740})
    await expect(board).to_have_attribute("data-fen", chess.STARTING_FEN)
    await player.shot("replay-phone")
    assert await page.evaluate(OVERFLOW) <= 0
    for part in (board, page.get_by_test_id("replay-top"), page.get_by_test_id("replay-bottom")):
        box = await part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box


async def test_recent_game_links_have_distinct_names(players: list[Player], live_server: ServerThread) -> None:
    player = players[0]
    page = player.page
    bob = await games_played(player, live_server, ("abort", "abort", "checkmate"))
    await page.get_by_role("link", name="Play").click()
    recent = page.locator(".recent-list a")
    await expect(recent).to_have_count(3)
    await expect(recent.first).to_have_accessible_name(re.compile(f"^Replay: you vs {bob}, lost by checkmate, "))
    names = [await link.evaluate("a => a.ariaLabel || a.textContent") for link in await recent.all()]
    assert len(set(names)) == 3, names

    await page.get_by_role("link", name="History").click()
    await expect(page.locator("table.history tbody tr")).to_have_count(3)
    for role, word in (("link", "Replay"), ("button", "Download PGN")):
        controls = page.locator("table.history tbody").get_by_role(role, name=word)  # type: ignore[arg-type]
        await expect(controls).to_have_count(3)
        named = [await c.get_attribute("aria-label") for c in await controls.all()]
        assert len(set(named)) == 3 and all(n and bob in n for n in named), named
