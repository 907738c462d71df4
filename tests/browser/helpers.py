"""Steps a person takes in the web client, in Playwright terms."""

from __future__ import annotations

import uuid

import chess
from playwright.async_api import Page, expect

from tests.browser.conftest import Player

PASSWORD = "correct horse battery"
SELF_VIEW = "() => document.querySelector('[data-testid=local-video]')?.videoWidth > 0"
REMOTE_FRAMES = """() => {
  const v = document.querySelector('[data-testid=remote-video]')
  return v && v.videoWidth > 0 && v.currentTime > 0 ? v.currentTime : 0
}"""
# The board takes input from ``colour`` in the position ``fen`` (the server's, as last received).
YOUR_TURN = """([colour, fen]) => {
  const b = document.querySelector('[data-testid=board]')
  return b.dataset.input === colour && b.dataset.fen === fen
}"""


async def sign_up(player: Player, path: str = "/") -> str:
    username = f"{player.name}{uuid.uuid4().hex[:6]}"
    await player.page.goto(path)
    await player.page.fill("#auth-username", username)
    await player.page.fill("#auth-password", PASSWORD)
    await player.page.get_by_test_id("auth-submit").click()
    return username


async def open_room(host: Player, guest: Player) -> str:
    """The host creates a room; the guest follows its link and signs up on the way."""
    await sign_up(host)
    await expect(host.page.get_by_test_id("create-room")).to_be_visible()
    await host.shot("lobby")
    await host.page.get_by_test_id("create-room").click()
    await expect(host.page.get_by_test_id("room-code")).to_have_text(_code_pattern())
    code = (await host.page.get_by_test_id("room-code").text_content() or "").strip()
    # While waiting for the friend, the host already sees their own camera.
    await host.page.wait_for_function(SELF_VIEW, timeout=10_000)
    await sign_up(guest, f"/#/room/{code}")
    await expect(guest.page.get_by_test_id("room-code")).to_have_text(code)
    await expect(host.page.get_by_test_id("start-form")).to_be_visible()
    return code


def _code_pattern():  # type: ignore[no-untyped-def]
    import re

    return re.compile(r"^[A-Z0-9]{8}$")


async def start_game(host: Player, guest: Player, minutes: str = "5") -> tuple[Player, Player]:
    """Start a game; returns (white, black)."""
    before = await host.page.get_by_test_id("board").get_attribute("data-game") or ""
    await host.page.fill("#tc-minutes", minutes)
    await host.page.get_by_test_id("start-game").click()
    new_game = "(before) => { const b = document.querySelector('[data-testid=board]');"
    new_game += " return b.dataset.game && b.dataset.game !== before }"
    for p in (host, guest):
        await p.page.wait_for_function(new_game, arg=before)
        board = p.page.get_by_test_id("board")
        await expect(board).to_have_attribute("data-fen", chess.STARTING_FEN)
    orientation = await host.page.get_by_test_id("board").get_attribute("data-orientation")
    return (host, guest) if orientation == "white" else (guest, host)


async def square(page: Page, name: str) -> tuple[float, float]:
    box = await page.locator(f'[data-testid=board] rect[data-square="{name}"]').bounding_box()
    assert box is not None, name
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


async def drag(page: Page, uci: str) -> None:
    (x1, y1), (x2, y2) = await square(page, uci[:2]), await square(page, uci[2:4])
    await page.mouse.move(x1, y1)
    await page.mouse.down()
    await page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    await page.mouse.move(x2, y2, steps=4)
    await page.mouse.up()


async def click_move(page: Page, uci: str) -> None:
    for name in (uci[:2], uci[2:4]):
        x, y = await square(page, name)
        await page.mouse.click(x, y)


async def play(mover: Player, other: Player, board: chess.Board, uci: str, *, by: str) -> None:
    """Make a move through the board UI and wait until both boards show the new position."""
    colour = "white" if board.turn == chess.WHITE else "black"
    await expect(mover.page.get_by_test_id("board")).to_have_attribute("data-input", colour)
    await (drag if by == "drag" else click_move)(mover.page, uci)
    board.push_uci(uci)
    for p in (mover, other):
        shown = p.page.get_by_test_id("board")
        await expect(shown).to_have_attribute("data-fen", board.fen(), timeout=10_000)


async def play_line(white: Player, black: Player, line: tuple[str, ...], *, by: str = "click") -> chess.Board:
    """Play ``line`` (UCI) from the starting position, each side in turn; returns the board."""
    board = chess.Board()
    for uci in line:
        mover, other = (white, black) if board.turn == chess.WHITE else (black, white)
        await play(mover, other, board, uci, by=by)
    return board


async def remote_video_plays(player: Player) -> None:
    """The remote <video> has frames and its time advances."""
    handle = await player.page.wait_for_function(REMOTE_FRAMES, timeout=30_000)
    first = await handle.json_value()
    await player.page.wait_for_function(f"() => ({REMOTE_FRAMES})() > {first}", timeout=10_000)
