"""The record-store adapters, and the one place that picks between them."""

from __future__ import annotations

from chesschat.services.records import RecordStore
from chesschat.services.social_store import SocialStore
from chesschat.settings import Settings

SQLITE_FILE = "chesschat.sqlite3"


def open_store(settings: Settings) -> RecordStore:
    """The store the settings name: SQLite in the data dir, or DynamoDB."""
    if settings.record_store == "dynamodb":
        from chesschat.adapters.records.dynamodb import DynamoRecords

        return DynamoRecords(settings.table_prefix, settings.aws_region, settings.dynamodb_endpoint_url)
    from chesschat.adapters.records.sqlite import SQLiteRecords

    return SQLiteRecords(settings.data_dir / SQLITE_FILE, settings.sqlite_busy_timeout_seconds)


def open_social(records: RecordStore) -> SocialStore:
    """The social store beside ``records``, on its connection or client (closed with it)."""
    from chesschat.adapters.records.sqlite import SQLiteRecords

    if isinstance(records, SQLiteRecords):
        from chesschat.adapters.records.sqlite_social import SQLiteSocial

        return SQLiteSocial(records)
    from chesschat.adapters.records.dynamodb import DynamoRecords
    from chesschat.adapters.records.dynamodb_social import DynamoSocial

    if isinstance(records, DynamoRecords):
        return DynamoSocial(records)
    raise TypeError(f"no social store for {type(records).__name__}")
