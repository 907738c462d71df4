"""Two people in two browser contexts play through the real web client."""

from __future__ import annotations

import asyncio
import io
import re

import chess
import chess.pgn
import redis
from playwright.async_api import expect

from chesschat.adapters.redis_live import room_key
from tests.browser.conftest import Player
from tests.browser.helpers import (
    PASSWORD,
    YOUR_TURN,
    click_move,
    drag,
    open_room,
    play,
    play_line,
    remote_video_plays,
    sign_up,
    start_game,
)
from tests.support import ServerThread


def _assert_fools_mate_pgn(text: str) -> None:
    """The PGN reads back as fool's mate, each move with the mover's clock."""
    record = chess.pgn.read_game(io.StringIO(text))
    assert record is not None and not record.errors
    assert [node.san() for node in record.mainline()] == ["f3", "e5", "g4", "Qh4#"]
    assert all(node.clock() is not None for node in record.mainline())
    assert record.headers["Result"] == "0-1"


async def test_checkmate_by_drag_and_click_with_live_video_then_the_next_game_flags(
    players: list[Player],
) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "f2f3", by="drag")
    await play(black, white, board, "e7e5", by="click")
    await play(white, black, board, "g2g4", by="click")
    for p in (alice, bob):
        await remote_video_plays(p)
    await expect(white.page.locator(".toast")).to_have_count(0)
    await white.shot("game-in-progress")
    await play(black, white, board, "d8h4", by="drag")
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("end-title")).to_contain_text("by checkmate")
    await expect(black.page.get_by_test_id("end-title")).to_have_text("You won by checkmate!")
    await black.shot("checkmate")
    async with black.page.expect_download() as download:
        await black.page.get_by_test_id("download-pgn").click()
    _assert_fools_mate_pgn((await (await download.value).path()).read_text())

    # The next game, with six seconds each: both move once, then white's flag falls
    # (a game nobody has moved in is aborted instead).
    await alice.page.get_by_test_id("next-game").click()
    await bob.page.keyboard.press("Escape")
    white, black = await start_game(alice, bob, minutes="0.1")
    board = chess.Board()
    await play(white, black, board, "e2e4", by="click")
    await play(black, white, board, "e7e5", by="click")
    await expect(white.page.get_by_test_id("clock-bottom")).to_have_class(re.compile(r"\blow\b"))
    for p in (alice, bob):
        await expect(p.page.get_by_test_id("end-title")).to_contain_text("on time", timeout=15_000)
    await expect(black.page.get_by_test_id("end-title")).to_have_text("You won on time!")
    await expect(white.page.get_by_test_id("clock-bottom")).to_have_text("0.0")
    await white.shot("flag-fell")


async def test_a_cut_network_shows_reconnecting_and_the_game_goes_on(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "e2e4", by="click")

    black.proxy.cut()
    await expect(black.page.get_by_test_id("reconnect-overlay")).to_contain_text("Reconnecting")
    await expect(white.page.get_by_test_id("reconnect-overlay")).to_contain_text("lost connection")
    await expect(white.page.get_by_test_id("grace")).to_contain_text("to come back")
    await white.shot("opponent-disconnected")
    await black.shot("reconnecting")
    black.proxy.restore()

    for p in (white, black):
        await expect(p.page.get_by_test_id("reconnect-overlay")).to_be_hidden(timeout=15_000)
    await play(black, white, board, "e7e5", by="drag")
    await play(white, black, board, "g1f3", by="drag")
    await expect(black.page.get_by_test_id("game-status")).to_have_text("Your move")


async def test_the_lobby_and_the_room_fit_a_phone(players: list[Player]) -> None:
    phone = players[0]
    await phone.page.set_viewport_size({"width": 375, "height": 740})
    await sign_up(phone)
    await expect(phone.page.get_by_test_id("create-room")).to_be_visible()
    await phone.shot("lobby-phone")
    overflow = "() => document.scrollingElement.scrollWidth - window.innerWidth"
    assert await phone.page.evaluate(overflow) <= 0
    await phone.page.get_by_test_id("create-room").click()
    status = phone.page.get_by_test_id("game-status")
    await expect(status).to_contain_text("Waiting for your friend")
    await phone.shot("room-phone")
    assert await phone.page.evaluate(overflow) <= 0


async def test_takeback_draw_by_agreement_and_resignation(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    await alice.page.check("#tc-takebacks")
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "e2e4", by="click")
    await white.page.get_by_test_id("takeback").click()
    board.pop()
    for p in (white, black):
        await expect(p.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await play(white, black, board, "d2d4", by="drag")

    await black.page.get_by_test_id("offer-draw").click()
    await expect(white.page.get_by_test_id("draw-banner")).to_contain_text("offers a draw")
    await white.page.get_by_test_id("accept-draw").click()
    for p in (white, black):
        await expect(p.page.get_by_test_id("end-title")).to_have_text("Draw by agreement.")

    await alice.page.get_by_test_id("next-game").click()
    await bob.page.keyboard.press("Escape")
    white, black = await start_game(alice, bob)
    await white.page.get_by_test_id("resign").click()
    await white.page.get_by_role("button", name="Resign", exact=True).last.click()
    await expect(black.page.get_by_test_id("end-title")).to_have_text("You won by resignation!")


async def test_a_pawn_on_the_last_rank_asks_which_piece(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = await play_line(white, black, ("a2a4", "b7b5", "a4b5", "a7a6", "b5a6", "c8b7", "a6b7", "b8c6"))
    await drag(white.page, "b7a8")
    knight = white.page.locator('.promotion-dialog-button-group[data-piece="wn"]')
    await knight.click()
    board.push_uci("b7a8n")
    for p in (white, black):
        await expect(p.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await expect(black.page.get_by_test_id("move-list")).to_contain_text("bxa8=N")


async def test_a_finished_game_is_in_history_replays_and_counts_on_the_profile(players: list[Player]) -> None:
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = await play_line(white, black, ("f2f3", "e7e5", "g2g4", "d8h4"))
    await expect(black.page.get_by_test_id("end-title")).to_have_text("You won by checkmate!")
    await black.page.keyboard.press("Escape")
    await wait_for_record(black)

    page = black.page
    await page.get_by_role("link", name="Play").click()
    await expect(page.locator(".card", has_text="Recent games")).to_contain_text("2 moves")
    await page.get_by_role("link", name="History").click()
    row = page.locator("table.history tbody tr").first
    await expect(row).to_contain_text("Win")
    await expect(row).to_contain_text("checkmate")
    await expect(row).to_contain_text(white.name)
    await expect(row.locator("td.num")).to_have_text("2")  # f3 e5, g4 Qh4#: two moves
    async with page.expect_download() as download:
        await row.get_by_role("button", name="PGN").click()
    _assert_fools_mate_pgn((await (await download.value).path()).read_text())
    await black.shot("history")

    await row.get_by_role("link", name="Replay").click()
    replay = page.get_by_test_id("replay-board")
    await expect(page.locator(".replay h1")).to_contain_text("Win vs")
    await expect(replay).to_have_attribute("data-fen", board.fen())
    await page.get_by_role("button", name="First move").click()
    await expect(replay).to_have_attribute("data-fen", chess.STARTING_FEN)
    await page.keyboard.press("ArrowRight")
    after_f3 = chess.Board()
    after_f3.push_uci("f2f3")
    await expect(replay).to_have_attribute("data-fen", after_f3.fen())
    await page.get_by_role("button", name="Qh4#").click()
    await expect(replay).to_have_attribute("data-fen", board.fen())
    await black.shot("replay")

    await page.get_by_role("link", name="Profile").click()
    stats = {"Games": "1", "Wins": "1", "Losses": "0", "Draws": "0", "Score": "100%"}
    for name, value in stats.items():
        await expect(page.locator(f".stats div:has(dt:text-is('{name}')) dd")).to_have_text(value)
    await white.page.get_by_role("link", name="Profile").click()
    await expect(white.page.locator(".stats div:has(dt:text-is('Losses')) dd")).to_have_text("1")


async def wait_for_record(player: Player) -> None:
    """The game's record is written by the finalization worker just after the game ends;
    wait until the player's history has it (a condition, polled)."""
    for _ in range(200):
        response = await player.page.request.get("/api/history")
        if response.ok and (await response.json())["games"]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the finished game never reached the history")


async def test_signing_out_and_back_in_remembers_who_you_are(players: list[Player]) -> None:
    alice = players[0]
    username = await sign_up(alice)
    await expect(alice.page.get_by_test_id("create-room")).to_be_visible()
    await alice.page.get_by_role("button", name="Sign out").click()
    form = alice.page.get_by_test_id("auth-form")
    await expect(form.get_by_role("heading")).to_have_text("Welcome back")
    await expect(alice.page.locator("#auth-username")).to_have_value(username)
    await alice.page.fill("#auth-password", "not the password")
    await alice.page.get_by_test_id("auth-submit").click()
    await expect(alice.page.get_by_test_id("auth-error")).not_to_be_empty()
    await alice.page.fill("#auth-password", PASSWORD)
    await alice.page.get_by_test_id("auth-submit").click()
    await expect(alice.page.get_by_test_id("create-room")).to_be_visible()


async def test_a_player_who_answers_at_once_has_every_click_counted(players: list[Player]) -> None:
    # Each side clicks its move the moment its board lets it, as a fast player does when the
    # opponent replies instantly. A board still busy finishing the player's previous move
    # must not swallow the next one.
    alice, bob = players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    line = ("e2e4", "d7d5", "e4d5", "d8d5", "b1c3", "d5a5", "d2d4", "c7c6", "g1f3", "c8f5")
    for uci in line:
        mover = white if board.turn == chess.WHITE else black
        colour = "white" if board.turn == chess.WHITE else "black"
        await mover.page.wait_for_function(YOUR_TURN, arg=[colour, board.fen()], polling="raf", timeout=5_000)
        await click_move(mover.page, uci)
        board.push_uci(uci)
    for p in (white, black):
        await expect(p.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())


async def test_a_move_the_server_could_not_make_goes_back_on_the_board(
    players: list[Player], live_server: ServerThread, clean_redis: str
) -> None:
    alice, bob = players
    code = await open_room(alice, bob)
    white, _ = await start_game(alice, bob)
    # A server fault while it handles the move: the stored room is unreadable.
    client = redis.Redis.from_url(clean_redis)
    client.set(room_key(code), b"{truncated")
    client.close()
    live_server.wiring.rooms.repository.forget(code)
    await click_move(white.page, "e2e4")
    await expect(white.page.locator(".toast", has_text="Something went wrong on our side")).to_be_visible()
    pieces = white.page.get_by_test_id("board").locator("[data-piece=wp]")
    await expect(pieces.and_(white.page.locator("[data-square=e2]"))).to_have_count(1)
    await expect(pieces.and_(white.page.locator("[data-square=e4]"))).to_have_count(0)
