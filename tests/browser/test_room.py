"""The room as two friends use it: leaving and staying, typed moves, takebacks, rematches,
pending buttons and a phone screen, through the real web client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import chess
import pytest
from playwright.async_api import Page, expect

from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player
from tests.browser.helpers import open_room, play, play_line, start_game
from tests.support import ServerThread, settings_for

GRACE_SECONDS = 6.0


@pytest.fixture
def live_server(clean_redis: str, tmp_path: Path) -> Iterator[ServerThread]:
    """The app with the real clock and a short reconnect grace, so a departure ends soon."""
    settings = settings_for(clean_redis, tmp_path, reconnect_grace_seconds=GRACE_SECONDS)
    running = ServerThread(settings, SystemClock()).start()
    yield running
    running.stop()


async def no_error_toasts(page: Page) -> None:
    await page.wait_for_timeout(600)  # the answers to anything sent twice have come by now
    await expect(page.locator(".toast-error")).to_have_count(0)


async def test_leaving_a_game_asks_first_the_friend_sees_it_at_once_and_wins_when_the_grace_runs_out(
    players: list[Player],
) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    await play_line(white, black, ("e2e4", "e7e5"))

    # Black clicks Profile mid-game: asked first; staying keeps the game.
    await black.page.get_by_role("link", name="Profile").click()
    leave = black.page.get_by_role("button", name="Leave", exact=True)
    await expect(leave).to_be_visible()
    await black.page.get_by_role("button", name="Cancel").click()
    await expect(black.page.get_by_test_id("board")).to_be_visible()
    # Any other way to another page (a typed address, Back) asks the same, and staying
    # keeps the room's address.
    room_url = black.page.url
    await black.page.evaluate("location.hash = '#/history'")
    await expect(leave).to_be_visible()
    await black.page.get_by_role("button", name="Cancel").click()
    assert black.page.url == room_url
    await expect(black.page.get_by_test_id("board")).to_be_visible()
    await black.page.get_by_role("link", name="Profile").click()
    await leave.click()
    await expect(black.page.locator(".stats")).to_be_visible()

    # The friend sees them as left at once, with the countdown in seconds.
    overlay = white.page.get_by_test_id("reconnect-overlay")
    await expect(overlay).to_contain_text("left the room")
    await expect(white.page.get_by_test_id("grace")).to_have_text(re.compile(r"^They have \d+ s to come back"))
    await expect(white.page.get_by_test_id("peer-note")).to_have_text("left the room")

    # The grace runs out: the win first, then the room's closing as a note.
    title = white.page.get_by_test_id("end-title")
    await expect(title).to_have_text(re.compile(r"^You won by forfeit"), timeout=GRACE_SECONDS * 1000 + 5_000)
    await expect(white.page.get_by_test_id("download-pgn")).to_be_visible()
    note = white.page.get_by_test_id("room-closed")
    await expect(note).to_contain_text(f"{black.name}")
    await expect(note).to_contain_text("didn't come back.")
    await expect(note.get_by_role("button", name=re.compile(r"^Play .+ again$"))).to_be_visible()
    await expect(white.page.get_by_test_id("room-error")).to_have_count(0)
    await expect(white.page.get_by_test_id("board")).to_be_visible()
    await white.shot("friend-left")  # docs/screenshots/friend-left.png

    # The header's History and then the note's Lobby lead away, and stay away.
    await white.page.get_by_role("link", name="History").click()
    await expect(white.page.locator("table.history, .history")).not_to_have_count(0)
    await white.page.wait_for_timeout(300)
    await expect(white.page.get_by_test_id("room-error")).to_have_count(0)
    await expect(white.page.get_by_test_id("board")).to_have_count(0)
    await white.page.go_back()
    await expect(white.page.get_by_test_id("room-error")).to_be_visible()
    await white.page.get_by_role("link", name="Back to the lobby").click()
    await expect(white.page.get_by_test_id("create-room")).to_be_visible()
    await white.page.wait_for_timeout(300)
    await expect(white.page.get_by_test_id("room-error")).to_have_count(0)


async def test_the_friend_who_stays_after_a_closed_tab_is_told_they_won_and_can_play_again(
    players: list[Player],
) -> None:
    alice, bob = players
    code = await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    await play_line(white, black, ("e2e4", "e7e5"))
    stayed, gone = (alice, bob)
    await gone.page.close()

    await expect(stayed.page.get_by_test_id("reconnect-overlay")).to_contain_text("lost connection")
    title = stayed.page.get_by_test_id("end-title")
    await expect(title).to_have_text(re.compile(r"^You won by forfeit"), timeout=GRACE_SECONDS * 1000 + 5_000)
    note = stayed.page.get_by_test_id("room-closed")
    await expect(note).to_contain_text("didn't come back.")
    await expect(stayed.page.get_by_test_id("peer-note")).to_have_text("left the room")
    await note.get_by_test_id("play-again").click()
    # Not friends: a fresh room, its link to send.
    await expect(stayed.page).not_to_have_url(re.compile(f"{code}$"))
    await expect(stayed.page.get_by_test_id("room-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    await expect(stayed.page.get_by_test_id("game-status")).to_contain_text("Waiting for your friend")


async def test_a_typed_illegal_move_says_so_and_keeps_the_text(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    box = white.page.locator("#move-input")
    await box.fill("Ke7")
    await box.press("Enter")
    await expect(white.page.get_by_test_id("move-error")).to_have_text("Ke7 isn't legal here.")
    await expect(box).to_have_value("Ke7")
    await box.fill("e2e5")
    await box.press("Enter")
    await expect(white.page.get_by_test_id("move-error")).to_have_text("e2e5 isn't legal here.")
    await expect(box).to_have_value("e2e5")
    await box.fill("e4")
    await box.press("Enter")
    board = chess.Board()
    board.push_san("e4")
    await expect(white.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await expect(box).to_have_value("")
    await expect(white.page.get_by_test_id("move-error")).to_have_text("")
    await expect(white.page.locator(".toast")).to_have_count(0)
    # The box is announced as the keyboard's way to move.
    await expect(box).to_have_accessible_description(re.compile("To move with the keyboard"))
    # A check rings the king on both boards.
    await play(black, white, board, "f7f6", by="click")
    await play(white, black, board, "d1h5", by="click")
    for p in players:
        await expect(p.page.locator("[data-testid=board] .marker-check")).to_have_count(1)


async def test_takebacks_follow_the_server_and_by_consent_the_other_answers(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    await alice.page.check("#tc-takebacks")
    white, black = await start_game(alice, bob)
    board = await play_line(white, black, ("e2e4",))
    await expect(white.page.get_by_test_id("takeback")).to_be_enabled()
    await play(black, white, board, "e7e5", by="click")
    # Black has replied: White's takeback is no longer allowed, and its button says so.
    await expect(white.page.get_by_test_id("takeback")).to_be_disabled()
    await expect(black.page.get_by_test_id("takeback")).to_be_enabled()

    # A declined draw is told to the one who offered it.
    await black.page.get_by_test_id("offer-draw").click()
    await white.page.get_by_test_id("decline-draw").click()
    await expect(black.page.locator(".toast", has_text="declined your draw offer")).to_be_visible()

    await white.page.get_by_test_id("resign").click()
    await white.page.get_by_role("button", name="Resign", exact=True).last.click()
    await expect(alice.page.get_by_test_id("next-game")).to_be_visible()
    await alice.page.get_by_test_id("next-game").click()
    await expect(alice.page.locator("#tc-takebacks")).to_be_checked()
    await alice.page.select_option("#tc-takeback-mode", "consent")
    white, black = await start_game(alice, bob)
    await play_line(white, black, ("d2d4",))
    await white.page.get_by_test_id("takeback").click()
    banner = black.page.get_by_test_id("takeback-banner")
    await expect(banner).to_contain_text("asks to take back a move")
    await expect(white.page.get_by_test_id("takeback")).to_be_disabled()
    await black.page.get_by_test_id("accept-takeback").click()
    for p in (white, black):
        await expect(p.page.get_by_test_id("board")).to_have_attribute("data-fen", chess.STARTING_FEN)
    await expect(banner).to_be_hidden()
    for p in (white, black):
        await expect(p.page.locator(".toast-error")).to_have_count(0)


async def test_buttons_wait_for_their_answer_so_double_clicks_are_harmless(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    await alice.page.fill("#tc-minutes", "5")
    await alice.page.get_by_test_id("start-game").dblclick()
    await expect(alice.page.get_by_test_id("start-form")).to_be_hidden()
    await expect(bob.page.get_by_test_id("board")).to_have_attribute("data-game", re.compile(".+"))
    await no_error_toasts(alice.page)
    orientation = await alice.page.get_by_test_id("board").get_attribute("data-orientation")
    white, black = (alice, bob) if orientation == "white" else (bob, alice)
    await white.page.get_by_test_id("offer-draw").dblclick()
    await expect(black.page.get_by_test_id("draw-banner")).to_contain_text("offers a draw")
    await no_error_toasts(white.page)
    await black.page.get_by_test_id("decline-draw").dblclick()
    await expect(black.page.get_by_test_id("draw-banner")).to_be_hidden()
    await no_error_toasts(black.page)


async def test_colour_choice_first_move_timer_rematch_abort_and_the_friends_video_notes(
    players: list[Player],
) -> None:
    alice, bob = players
    await open_room(alice, bob)
    form = alice.page.get_by_test_id("start-form")
    await form.get_by_role("button", name="3+2").click()
    await expect(form.get_by_role("button", name="3+2")).to_have_attribute("aria-pressed", "true")
    await expect(form.get_by_role("button", name="5+0")).to_have_attribute("aria-pressed", "false")
    await form.get_by_label("Black").check()
    await form.get_by_test_id("start-game").click()
    await expect(alice.page.get_by_test_id("board")).to_have_attribute("data-orientation", "black")
    await expect(bob.page.get_by_test_id("board")).to_have_attribute("data-orientation", "white")
    # No clock runs before the first moves; the side to move sees its first-move time.
    await expect(bob.page.get_by_test_id("first-move")).to_contain_text("Make your first move")
    await expect(alice.page.get_by_test_id("first-move")).to_have_text(re.compile(r"has \d+ s for their first move"))
    await expect(bob.page.get_by_test_id("clock-bottom")).to_have_text("3:00")
    await expect(bob.page.get_by_test_id("clock-bottom")).not_to_have_class(re.compile(r"\brunning\b"))
    await expect(bob.page.get_by_test_id("board")).to_have_accessible_name("Chess board")
    await expect(bob.page.get_by_test_id("clock-bottom")).to_have_accessible_name(re.compile(r"\(you\), white: clock"))

    # The friend's camera and mic switches show on the other's video tile.
    await alice.page.get_by_test_id("toggle-camera").click()
    await expect(bob.page.get_by_test_id("peer-note")).to_have_text("camera off")
    await alice.page.get_by_test_id("toggle-mic").click()
    await expect(bob.page.get_by_test_id("peer-note")).to_have_text("camera off · muted")

    # Aborted before both have moved: shown as aborted, not as a result.
    await bob.page.get_by_test_id("abort").click()
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("end-title")).to_have_text("Game aborted.")
        await expect(p.page.get_by_test_id("end-outcome")).to_contain_text("No result")
    # The result sits beside the board: the final position stays uncovered.
    end_box = await bob.page.get_by_test_id("end-dialog").bounding_box()
    board_box = await bob.page.get_by_test_id("board").bounding_box()
    assert end_box and board_box
    assert end_box["x"] >= board_box["x"] + board_box["width"] or end_box["y"] >= board_box["y"] + board_box["height"]

    # The guest offers a rematch; the host is asked and accepts: colours swap.
    await bob.page.get_by_test_id("offer-rematch").click()
    await expect(bob.page.get_by_test_id("rematch-waiting")).to_be_visible()
    await expect(alice.page.get_by_test_id("rematch-banner")).to_contain_text("offers a rematch")
    await alice.page.get_by_test_id("decline-rematch").click()
    await expect(bob.page.locator(".toast", has_text="declined the rematch")).to_be_visible()
    await bob.page.get_by_test_id("offer-rematch").click()
    await alice.page.get_by_test_id("accept-rematch").click()
    await expect(alice.page.get_by_test_id("board")).to_have_attribute("data-orientation", "white")
    await expect(bob.page.get_by_test_id("board")).to_have_attribute("data-orientation", "black")
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("end-dialog")).to_be_hidden()
        await expect(p.page.get_by_test_id("clock-top")).to_have_text("3:00")
        await expect(p.page.locator(".toast-error")).to_have_count(0)


async def test_on_a_phone_the_board_both_clocks_and_the_controls_fit_one_screen(players: list[Player]) -> None:
    phone, friend = players
    await phone.page.set_viewport_size({"width": 375, "height": 740})
    await open_room(phone, friend)
    white, black = await start_game(phone, friend)
    await play_line(white, black, ("e2e4", "e7e5"))
    page = phone.page
    await page.evaluate("window.scrollTo(0, 0)")
    boxes = {}
    for testid in ("board", "clock-top", "clock-bottom", "game-status", "resign", "offer-draw", "video-panel"):
        box = await page.get_by_test_id(testid).bounding_box()
        assert box is not None, testid
        boxes[testid] = box
        if testid != "video-panel":
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (testid, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= 740, (testid, box)
    assert boxes["board"]["width"] >= 330, boxes["board"]
    tile = boxes["video-panel"]
    assert tile["width"] <= 130 and tile["height"] <= 130, tile
    for clock in ("clock-top", "clock-bottom"):
        c = boxes[clock]
        apart = c["y"] >= tile["y"] + tile["height"] or tile["x"] >= c["x"] + c["width"]
        assert apart, (clock, c, tile)
    await phone.shot("room-phone-game")  # docs/screenshots/room-phone.png
    # The tile moves out of the way when dragged.
    x, y = tile["x"] + tile["width"] / 2, tile["y"] + tile["height"] / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(60, 600, steps=5)
    await page.mouse.up()
    moved = await page.get_by_test_id("video-panel").bounding_box()
    assert moved is not None and moved["x"] < 100 and moved["y"] > 500, moved
