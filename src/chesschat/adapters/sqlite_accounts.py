"""Local accounts and sessions in SQLite (the embedded identity).

Tables mirror the record design: ``users`` (immutable ``user_id``), ``usernames``
(lowercased name → user id, for uniqueness), and ``sessions`` keyed by the SHA-256 of the
token, so a stolen database holds no usable token. WAL mode lets several server processes
share the file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    total_games INTEGER NOT NULL DEFAULT 0,
    wins INTEGER NOT NULL DEFAULT 0,
    losses INTEGER NOT NULL DEFAULT 0,
    draws INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_login_at TEXT
);
CREATE TABLE IF NOT EXISTS usernames (
    username_lower TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
"""


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    username: str
    email: str
    password_hash: str
    total_games: int
    wins: int
    losses: int
    draws: int
    created_at: str
    last_login_at: str | None


class UsernameTaken(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class SQLiteAccounts:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _account(self, row: tuple[object, ...] | None) -> Account | None:
        return None if row is None else Account(*row)  # type: ignore[arg-type]

    def create(self, username: str, email: str, password_hash: str) -> Account:
        user_id = str(uuid.uuid4())
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT INTO usernames(username_lower, user_id) VALUES (?, ?)", (username.lower(), user_id)
                )
                self._db.execute(
                    "INSERT INTO users(user_id, username, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    (user_id, username, email, password_hash, _now_iso()),
                )
                self._db.execute("COMMIT")
            except sqlite3.IntegrityError:
                self._db.execute("ROLLBACK")
                raise UsernameTaken(username) from None
        account = self.by_id(user_id)
        assert account is not None
        return account

    def by_id(self, user_id: str) -> Account | None:
        with self._lock:
            row = self._db.execute(
                "SELECT user_id, username, email, password_hash, total_games, wins, losses, draws, created_at,"
                " last_login_at FROM users WHERE user_id = ?",
                (user_id,),
            ).fetchone()
        return self._account(row)

    def by_username(self, username: str) -> Account | None:
        with self._lock:
            row = self._db.execute(
                "SELECT u.user_id, u.username, u.email, u.password_hash, u.total_games, u.wins, u.losses, u.draws,"
                " u.created_at, u.last_login_at FROM usernames n JOIN users u ON u.user_id = n.user_id"
                " WHERE n.username_lower = ?",
                (username.lower(),),
            ).fetchone()
        return self._account(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self._lock:
            self._db.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", (password_hash, user_id))

    def touch_login(self, user_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE users SET last_login_at = ? WHERE user_id = ?", (_now_iso(), user_id))

    def add_session(self, token: str, user_id: str, ttl_s: int) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash(token), user_id, now, now + ttl_s),
            )

    def session_user(self, token: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?", (token_hash(token), time.time())
            ).fetchone()
        return None if row is None else str(row[0])

    def drop_session(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))

    def ping(self) -> bool:
        with self._lock:
            return bool(self._db.execute("SELECT 1").fetchone() == (1,))
