"""Local accounts: sign up, log in, sessions. Passwords are hashed with argon2id."""

from __future__ import annotations

import asyncio
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from chesschat.adapters.sqlite_accounts import Account, SQLiteAccounts, UsernameTaken
from chesschat.domain.room import Player

USERNAME = re.compile(r"[a-z0-9._-]{3,24}")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
DECOY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


class IdentityError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def player_of(account: Account) -> Player:
    return Player(account.user_id, account.username, account.username)


class LocalIdentity:
    def __init__(self, accounts: SQLiteAccounts, session_ttl_s: int) -> None:
        self.accounts = accounts
        self.session_ttl_s = session_ttl_s
        self.hasher = PasswordHasher()

    @staticmethod
    def _check(username: str, password: str) -> str:
        name = username.strip().lower()
        if not USERNAME.fullmatch(name):
            raise IdentityError("INVALID_PAYLOAD", "Username: 3-24 characters from a-z, 0-9, '.', '_' and '-'.")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise IdentityError("INVALID_PAYLOAD", f"Password: at least {MIN_PASSWORD} characters.")
        return name

    def _session(self, account: Account) -> str:
        token = secrets.token_urlsafe(32)
        self.accounts.add_session(token, account.user_id, self.session_ttl_s)
        return token

    async def signup(self, username: str, password: str, email: str = "") -> tuple[str, Account]:
        name = self._check(username, password)
        password_hash = await asyncio.to_thread(self.hasher.hash, password)
        try:
            account = self.accounts.create(name, email.strip(), password_hash)
        except UsernameTaken:
            raise IdentityError("CONFLICT", "That username is taken.") from None
        return self._session(account), account

    async def login(self, username: str, password: str) -> tuple[str, Account]:
        account = self.accounts.by_username(username.strip().lower())
        if account is None:
            # Spend the same time as a real check, so a timing probe learns nothing.
            await asyncio.to_thread(self._verify, DECOY_HASH, password)
            raise IdentityError("INVALID_CREDENTIALS", "Wrong username or password.")
        if not await asyncio.to_thread(self._verify, account.password_hash, password):
            raise IdentityError("INVALID_CREDENTIALS", "Wrong username or password.")
        if self.hasher.check_needs_rehash(account.password_hash):
            self.accounts.set_password_hash(account.user_id, await asyncio.to_thread(self.hasher.hash, password))
        self.accounts.touch_login(account.user_id)
        return self._session(account), account

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    def logout(self, token: str) -> None:
        self.accounts.drop_session(token)

    def authenticate(self, token: str | None) -> Account | None:
        if not token or len(token) > 512:
            return None
        user_id = self.accounts.session_user(token)
        return None if user_id is None else self.accounts.by_id(user_id)
