"""Engine reviews kept once per game, beside the record store: a ``game_analyses`` row in
SQLite or item in DynamoDB, ``{game_id, status, result, updated_at}`` with the review as
JSON in ``result``."""

from __future__ import annotations

from typing import Any

import orjson

from chesschat.adapters.records.dynamodb import DynamoRecords, record_of
from chesschat.adapters.records.dynamodb_tables import Tables, attribute_values
from chesschat.adapters.records.sqlite import SQLiteRecords
from chesschat.domain.review import Review
from chesschat.domain.serde import review_from_dict, review_to_dict
from chesschat.services.records import RecordStore
from chesschat.services.reviews import ReviewStore, Status, StoredReview


def _stored(game_id: str, status: str, result: str | None, updated_ms: int) -> StoredReview:
    review = review_from_dict(orjson.loads(result)) if result else None
    return StoredReview(game_id, status, review, int(updated_ms))  # type: ignore[arg-type]


def _result(review: Review | None) -> str | None:
    return None if review is None else orjson.dumps(review_to_dict(review)).decode()


class SQLiteReviews:
    def __init__(self, records: SQLiteRecords) -> None:
        self.records = records

    def add_review(self, game_id: str, now_ms: int) -> bool:
        with self.records.write() as db:
            added = db.execute(
                "INSERT INTO game_analyses(game_id, status, updated_at) VALUES (?, 'queued', ?)"
                " ON CONFLICT(game_id) DO UPDATE SET status = 'queued', result = NULL, updated_at = excluded.updated_at"
                " WHERE game_analyses.status = 'failed'",
                (game_id, now_ms),
            )
            return added.rowcount == 1

    def review(self, game_id: str) -> StoredReview | None:
        rows = self.records.read(
            "SELECT game_id, status, result, updated_at FROM game_analyses WHERE game_id = ?", (game_id,)
        )
        return _stored(*rows[0]) if rows else None

    def set_review(self, game_id: str, status: Status, review: Review | None, now_ms: int) -> None:
        with self.records.write() as db:
            db.execute(
                "UPDATE game_analyses SET status = ?, result = ?, updated_at = ? WHERE game_id = ?",
                (status, _result(review), now_ms, game_id),
            )


class DynamoReviews:
    def __init__(self, records: DynamoRecords) -> None:
        self.tables = Tables(records)
        self.name = records.name

    def add_review(self, game_id: str, now_ms: int) -> bool:
        return self.tables.conditional(
            "put_item",
            TableName=self.name("game_analyses"),
            Item={"game_id": {"S": game_id}, "status": {"S": "queued"}, "updated_at": {"N": str(now_ms)}},
            ConditionExpression="attribute_not_exists(game_id) OR #s = :failed",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=attribute_values(failed="failed"),
        )

    def review(self, game_id: str) -> StoredReview | None:
        item = self.tables.get("game_analyses", game_id=game_id)
        if item is None:
            return None
        return _stored(item["game_id"], item["status"], item.get("result"), item["updated_at"])

    def set_review(self, game_id: str, status: Status, review: Review | None, now_ms: int) -> None:
        values: dict[str, Any] = attribute_values(s=status, u=now_ms)
        expression = "SET #s = :s, updated_at = :u"
        result = _result(review)
        if result is not None:
            values.update(attribute_values(r=result))
            expression += ", #r = :r"
        self.tables.call(
            "update_item",
            TableName=self.name("game_analyses"),
            Key={"game_id": {"S": game_id}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status", "#r": "result"} if result is not None else {"#s": "status"},
            ExpressionAttributeValues=values,
        )


def open_reviews(records: RecordStore) -> ReviewStore:
    """The review store beside ``records``, on its connection or client."""
    if isinstance(records, SQLiteRecords):
        return SQLiteReviews(records)
    if isinstance(records, DynamoRecords):
        return DynamoReviews(records)
    raise TypeError(f"no review store for {type(records).__name__}")


__all__ = ["DynamoReviews", "SQLiteReviews", "open_reviews", "record_of"]
