"""The record store in one SQLite file in the data dir: the embedded default.

Tables mirror the DynamoDB design: ``users`` (immutable ``user_id`` and the counters),
``usernames`` (lowercased name → user id), ``games`` (the key attributes as columns for the
two player indexes, the whole item of :mod:`.mapping` as JSON), ``sessions`` for local
identity, keyed by the SHA-256 of the token, and the five social tables that
:mod:`.sqlite_social` reads and writes through this store's connections. WAL mode lets many processes share the file;
every write is a ``BEGIN IMMEDIATE`` transaction. Schema migrations run on open, numbered
by ``PRAGMA user_version``.

Each thread gets its own connection: a writer waiting for the lock never holds up a reader
in another thread.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from chesschat.adapters.records.mapping import DRAW, game_from_item, game_to_item
from chesschat.domain.finished import FinishedGame
from chesschat.domain.game import Reason
from chesschat.services.records import (
    Account,
    Cursor,
    HeadToHead,
    StatChange,
    StoreUnavailable,
    UnknownPlayer,
    UsernameTaken,
)

# Each entry moves the schema from version i to i + 1; never edit one that has shipped.
MIGRATIONS = (
    """
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
    CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id)
    """,
    """
    CREATE TABLE games (
        game_id TEXT PRIMARY KEY,
        white_player_id TEXT NOT NULL,
        black_player_id TEXT NOT NULL,
        winner TEXT NOT NULL,
        result TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX games_by_white ON games(white_player_id, ended_at, game_id);
    CREATE INDEX games_by_black ON games(black_player_id, ended_at, game_id)
    """,
    # The social tables (see sqlite_social.py): the DynamoDB items' attributes as columns.
    """
    CREATE TABLE friendships (
        user_id TEXT NOT NULL,
        friend_user_id TEXT NOT NULL,
        friend_username TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, friend_user_id)
    );
    CREATE TABLE friend_requests (
        recipient_user_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        sender_user_id TEXT NOT NULL,
        sender_username TEXT NOT NULL,
        recipient_username TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        pair_id TEXT NOT NULL,
        PRIMARY KEY (recipient_user_id, request_id)
    );
    CREATE INDEX friend_requests_by_sender ON friend_requests(sender_user_id, created_at);
    CREATE UNIQUE INDEX friend_requests_one_pending ON friend_requests(pair_id) WHERE status = 'pending';
    CREATE TABLE challenges (
        challenge_id TEXT PRIMARY KEY,
        challenger_user_id TEXT NOT NULL,
        challenger_username TEXT NOT NULL,
        challenged_user_id TEXT NOT NULL,
        challenged_username TEXT NOT NULL,
        room_code TEXT,
        status TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX challenges_by_challenger ON challenges(challenger_user_id, created_at);
    CREATE INDEX challenges_by_challenged ON challenges(challenged_user_id, created_at);
    CREATE TABLE notifications (
        user_id TEXT NOT NULL,
        notification_id TEXT NOT NULL,
        type TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        entity_id TEXT,
        read INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, notification_id)
    );
    CREATE TABLE pair_rooms (
        pair_id TEXT PRIMARY KEY,
        room_code TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    # A deleted account keeps only its id and counters, marked, for games still landing.
    "ALTER TABLE users ADD COLUMN deleted_at TEXT",
    # Engine reviews of finished games, one row per reviewed game (see reviews.py).
    """
    CREATE TABLE game_analyses (
        game_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        result TEXT,
        updated_at INTEGER NOT NULL
    )
    """,
)

USER_COLUMNS = (
    "u.user_id, u.username, u.email, u.password_hash, u.total_games, u.wins, u.losses, u.draws,"
    " u.created_at, u.last_login_at"
)
# Errors that say "not now" rather than "never": the caller waits and tries again.
TRANSIENT = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_PROTOCOL,
}


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@contextlib.contextmanager
def _unavailable_when_busy() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF in TRANSIENT:
            raise StoreUnavailable(f"sqlite: {exc}") from exc
        raise


class SQLiteRecords:
    def __init__(self, path: Path, busy_timeout_s: float = 5.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._migrate()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            with _unavailable_when_busy():
                db = sqlite3.connect(
                    self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._guard:
                self._connections.append(db)
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error.
        The write lock is taken before the first read, so what a transaction reads stays
        true until it commits."""
        db = self._db()
        with _unavailable_when_busy():
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def read(self, sql: str, args: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        with _unavailable_when_busy():
            return self._db().execute(sql, args).fetchall()

    def _migrate(self) -> None:
        # Read first: a process that starts while another holds the write lock (the schema
        # being current) must not need that lock.
        if self.read("PRAGMA user_version", ())[0][0] >= len(MIGRATIONS):
            return
        with self.write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        with self._guard:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # Accounts and sessions

    def create_user(self, username: str, email: str, password_hash: str, user_id: str | None = None) -> Account:
        user_id = user_id or str(uuid.uuid4())
        try:
            with self.write() as db:
                db.execute("INSERT INTO usernames(username_lower, user_id) VALUES (?, ?)", (username.lower(), user_id))
                db.execute(
                    "INSERT INTO users(user_id, username, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    (user_id, username, email, password_hash, _now_iso()),
                )
        except sqlite3.IntegrityError:
            raise UsernameTaken(username) from None
        account = self.user(user_id)
        assert account is not None
        return account

    def _account(self, rows: list[Any]) -> Account | None:
        return Account(*rows[0]) if rows else None

    def user(self, user_id: str) -> Account | None:
        sql = f"SELECT {USER_COLUMNS} FROM users u WHERE u.user_id = ? AND u.deleted_at IS NULL"
        return self._account(self.read(sql, (user_id,)))

    def user_by_username(self, username: str) -> Account | None:
        sql = f"SELECT {USER_COLUMNS} FROM usernames n JOIN users u ON u.user_id = n.user_id WHERE n.username_lower = ?"
        return self._account(self.read(sql, (username.lower(),)))

    def usernames(self, user_ids: Collection[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(user_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):  # within SQLite's bound on parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT user_id, username FROM users WHERE deleted_at IS NULL AND user_id IN ({marks})"
            found.update(self.read(sql, chunk))
        return found

    def rename_user(self, user_id: str, username: str) -> Account:
        try:
            with self.write() as db:
                sql = "SELECT username FROM users WHERE user_id = ? AND deleted_at IS NULL"
                row = db.execute(sql, (user_id,)).fetchone()
                if row is None:
                    raise UnknownPlayer(user_id)
                if row[0].lower() != username.lower():
                    db.execute(
                        "INSERT INTO usernames(username_lower, user_id) VALUES (?, ?)", (username.lower(), user_id)
                    )
                    db.execute("DELETE FROM usernames WHERE username_lower = ?", (row[0].lower(),))
                db.execute("UPDATE users SET username = ? WHERE user_id = ?", (username, user_id))
        except sqlite3.IntegrityError:
            raise UsernameTaken(username) from None
        account = self.user(user_id)
        assert account is not None
        return account

    def delete_user(self, user_id: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            db.execute("DELETE FROM usernames WHERE user_id = ?", (user_id,))
            # What stays is the id and counters, marked, so a game still landing finds it.
            db.execute(
                "UPDATE users SET username = '', email = '', password_hash = '', last_login_at = NULL,"
                " deleted_at = COALESCE(deleted_at, ?) WHERE user_id = ?",
                (_now_iso(), user_id),
            )

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self.write() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", (password_hash, user_id))

    def touch_login(self, user_id: str) -> None:
        with self.write() as db:
            db.execute("UPDATE users SET last_login_at = ? WHERE user_id = ?", (_now_iso(), user_id))

    def add_session(self, token_hash: str, user_id: str, expires_at: float) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash, user_id, time.time(), expires_at),
            )

    def session_user(self, token_hash: str, now: float) -> str | None:
        rows = self.read("SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?", (token_hash, now))
        return str(rows[0][0]) if rows else None

    def drop_session(self, token_hash: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    # Games

    def record_game(self, game: FinishedGame, changes: Sequence[StatChange]) -> bool:
        item = game_to_item(game)
        with self.write() as db:
            inserted = db.execute(
                "INSERT INTO games(game_id, white_player_id, black_player_id, winner, result, ended_at, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(game_id) DO NOTHING",
                (
                    item["game_id"],
                    item["white_player_id"],
                    item["black_player_id"],
                    item["winner"],
                    item["result"],
                    item["ended_at"],
                    orjson.dumps(item).decode(),
                ),
            ).rowcount
            if not inserted:
                return False
            for change in changes:
                updated = db.execute(
                    "UPDATE users SET wins = wins + ?, losses = losses + ?, draws = draws + ?,"
                    " total_games = total_games + ? WHERE user_id = ?",
                    (change.wins, change.losses, change.draws, change.total_games, change.user_id),
                ).rowcount
                if not updated:
                    raise UnknownPlayer(change.user_id)
        return True

    def game(self, game_id: str) -> FinishedGame | None:
        rows = self.read("SELECT record FROM games WHERE game_id = ?", (game_id,))
        return game_from_item(orjson.loads(rows[0][0])) if rows else None

    def history(self, user_id: str, limit: int, before: Cursor | None) -> list[FinishedGame]:
        older = "AND (ended_at, game_id) < (:ended_at, :game_id)" if before else ""
        # One index range per colour, merged: an OR across the two columns would scan.
        per_colour = (
            "SELECT * FROM (SELECT ended_at, game_id, record FROM games WHERE {column} = :user {older}"
            " ORDER BY ended_at DESC, game_id DESC LIMIT :limit)"
        )
        sql = (
            f"{per_colour.format(column='white_player_id', older=older)} UNION ALL"
            f" {per_colour.format(column='black_player_id', older=older)}"
            " ORDER BY ended_at DESC, game_id DESC LIMIT :limit"
        )
        args: dict[str, Any] = {"user": user_id, "limit": limit}
        if before:
            args.update(ended_at=before.ended_at, game_id=before.game_id)
        return [game_from_item(orjson.loads(row[2])) for row in self.read(sql, args)]

    def head_to_head(self, user_id: str, opponent_id: str, limit: int) -> HeadToHead:
        fewer = self.read(
            "SELECT user_id FROM users WHERE user_id IN (?, ?) ORDER BY total_games, user_id LIMIT 1",
            (user_id, opponent_id),
        )
        pivot = fewer[0][0] if fewer else user_id
        args = {
            "pivot": pivot,
            "partner": opponent_id if pivot == user_id else user_id,
            "me": user_id,
            "them": opponent_id,
            "draw": DRAW,
            "aborted": Reason.ABORTED.value,
            "limit": limit,
        }
        # The pivot's two index ranges with the partner filtered out of them: the unary plus
        # keeps the planner from reading the partner's ranges instead.
        between = (
            "((white_player_id = :pivot AND +black_player_id = :partner)"
            " OR (black_player_id = :pivot AND +white_player_id = :partner))"
        )
        tally = (
            "SELECT COALESCE(SUM(winner = :me), 0), COALESCE(SUM(winner = :draw), 0), COALESCE(SUM(winner = :them), 0)"
            f" FROM games WHERE {between} AND result != :aborted"
        )
        newest = f"SELECT record FROM games WHERE {between} ORDER BY ended_at DESC, game_id DESC LIMIT :limit"
        ((wins, draws, losses),) = self.read(tally, args)
        games = tuple(game_from_item(orjson.loads(row[0])) for row in self.read(newest, args))
        return HeadToHead(wins, draws, losses, games)

    def ping(self) -> bool:
        return bool(self.read("SELECT 1", ()) == [(1,)])
