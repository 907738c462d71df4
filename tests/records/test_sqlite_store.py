"""What only the SQLite store has: schema migrations on open, WAL, and sharing the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chesschat.adapters.records.sqlite import MIGRATIONS, SQLiteRecords
from chesschat.services.records import StoreUnavailable, stat_changes
from tests.records.games import finished_game


def test_sqlite_store_upgrades_an_accounts_only_file_and_keeps_its_users(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0])  # the file as the accounts-only release left it
    old.execute("INSERT INTO users(user_id, username, password_hash, created_at) VALUES ('u1', 'kept', 'h', 'then')")
    old.execute("INSERT INTO usernames(username_lower, user_id) VALUES ('kept', 'u1')")
    old.commit()
    old.close()
    store = SQLiteRecords(path)
    kept = store.user_by_username("kept")
    assert kept is not None and kept.user_id == "u1"
    other = store.create_user("other", "", "h")
    record = finished_game("u1", other.user_id, "white_wins")
    assert store.record_game(record, stat_changes(record)) is True
    store.close()
    reopened = SQLiteRecords(path)
    assert reopened.game(record.game_id) == record
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    reopened.close()


def test_sqlite_store_locked_by_another_writer_is_unavailable_not_broken(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    store = SQLiteRecords(path, busy_timeout_s=0.05)
    user = store.create_user("reader", "", "h")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        second = SQLiteRecords(path, busy_timeout_s=0.05)  # a process starting now still opens
        assert second.user(user.user_id) == user  # and reads: WAL readers do not wait
        with pytest.raises(StoreUnavailable):
            second.create_user("writer", "", "h")
        second.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.create_user("writer", "", "h").username == "writer"
    store.close()
