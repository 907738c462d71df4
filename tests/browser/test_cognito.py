"""The web client on a site whose accounts are in a Cognito user pool (moto's, see
tests/cognito_pool.py): signing up with the emailed code, signing in, playing, turning on
two-factor sign-in from the profile and signing in with the authenticator's code, a
forgotten password, and Google through the hosted UI (a stand-in page here) to the
"pick your username" screen. The page never holds a session token: the session is the
HttpOnly cookie."""

from __future__ import annotations

import re
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import chess
import pyotp
import pytest
from playwright.async_api import Browser, Route, expect

from chesschat.services.ports import SystemClock
from tests.browser.conftest import Player, two_people
from tests.browser.helpers import play, start_game
from tests.cognito_pool import PASSWORD, REGION, Pool, TokenEndpoint
from tests.support import CuttableProxy, ServerThread, settings_for

CODE = "123456"  # moto takes any confirmation code


@pytest.fixture
def cognito_server(
    clean_redis: str, tmp_path: Path, pool: Pool, token_endpoint: TokenEndpoint
) -> Iterator[ServerThread]:
    """The app on the real clock with its accounts in the pool; Google is offered (the
    hosted UI's token endpoint is the test double)."""
    settings = settings_for(
        clean_redis,
        tmp_path,
        reconnect_grace_seconds=30.0,
        identity="cognito",
        cognito_user_pool_id=pool.id,
        cognito_client_id=pool.client_id,
        cognito_region=REGION,
        cognito_jwks_url=f"{pool.moto.url}/{pool.id}/.well-known/jwks.json",
        cognito_domain=token_endpoint.url,
    )
    running = ServerThread(settings, SystemClock()).start()
    yield running
    running.stop()


@pytest.fixture
async def people(
    browser: Browser, cognito_server: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[list[Player]]:
    async def the_site() -> tuple[str, CuttableProxy | None]:
        return cognito_server.base_url, None

    async for made in two_people(browser, request, the_site):
        yield made


def new_name(player: Player) -> tuple[str, str]:
    name = f"{player.name}{uuid.uuid4().hex[:6]}"
    return name, f"{name}@example.com"


async def sign_up(player: Player, path: str = "/") -> str:
    """Sign-up, the emailed code, and signed in; returns the username."""
    page = player.page
    name, email = new_name(player)
    await page.goto(path)
    await expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    await page.fill("#auth-username", name)
    await page.fill("#auth-email", email)
    await page.fill("#auth-password", PASSWORD)
    await player.shot("cognito-sign-up")
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await expect(page.get_by_test_id("code-destination")).to_have_text(email)
    await player.shot("cognito-confirm")
    await expect(page.get_by_test_id("resend-code")).to_be_visible()  # moto sends no new code
    await page.fill("#auth-code", CODE)
    await page.get_by_test_id("auth-submit").click()
    return name


async def sign_out(player: Player) -> None:
    await player.page.get_by_role("button", name="Sign out").first.click()
    await expect(player.page.get_by_role("heading", name="Welcome back")).to_be_visible()


async def holds_no_token(player: Player, cookie_name: str) -> None:
    """The session is an HttpOnly cookie: no script of the page can read it, and nothing
    the page kept holds it."""
    cookies = {c["name"]: c for c in await player.context.cookies()}
    session = cookies[cookie_name]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    seen = await player.page.evaluate("document.cookie")
    assert cookie_name not in seen and session["value"] not in seen
    kept = await player.page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert session["value"] not in kept and "token" not in kept.lower() and "eyJ" not in kept, kept


async def test_sign_up_confirm_sign_in_and_play_with_only_the_cookie(
    people: list[Player], cognito_server: ServerThread
) -> None:
    alice, bob = people
    cookie = cognito_server.settings.cookie_name
    name = await sign_up(alice)
    await expect(alice.page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()

    # Signing in again: a wrong password is told plainly, then the right one by username.
    await sign_out(alice)
    await expect(alice.page.locator("#auth-username")).to_have_value(name)
    await alice.page.fill("#auth-password", "Not-the-password-1")
    await alice.page.get_by_test_id("auth-submit").click()
    await expect(alice.page.get_by_test_id("auth-error")).to_have_text("Wrong username, email or password.")
    await alice.page.fill("#auth-password", PASSWORD)
    await alice.page.get_by_test_id("auth-submit").click()
    await expect(alice.page.get_by_test_id("create-room")).to_be_visible()

    await alice.page.get_by_test_id("create-room").click()
    await expect(alice.page.get_by_test_id("room-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    code = (await alice.page.get_by_test_id("room-code").text_content() or "").strip()
    await sign_up(bob, f"/#/room/{code}")  # the room's link, through sign-up, to the room
    await expect(bob.page.get_by_test_id("room-code")).to_have_text(code)
    await expect(alice.page.get_by_test_id("start-form")).to_be_visible()
    white, black = await start_game(alice, bob)
    board = chess.Board()
    await play(white, black, board, "e2e4", by="click")
    await play(black, white, board, "e7e5", by="drag")

    for player in (alice, bob):
        await holds_no_token(player, cookie)
    # A reload is still signed in (the cookie) and back in the game.
    await white.page.reload()
    await expect(white.page.get_by_test_id("board")).to_have_attribute("data-fen", board.fen())
    await holds_no_token(white, cookie)


async def test_two_factor_sign_in_turned_on_from_the_profile(people: list[Player]) -> None:
    alice = people[0]
    page = alice.page
    name = await sign_up(alice)
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()
    await page.get_by_role("link", name="Profile").click()
    section = page.get_by_test_id("two-factor")
    await section.get_by_test_id("mfa-on").click()
    qr = page.get_by_test_id("mfa-qr")
    await expect(qr).to_be_visible()
    loaded = (
        "() => { const i = document.querySelector('[data-testid=mfa-qr]'); return i.complete && i.naturalWidth > 0 }"
    )
    await page.wait_for_function(loaded, timeout=5_000)  # the SVG data: URI shows (the policy allows it)
    await alice.shot("two-factor-setup")
    secret = (await page.get_by_test_id("mfa-secret").text_content() or "").strip()
    totp = pyotp.TOTP(secret)
    wrong = "000000" if totp.now() != "000000" else "111111"
    await page.fill("#mfa-code", wrong)
    await page.get_by_test_id("mfa-verify").click()
    await expect(page.get_by_test_id("mfa-error")).to_have_text("That code isn't right.")
    await page.fill("#mfa-code", totp.now())
    await page.get_by_test_id("mfa-verify").click()
    await expect(page.get_by_test_id("mfa-status")).to_have_text("Two-factor sign-in is on.")
    await alice.shot("two-factor-on")

    # Signing in now asks for the app's code after the password.
    await sign_out(alice)
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    await alice.shot("two-factor-sign-in")
    assert await page.context.cookies() == []  # no session until the code
    await page.fill("#auth-code", wrong)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("auth-error")).to_have_text("That code isn't right.")
    await page.fill("#auth-code", totp.now())
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()

    # Turned off, the password alone signs in again.
    await page.get_by_role("link", name="Profile").click()
    await page.get_by_test_id("mfa-off").click()
    await page.get_by_role("dialog").get_by_role("button", name="Turn off").click()
    await expect(page.get_by_test_id("mfa-status")).to_have_text("Two-factor sign-in is off.")
    await sign_out(alice)
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()


async def test_a_forgotten_password_is_reset_with_the_emailed_code(people: list[Player]) -> None:
    alice = people[0]
    page = alice.page
    name = await sign_up(alice)
    await sign_out(alice)
    await page.get_by_test_id("forgot-password").click()
    await expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    await expect(page.locator("#auth-username")).to_have_value(name)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await page.fill("#auth-code", CODE)
    await page.fill("#auth-new-password", "Another-horse-7")
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()
    # The old password no longer signs in.
    await sign_out(alice)
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("auth-error")).to_have_text("Wrong username, email or password.")


async def test_an_unconfirmed_account_is_asked_for_its_code_when_signing_in(people: list[Player]) -> None:
    alice = people[0]
    page = alice.page
    name, email = new_name(alice)
    await page.goto("/")
    await page.fill("#auth-username", name)
    await page.fill("#auth-email", email)
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await page.reload()  # the code waits for later
    await page.get_by_test_id("to-login").click()
    await page.fill("#auth-username", email)  # by email this time
    await page.fill("#auth-password", PASSWORD)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await expect(page.get_by_test_id("auth-form")).to_contain_text("isn't confirmed yet")
    await page.fill("#auth-code", CODE)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()


async def test_google_signs_in_and_a_new_player_picks_a_username(
    people: list[Player], pool: Pool, token_endpoint: TokenEndpoint
) -> None:
    alice = people[0]
    page = alice.page
    _, email = new_name(alice)
    pool.user(email)  # the pool's user Google's sign-in makes

    async def hosted_ui(route: Route) -> None:
        """The site's answer sends the browser to the hosted UI; here Google says yes at once,
        back to the site with a code granted for this browser's PKCE challenge. (A route
        sees only the first request of a redirect chain, so the stand-in answers here.)"""
        start = await route.fetch(max_redirects=0)
        url = urllib.parse.urlparse(start.headers["location"])
        query = urllib.parse.parse_qs(url.query)
        assert url.path == "/oauth2/authorize" and query["identity_provider"] == ["Google"]
        code = token_endpoint.grant(query["code_challenge"][0], pool.tokens(email))
        back = f"{query['redirect_uri'][0]}?{urllib.parse.urlencode({'code': code, 'state': query['state'][0]})}"
        await route.fulfill(response=start, headers={**start.headers, "location": back})

    await page.route("**/api/auth/google", hosted_ui)
    # A Google sign-in that did not finish comes back to a plain message.
    await page.goto("/#/signin?error=google")
    await expect(page.get_by_test_id("auth-error")).to_have_text(
        "Google sign-in didn't finish. Try again, or sign in another way."
    )
    await page.get_by_test_id("google-sign-in").click()
    await expect(page.get_by_role("heading", name="Pick your username")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/#/$"))
    name = f"g{uuid.uuid4().hex[:8]}"
    await page.fill("#pick-username", name)
    await page.get_by_test_id("pick-username-submit").click()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name=f"Hi {name}")).to_be_visible()
