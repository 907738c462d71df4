"""Two servers on one Redis, and one of them loses its link to Redis for a moment: its
player still sees what happened meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player, two_people
from tests.browser.helpers import open_room, start_game
from tests.support import CuttableProxy, ServerThread, settings_for


@pytest.fixture
async def split(
    browser: Browser, clean_redis: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[list[Player], CuttableProxy]]:
    """Alice on a server whose Redis link the test can cut, Bob on one linked directly."""
    link = await CuttableProxy(int(clean_redis.rsplit(":", 1)[1].split("/")[0])).start()
    # The proxy runs on this test's loop, so the server behind it starts and stops in a thread.
    behind = ServerThread(settings_for(f"redis://127.0.0.1:{link.port}/0", tmp_path), SystemClock())
    cut_off = await asyncio.to_thread(behind.start)
    direct = ServerThread(settings_for(clean_redis, tmp_path), SystemClock()).start()
    urls = iter([cut_off.base_url, direct.base_url])

    async def site() -> tuple[str, CuttableProxy | None]:
        return next(urls), None

    try:
        async for made in two_people(browser, request, site):
            yield made, link
    finally:
        await asyncio.to_thread(cut_off.stop)
        direct.stop()
        await link.close()


async def test_a_game_that_ends_while_the_server_cannot_hear_it_ends_on_screen_too(
    split: tuple[list[Player], CuttableProxy],
) -> None:
    (alice, bob), link = split
    await open_room(alice, bob)
    white, _ = await start_game(alice, bob)
    link.cut()
    await bob.page.get_by_test_id("resign").click()
    await bob.page.get_by_role("button", name="Resign", exact=True).last.click()
    await expect(bob.page.get_by_test_id("end-title")).to_contain_text("won by resignation")
    link.restore()
    await expect(alice.page.get_by_test_id("end-title")).to_have_text("You won by resignation!")
    await expect(alice.page.get_by_test_id("board")).to_have_attribute("data-input", "none")
    # The frame that would have carried the PGN never came: the dialog fetches the record.
    async with alice.page.expect_download() as download:
        await alice.page.get_by_test_id("download-pgn").click()
    pgn = (await (await download.value).path()).read_text()
    assert f'[Result "{"1-0" if white is alice else "0-1"}"]' in pgn
