"""Real-browser fixtures: Debian's Chromium driven by Playwright (async API) against the real
app on a real-clock server, each player behind a TCP proxy the test can cut."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from chesschat.services.ports import SystemClock
from tests.support import CuttableProxy, ServerThread, settings_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str:
    """Debian's Chromium; missing fails the run (a browser test never passes by skipping)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed (apt-get install chromium; scripts/test does it)")
    return path


@pytest.fixture
def live_server(clean_redis: str, tmp_path: Path) -> Iterator[ServerThread]:
    """The app with the real clock (clocks and grace run in real time in the browser)."""
    settings = settings_for(clean_redis, tmp_path, reconnect_grace_seconds=30.0)
    running = ServerThread(settings, SystemClock()).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


class Player:
    """One person: a browser context, behind their own proxy when the test cuts networks."""

    def __init__(self, name: str, context: BrowserContext, page: Page, proxy: CuttableProxy | None) -> None:
        self.name, self.context, self.page, self.proxy = name, context, page, proxy
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    async def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}-{self.name}.png"
        await self.page.screenshot(path=str(path))
        return path


Site = Callable[[], Awaitable[tuple[str, "CuttableProxy | None"]]]


async def two_people(browser: Browser, request: pytest.FixtureRequest, site: Site) -> AsyncIterator[list[Player]]:
    """Alice and Bob, each in their own context (cookies, camera) on the URL ``site`` gives
    them. After the test: screens and consoles of a failure, then a clean console."""
    made: list[Player] = []
    for name in ("alice", "bob"):
        url, proxy = await site()
        context = await browser.new_context(
            base_url=url, viewport={"width": 1280, "height": 800}, permissions=["camera", "microphone"]
        )
        made.append(Player(name, context, await context.new_page(), proxy))
    yield made
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        # Everyone's screen as it was, before any context closes (a closed context is a
        # dropped player on the others' screens).
        for player in made:
            with contextlib.suppress(Exception):
                await player.shot(f"FAILED-{request.node.name}")
            log = ARTIFACTS / f"FAILED-{request.node.name}-{player.name}.log"
            log.write_text("\n".join(player.console))
    for player in made:
        await player.context.close()
        if player.proxy is not None:
            await player.proxy.close()
    assert_clean_console(made)


@pytest.fixture
async def players(
    browser: Browser, live_server: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[list[Player]]:
    """Two people on the app, each behind their own proxy."""

    async def behind_a_proxy() -> tuple[str, CuttableProxy | None]:
        proxy = await CuttableProxy(live_server.settings.port).start()
        return proxy.url, proxy

    async for made in two_people(browser, request, behind_a_proxy):
        yield made


def assert_clean_console(players: list[Player]) -> None:
    """No uncaught error in the client, and nothing the security policy had to block."""
    bad = [
        line
        for player in players
        for line in player.console
        if line.startswith("pageerror:") or "Content Security Policy" in line
    ]
    assert not bad, f"the client's console: {bad}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
