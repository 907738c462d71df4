"""Accounts in an Amazon Cognito user pool, with the server as the pool's client.

A browser never holds a Cognito token: signing in makes a session, an opaque id in an
HttpOnly cookie, and the session's tokens stay in the live store (the refresh token
sealed with the server's key), the access token refreshed before it runs out. A
non-browser client may instead send a Cognito access token as a bearer; it is checked
against the pool's keys, and signing out refuses every token issued before.

The pool signs people in by email (its usernames are emails); ChessChat's username lives
in the record store, reserved at sign-up under the pool's ``sub``, which is the user id.
Signing in by username looks the email up there, so a renamed player signs in under the
new name. An account the pool made elsewhere (Google, the original client's own sign-up)
is created here at its first sign-in, under a provisional name until the player picks one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import structlog

from chesschat.domain.errors import DomainError
from chesschat.services.identity import (
    InvalidCredentials,
    MfaRequired,
    Registered,
    SignedIn,
    UsernameUnavailable,
    account_name,
    provisional_name,
    token_hash,
    valid_name,
)
from chesschat.services.ports import Clock
from chesschat.services.presence import Presence
from chesschat.services.records import Account, RecordStore, UsernameTaken
from chesschat.services.sign_in_throttle import SignInThrottle

log = structlog.get_logger("chesschat.identity")
REFRESH_MARGIN_S = 300
"""An access token this close to its end is refreshed before it is used."""
PENDING_MFA_S = 180
"""Cognito's MFA challenge session lasts three minutes."""
PENDING_OAUTH_S = 600
REVOCATIONS_KEPT_S = 24 * 3600
"""No access token outlives a day, so a sign-out's refusal need not either."""
MAX_TOKEN = 4096


class AuthFailed(InvalidCredentials):
    pass


class NotConfirmed(DomainError):
    code = "NOT_CONFIRMED"


class CodeMismatch(DomainError):
    code = "INVALID_CODE"


class CodeExpired(DomainError):
    code = "CODE_EXPIRED"


class TooManyRequests(DomainError):
    code = "TOO_MANY_ATTEMPTS"


class SignUpRefused(DomainError):
    code = "INVALID_PAYLOAD"


class CognitoUnavailable(DomainError):
    code = "NOT_READY"


class InvalidToken(Exception):
    """A bearer token that is not a valid access token of the pool for this app client."""


class NoSession(DomainError):
    """The operation needs a signed-in session, or a pending sign-in that has run out."""

    code = "UNAUTHORIZED"


@dataclass(frozen=True, slots=True)
class Tokens:
    access: str
    id_token: str | None
    refresh: str | None
    expires_in_s: int


@dataclass(frozen=True, slots=True)
class Challenge:
    name: str
    session: str


class CognitoApi(Protocol):
    def sign_up(self, email: str, password: str) -> str:
        """The new user's ``sub``."""

    def confirm(self, email: str, code: str) -> None: ...

    def resend(self, email: str) -> None: ...

    def password_auth(self, email: str, password: str) -> Tokens | Challenge: ...

    def answer_mfa(self, email: str, session: str, code: str) -> Tokens: ...

    def refresh(self, refresh_token: str, user_sub: str) -> Tokens: ...

    def forgot(self, email: str) -> None: ...

    def reset(self, email: str, code: str, password: str) -> None: ...

    def global_sign_out(self, access_token: str) -> None: ...

    def mfa_secret(self, access_token: str) -> str: ...

    def verify_mfa(self, access_token: str, code: str) -> None: ...

    def set_mfa(self, access_token: str, enabled: bool) -> None: ...

    def authorize_url(self, redirect_uri: str, state: str, challenge: str, provider: str) -> str: ...

    def exchange_code(self, code: str, verifier: str, redirect_uri: str) -> Tokens: ...


class TokenKeys(Protocol):
    def claims(self, token: str, token_use: str) -> dict[str, Any]:
        """:raises InvalidToken: not a valid token of that use."""


class Sealer(Protocol):
    def seal(self, text: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class AuthStore(Protocol):
    """Sessions and short-lived sign-in state, shared by every process."""

    async def put_session(self, key: str, user_id: str, fields: dict[str, str], ttl_s: int) -> None: ...

    async def session(self, key: str) -> dict[str, str] | None: ...

    async def update_session(self, key: str, fields: dict[str, str]) -> None: ...

    async def drop_user_sessions(self, user_id: str) -> int:
        """End every session of the user; how many there were."""

    async def revoke_before(self, user_id: str, at_s: float, ttl_s: int) -> None: ...

    async def revoked_before(self, user_id: str) -> float | None: ...

    async def put_pending(self, kind: str, key: str, value: str, ttl_s: int) -> None: ...

    async def pending(self, kind: str, key: str) -> str | None: ...

    async def take_pending(self, kind: str, key: str) -> str | None:
        """The value once: a second take finds nothing."""


@dataclass(frozen=True, slots=True)
class GoogleStart:
    url: str
    state: str


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class CognitoIdentity:
    mode = "cognito"

    def __init__(
        self,
        store: RecordStore,
        api: CognitoApi,
        keys: TokenKeys,
        auth: AuthStore,
        sealer: Sealer,
        presence: Presence,
        clock: Clock,
        throttle: SignInThrottle,
        session_ttl_s: int,
        google: bool,
    ) -> None:
        self.store = store
        self.api = api
        self.keys = keys
        self.auth = auth
        self.sealer = sealer
        self.presence = presence
        self.clock = clock
        self.throttle = throttle
        self.session_ttl_s = session_ttl_s
        self.google = google

    async def _run(self, call: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(call, *args)

    def _now_s(self) -> float:
        return self.clock.now_ms() / 1000

    async def _email(self, username: str) -> str | None:
        """The pool's name for the person who typed ``username`` (or their email)."""
        text = username.strip()
        if "@" in text:
            return text.lower()
        account = await self._run(self.store.user_by_username, account_name(text))
        return account.email if account is not None and account.email else None

    # Signing up

    async def signup(self, username: str, password: str, email: str = "") -> Registered:
        name = valid_name(username)
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise SignUpRefused("An email address is needed: the confirmation code is sent there.")
        if await self._run(self.store.user_by_username, name) is not None:
            raise UsernameUnavailable("That username is taken.")
        sub = await self._run(self.api.sign_up, email, password)
        try:
            await self._run(self.store.create_user, name, email, "", sub)
        except UsernameTaken:
            # Taken in the moment between: the pool's user stays unconfirmed and unused.
            raise UsernameUnavailable("That username is taken.") from None
        return Registered(email)

    async def confirm(self, username: str, code: str) -> None:
        email = await self._email(username)
        if email is None:
            raise CodeMismatch("That code is not right. Check it and try again.")
        await self._run(self.api.confirm, email, code.strip())

    async def resend(self, username: str) -> None:
        email = await self._email(username)
        if email is not None:  # an unknown name is answered the same, so names are not probed
            await self._run(self.api.resend, email)

    # Signing in

    async def login(self, username: str, password: str, address: str) -> SignedIn | MfaRequired:
        name = account_name(username)
        await self.throttle.admit(name, address)
        email = await self._email(username)
        if email is None:
            raise AuthFailed("Wrong username or password.")
        result = await self._run(self.api.password_auth, email, password)
        await self.throttle.succeeded(name, address)
        if isinstance(result, Challenge):
            if result.name != "SOFTWARE_TOKEN_MFA":
                raise AuthFailed(f"This account needs a sign-in step this site does not offer ({result.name}).")
            pending = secrets.token_urlsafe(24)
            await self.auth.put_pending("mfa", token_hash(pending), f"{email}\n{result.session}", PENDING_MFA_S)
            return MfaRequired(pending)
        return await self._start(result)

    async def answer_mfa(self, pending: str, code: str) -> SignedIn:
        held = await self.auth.pending("mfa", token_hash(pending))
        if held is None:
            raise NoSession("The sign-in took too long; sign in again.")
        email, _, session = held.partition("\n")
        tokens = await self._run(self.api.answer_mfa, email, session, code.strip())
        await self.auth.take_pending("mfa", token_hash(pending))
        return await self._start(tokens)

    def google_start(self, redirect_uri: str) -> GoogleStart:
        """Where to send the browser for Google, and the ``state`` it must bring back."""
        state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        url = self.api.authorize_url(redirect_uri, state, pkce_challenge(verifier), "Google")
        return GoogleStart(url, f"{state}\n{verifier}")

    async def google_remember(self, start: GoogleStart) -> str:
        state, _, verifier = start.state.partition("\n")
        await self.auth.put_pending("oauth", token_hash(state), verifier, PENDING_OAUTH_S)
        return state

    async def google_finish(self, code: str, state: str, browser_state: str | None, redirect_uri: str) -> SignedIn:
        """:raises AuthFailed: the state is not this browser's, or was used, or the code is refused."""
        if not code or not state or not browser_state or not secrets.compare_digest(state, browser_state):
            raise AuthFailed("Google sign-in did not complete; try again.")
        verifier = await self.auth.take_pending("oauth", token_hash(state))
        if verifier is None:
            raise AuthFailed("Google sign-in did not complete; try again.")
        tokens = await self._run(self.api.exchange_code, code, verifier, redirect_uri)
        return await self._start(tokens)

    async def _start(self, tokens: Tokens) -> SignedIn:
        claims = await self._claims(tokens.access)
        account = await self._account(claims, tokens.id_token)
        token = secrets.token_urlsafe(32)
        fields = {
            "access": tokens.access,
            "access_until": str(self._now_s() + tokens.expires_in_s),
            "refresh": self.sealer.seal(tokens.refresh or ""),
            "sub": str(claims["sub"]),
        }
        await self.auth.put_session(token_hash(token), account.user_id, fields, self.session_ttl_s)
        return SignedIn(token, account)

    async def _claims(self, token: str, token_use: str = "access") -> dict[str, Any]:
        claims: dict[str, Any] = await self._run(self.keys.claims, token, token_use)
        return claims

    async def _account(self, claims: dict[str, Any], id_token: str | None) -> Account:
        """The account of the pool's ``sub``, made at its first sign-in."""
        sub = str(claims["sub"])
        account: Account | None = await self._run(self.store.user, sub)
        if account is not None:
            return account
        email = ""
        if id_token:
            try:
                email = str((await self._claims(id_token, "id")).get("email", "")).lower()
            except InvalidToken:
                email = ""
        try:
            account = await self._run(self.store.create_user, provisional_name(sub), email, "", sub)
        except UsernameTaken:  # made by a request in the meantime
            account = await self._run(self.store.user, sub)
        if account is None:
            raise NoSession("This account no longer exists.")
        return account

    # Every request

    async def authenticate(self, token: str | None) -> Account | None:
        if not token or len(token) > MAX_TOKEN:
            return None
        if token.count(".") == 2:
            return await self._bearer(token)
        session = await self._session(token)
        if session is None:
            return None
        account: Account | None = await self._run(self.store.user, session["user_id"])
        return account

    async def _session(self, token: str) -> dict[str, str] | None:
        """The cookie's session with a fresh access token; ``None`` if it has ended."""
        key = token_hash(token)
        session = await self.auth.session(key)
        if session is None or (self._expiring(session) and not await self._refresh(key, session)):
            return None
        return session

    async def _bearer(self, token: str) -> Account | None:
        try:
            claims = await self._claims(token)
        except InvalidToken as exc:
            log.info("bearer_refused", reason=str(exc)[:100])
            return None
        revoked = await self.auth.revoked_before(str(claims["sub"]))
        if revoked is not None and float(claims["iat"]) <= revoked:
            return None
        return await self._account(claims, None)

    def _expiring(self, session: dict[str, str]) -> bool:
        return float(session.get("access_until", 0)) - self._now_s() < REFRESH_MARGIN_S

    async def _refresh(self, key: str, session: dict[str, str]) -> bool:
        """A fresh access token for the session; ``False`` when the pool ended it."""
        refresh = self.sealer.open(session.get("refresh", ""))
        if not refresh:
            return False
        try:
            tokens = await self._run(self.api.refresh, refresh, session["sub"])
        except AuthFailed:
            await self.auth.drop_user_sessions(session["user_id"])
            return False
        except CognitoUnavailable:
            log.warning("session_refresh_failed")
            return True  # the session stands; the next request tries again
        session["access"] = tokens.access
        session["access_until"] = str(self._now_s() + tokens.expires_in_s)
        await self.auth.update_session(key, {"access": session["access"], "access_until": session["access_until"]})
        return True

    async def _access(self, token: str | None) -> tuple[str, str]:
        """A valid access token for the caller, and their user id."""
        if not token or len(token) > MAX_TOKEN:
            raise NoSession("Sign in first.")
        if token.count(".") == 2:
            account = await self._bearer(token)
            if account is None:
                raise NoSession("Sign in first.")
            return token, account.user_id
        session = await self._session(token)
        if session is None:
            raise NoSession("Sign in first.")
        return session["access"], session["user_id"]

    async def logout(self, token: str) -> None:
        """Sign out everywhere: the pool revokes the account's tokens, every session and
        every socket of the account ends, and bearer tokens issued until now are refused."""
        try:
            access, user_id = await self._access(token)
        except NoSession:
            return
        try:
            await self._run(self.api.global_sign_out, access)
        except (AuthFailed, CognitoUnavailable):
            log.warning("global_sign_out_failed")
        await self.auth.drop_user_sessions(user_id)
        # Compared with the tokens' ``iat``, which the pool wrote by the wall clock.
        await self.auth.revoke_before(user_id, time.time(), REVOCATIONS_KEPT_S)
        await self.presence.user_ended(user_id)

    # Passwords and MFA

    async def forgot(self, username: str) -> None:
        email = await self._email(username)
        if email is not None:
            await self._run(self.api.forgot, email)

    async def reset(self, username: str, code: str, password: str) -> None:
        email = await self._email(username)
        if email is None:
            raise CodeMismatch("That code is not right. Check it and try again.")
        await self._run(self.api.reset, email, code.strip(), password)

    async def mfa_setup(self, token: str | None) -> str:
        """A new authenticator secret, to be confirmed by :meth:`mfa_verify`."""
        access, _ = await self._access(token)
        secret: str = await self._run(self.api.mfa_secret, access)
        return secret

    async def mfa_verify(self, token: str | None, code: str) -> None:
        access, _ = await self._access(token)
        await self._run(self.api.verify_mfa, access, code.strip())
        await self._run(self.api.set_mfa, access, True)

    async def mfa_disable(self, token: str | None) -> None:
        access, _ = await self._access(token)
        await self._run(self.api.set_mfa, access, False)
