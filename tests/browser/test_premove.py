"""Premoves and the player's own arrows and circles, through the real web client."""

from __future__ import annotations

import chess
from playwright.async_api import expect

from tests.browser.conftest import Player
from tests.browser.helpers import click_move, open_room, play, square, start_game


async def test_a_premove_is_played_on_the_opponents_move_and_one_made_illegal_is_dropped_quietly(
    players: list[Player],
) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    white_board, black_board = white.page.get_by_test_id("board"), black.page.get_by_test_id("board")
    await expect(black.page.get_by_test_id("premoves")).to_be_checked()

    # Black arrows and circles a square, then clears them with a left click.
    (x1, y1), (x2, y2) = await square(black.page, "g8"), await square(black.page, "f6")
    await black.page.mouse.move(x1, y1)
    await black.page.mouse.down(button="right")
    await black.page.mouse.move(x2, y2, steps=4)
    await black.page.mouse.up(button="right")
    await black.page.mouse.click(x2, y2, button="right")
    await expect(black_board).to_have_attribute("data-annotations", "g8f6 f6")
    await black.page.mouse.click(x1, y1)
    await expect(black_board).to_have_attribute("data-annotations", "")

    # While white is to move, black queues e7-e5; white's e4 brings it at once.
    await expect(black_board).to_have_attribute("data-input", "black")
    await click_move(black.page, "e7e5")
    await expect(black_board).to_have_attribute("data-premove", "e7e5")
    await black.shot("premove-queued")
    await expect(black_board).to_have_attribute("data-fen", board.fen())
    await expect(white_board).to_have_attribute("data-input", "white")
    await click_move(white.page, "e2e4")
    board.push_uci("e2e4")
    board.push_uci("e7e5")
    for p in (white, black):
        await expect(p.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen(), timeout=10_000)
        await expect(p.page.get_by_test_id("move-list")).to_contain_text("e5")
    await expect(black_board).to_have_attribute("data-premove", "")

    # A premove capture on d4 is illegal once white plays Nf3 instead: it is dropped quietly.
    await expect(black_board).to_have_attribute("data-input", "black")
    await click_move(black.page, "e5d4")
    await expect(black_board).to_have_attribute("data-premove", "e5d4")
    await play(white, black, board, "g1f3", by="click")
    await black.page.wait_for_timeout(600)  # the refusal has come by now
    await expect(black_board).to_have_attribute("data-fen", board.fen())
    await expect(black_board).to_have_attribute("data-premove", "")
    await expect(black.page.locator(".toast-error")).to_have_count(0)
    await play(black, white, board, "b8c6", by="click")

    # A premove cancelled by a click elsewhere is not played.
    await expect(black_board).to_have_attribute("data-input", "black")
    await click_move(black.page, "g8f6")
    await expect(black_board).to_have_attribute("data-premove", "g8f6")
    x, y = await square(black.page, "h5")
    await black.page.mouse.click(x, y)
    await expect(black_board).to_have_attribute("data-premove", "")
    await play(white, black, board, "f1c4", by="click")
    await black.page.wait_for_timeout(400)
    await expect(black_board).to_have_attribute("data-fen", board.fen())
    await expect(black_board).to_have_attribute("data-input", "black")
    await expect(black.page.locator(".toast-error")).to_have_count(0)
