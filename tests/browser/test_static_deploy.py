"""The web client deployed as static files on its own origin (as on S3/CloudFront at the
apex, with the API at `api.`), talking to the API on another origin of the same site through
the generated `config.js`: the HttpOnly session cookie goes along with its requests and its
socket, and the page itself never holds a token."""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import chess
import pytest
from playwright.async_api import Browser, expect

import chesschat
from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player, two_people
from tests.browser.helpers import open_room, play, start_game
from tests.support import CuttableProxy, ServerThread, settings_for

STATIC = Path(chesschat.__file__).parent / "web" / "static"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The client's files served from their own origin; the test writes ``config.js``."""
    root = tmp_path / "site"
    shutil.copytree(STATIC, root)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    # Another port of the API's host: another origin of the same site, as the apex and `api.`
    # of one domain are.
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def api_server(clean_redis: str, tmp_path: Path, static_site: tuple[str, Path]) -> Iterator[ServerThread]:
    origin, _ = static_site
    settings = settings_for(clean_redis, tmp_path, cors_origins=[origin])
    running = ServerThread(settings, SystemClock()).start()
    yield running
    running.stop()


@pytest.fixture
async def static_players(
    browser: Browser, api_server: ServerThread, static_site: tuple[str, Path], request: pytest.FixtureRequest
) -> AsyncIterator[list[Player]]:
    origin, root = static_site
    api = f"http://127.0.0.1:{api_server.settings.port}"
    config = {"apiBase": api, "wsUrl": f"ws://127.0.0.1:{api_server.settings.port}/ws"}
    (root / "config.js").write_text(f"window.CHESSCHAT_CONFIG = {json.dumps(config)};\n", encoding="utf-8")

    async def the_static_site() -> tuple[str, CuttableProxy | None]:
        return origin, None

    async for made in two_people(browser, request, the_static_site):
        yield made


async def test_a_static_deployment_plays_against_an_api_on_another_origin(
    static_players: list[Player], api_server: ServerThread
) -> None:
    alice, bob = static_players
    await open_room(alice, bob)
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "e2e4", by="click")
    await play(black, white, board, "e7e5", by="drag")
    # Signed in by the API's HttpOnly cookie: the page kept no token.
    for player in (alice, bob):
        cookies = await player.context.cookies(f"http://127.0.0.1:{api_server.settings.port}")
        assert [c["httpOnly"] for c in cookies if c["name"] == api_server.settings.cookie_name] == [True]
        assert "token" not in await player.page.evaluate("JSON.stringify(Object.entries(localStorage))")
    # A reload keeps the session and rejoins the game where it stands.
    await white.page.reload()
    await expect(white.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
