"""Who a request comes from. Two identities answer the same operations: local accounts
(here) and a Cognito user pool (:mod:`chesschat.services.cognito_identity`).

Local accounts and their sessions live in the record store; passwords are hashed with
argon2id, and sessions are stored under the SHA-256 of their token, so a stolen database
holds no usable token.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from chesschat.domain.errors import DomainError
from chesschat.domain.room import Player
from chesschat.services.presence import Presence
from chesschat.services.records import Account, RecordStore, UsernameTaken
from chesschat.services.sign_in_throttle import SignInThrottle

USERNAME_FORM = "[a-z0-9.-][a-z0-9._-]{2,23}"
"""A username as chosen and stored (see :func:`account_name` for what is folded into it).
None begins with ``_``: those are provisional names (see :func:`provisional_name`)."""
PROVISIONAL = "_"
USERNAME = re.compile(USERNAME_FORM)
MIN_PASSWORD = 8
MAX_PASSWORD = 256
DECOY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


class InvalidUsername(DomainError):
    code = "INVALID_PAYLOAD"


class InvalidPassword(DomainError):
    code = "INVALID_PAYLOAD"


class UsernameUnavailable(DomainError):
    code = "CONFLICT"


class InvalidCredentials(DomainError):
    """Unknown username or wrong password: the two are never told apart."""

    code = "INVALID_CREDENTIALS"


def account_name(username: str) -> str:
    """The one form of a username that accounts are stored, looked up and throttled under:
    compatibility-normalised (a full-width or styled letter is that letter, a no-break space
    a space), without the whitespace around it, lower-case. Two spellings of one name never
    count apart."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def valid_name(username: str) -> str:
    """The stored form of a username a person chose. :raises InvalidUsername: not a valid one."""
    name = account_name(username)
    if not USERNAME.fullmatch(name):
        raise InvalidUsername("Username: 3-24 characters from a-z, 0-9, '.', '_' and '-'.")
    return name


def provisional_name(user_id: str) -> str:
    """The name of an account made by its first sign-in elsewhere (Google, a bearer token),
    until its player picks one: no chosen name looks like it."""
    return PROVISIONAL + user_id.replace("-", "")[:16]


def needs_username(account: Account) -> bool:
    return account.username.startswith(PROVISIONAL)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: its token (the cookie's value) and its account."""

    token: str
    account: Account


@dataclass(frozen=True, slots=True)
class Registered:
    """Signed up; the account is usable once the code sent to ``destination`` is typed."""

    destination: str


@dataclass(frozen=True, slots=True)
class MfaRequired:
    """The password was right; a code from the authenticator app finishes the sign-in.
    ``pending`` names the half-done sign-in (never a provider's token)."""

    pending: str


class Identity(Protocol):
    """The operations both identities answer."""

    mode: str

    async def signup(self, username: str, password: str, email: str = "") -> SignedIn | Registered: ...

    async def login(self, username: str, password: str, address: str) -> SignedIn | MfaRequired: ...

    async def logout(self, token: str) -> None:
        """End the session of ``token``; every socket it opened, on any process, closes."""

    async def authenticate(self, token: str | None) -> Account | None: ...


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def player_of(account: Account) -> Player:
    return Player(account.user_id, account.username, account.username)


class LocalIdentity:
    mode = "local"

    def __init__(self, store: RecordStore, session_ttl_s: int, throttle: SignInThrottle, presence: Presence) -> None:
        self.store = store
        self.presence = presence
        self.session_ttl_s = session_ttl_s
        self.throttle = throttle
        self.hasher = PasswordHasher()

    @staticmethod
    def _check(username: str, password: str) -> str:
        name = valid_name(username)
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidPassword(f"Password: at least {MIN_PASSWORD} characters.")
        return name

    async def _session(self, account: Account) -> SignedIn:
        token = secrets.token_urlsafe(32)
        expires_at = time.time() + self.session_ttl_s
        await asyncio.to_thread(self.store.add_session, token_hash(token), account.user_id, expires_at)
        return SignedIn(token, account)

    async def signup(self, username: str, password: str, email: str = "") -> SignedIn:
        name = self._check(username, password)
        password_hash = await asyncio.to_thread(self.hasher.hash, password)
        try:
            account = await asyncio.to_thread(self.store.create_user, name, email.strip(), password_hash)
        except UsernameTaken:
            raise UsernameUnavailable("That username is taken.") from None
        return await self._session(account)

    async def login(self, username: str, password: str, address: str) -> SignedIn:
        """Sign in from the client ``address``.

        :raises TooManyAttempts: the account or the address has to wait after failed ones.
        :raises InvalidCredentials: no such account, or the wrong password.
        """
        name = account_name(username)
        await self.throttle.admit(name, address)
        account = await asyncio.to_thread(self.store.user_by_username, name)
        if account is None:
            # Spend the same time as a real check, so a timing probe learns nothing.
            await asyncio.to_thread(self._verify, DECOY_HASH, password)
            raise InvalidCredentials("Wrong username or password.")
        if not await asyncio.to_thread(self._verify, account.password_hash, password):
            raise InvalidCredentials("Wrong username or password.")
        if self.hasher.check_needs_rehash(account.password_hash):
            rehashed = await asyncio.to_thread(self.hasher.hash, password)
            await asyncio.to_thread(self.store.set_password_hash, account.user_id, rehashed)
        await asyncio.to_thread(self.store.touch_login, account.user_id)
        await self.throttle.succeeded(name, address)
        return await self._session(account)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    async def logout(self, token: str) -> None:
        await asyncio.to_thread(self.store.drop_session, token_hash(token))
        await self.presence.session_ended(token_hash(token))

    async def authenticate(self, token: str | None) -> Account | None:
        if not token or len(token) > 512:
            return None
        return await asyncio.to_thread(self._account_of, token_hash(token))

    def _account_of(self, session: str) -> Account | None:
        user_id = self.store.session_user(session, time.time())
        return None if user_id is None else self.store.user(user_id)
