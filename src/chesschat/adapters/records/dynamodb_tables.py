"""A thin typed layer over one DynamoDB client, for the social store: reads by key and by
partition, conditional writes and transactions that report a lost condition as a value,
and batched deletes."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from chesschat.adapters.records.dynamodb import DynamoRecords, call, item_of, record_of, transact
from chesschat.services.records import StoreUnavailable

BATCH_ITEMS = 25
BATCH_ATTEMPTS = 8
FAILED = "ConditionalCheckFailed"
# Placeholders for the attribute names DynamoDB reserves (``status``, ``read``).
FILTER_NAMES = {"#s": "status", "#r": "read"}


def attribute_values(**named: Any) -> dict[str, Any]:
    """``ExpressionAttributeValues``: ``:name`` for each keyword."""
    return {f":{k}": v for k, v in item_of(named).items()}


def failed(reasons: list[str], position: int) -> bool:
    """Whether the item at ``position`` of a cancelled transaction failed its condition."""
    return position < len(reasons) and reasons[position] == FAILED


class Tables:
    def __init__(self, records: DynamoRecords) -> None:
        self.client = records.client
        self.name = records.name

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        return call(self.client, operation, **kwargs)

    def get(self, table: str, **key: str) -> dict[str, Any] | None:
        response = self.call("get_item", TableName=self.name(table), Key=item_of(key), ConsistentRead=True)
        return record_of(response["Item"]) if "Item" in response else None

    def query(
        self,
        table: str,
        key: str,
        value: str,
        *,
        index: str | None = None,
        since: str | None = None,
        where: str | None = None,
        values: Mapping[str, Any] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item of one partition (of the table or of ``index``), page by page;
        ``since`` bounds the index's ``created_at``, ``where`` filters."""
        query: dict[str, Any] = {
            "TableName": self.name(table),
            "KeyConditionExpression": "#k = :k",
            "ExpressionAttributeNames": {"#k": key},
            "ExpressionAttributeValues": attribute_values(k=value, **(values or {})),
            "ScanIndexForward": not newest_first,
        }
        if index is None:
            query["ConsistentRead"] = True
        else:
            query["IndexName"] = index
        if since is not None:
            query["KeyConditionExpression"] += " AND created_at > :since"
            query["ExpressionAttributeValues"].update(attribute_values(since=since))
        if where is not None:
            query["FilterExpression"] = where
            # DynamoDB refuses a name the expressions do not use.
            query["ExpressionAttributeNames"].update({n: a for n, a in FILTER_NAMES.items() if n in where})
        if limit is not None:
            query["Limit"] = limit
        while True:
            response = self.call("query", **query)
            for item in response["Items"]:
                yield record_of(item)
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def transact(self, items: list[dict[str, Any]]) -> list[str] | None:
        """``None`` when the transaction committed; the per-item reasons when it was
        cancelled (``"None"`` for the items that were fine)."""
        return transact(self.client, items)

    def conditional(self, operation: str, **kwargs: Any) -> bool:
        """A write that returns ``False`` when its condition did not hold."""
        try:
            self.call(operation, **kwargs)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def delete_all(self, table: str, keys: Iterable[Mapping[str, str]]) -> None:
        """``BatchWriteItem`` deletes, 25 at a time, until none is left unprocessed."""
        unique = list({tuple(sorted(key.items())): key for key in keys}.values())
        for start in range(0, len(unique), BATCH_ITEMS):
            chunk = unique[start : start + BATCH_ITEMS]
            pending = {self.name(table): [{"DeleteRequest": {"Key": item_of(key)}} for key in chunk]}
            for attempt in range(BATCH_ATTEMPTS):
                pending = self.call("batch_write_item", RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise StoreUnavailable("dynamodb: deletes left unprocessed")

    def _action(self, kind: str, table: str, condition: str | None, **fields: Any) -> dict[str, Any]:
        action: dict[str, Any] = {"TableName": self.name(table), **fields}
        if condition:
            action["ConditionExpression"] = condition
        return {kind: action}

    def transact_put(self, table: str, item: Mapping[str, Any], condition: str | None = None) -> dict[str, Any]:
        """A ``Put`` of a transaction, conditional when ``condition`` is given."""
        return self._action("Put", table, condition, Item=item_of(item))

    def transact_delete(
        self, table: str, key: Mapping[str, str], condition: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        return self._action("Delete", table, condition, Key=item_of(key), **fields)

    def transact_update(
        self, table: str, key: Mapping[str, str], update: str, condition: str, **fields: Any
    ) -> dict[str, Any]:
        return self._action("Update", table, condition, Key=item_of(key), UpdateExpression=update, **fields)

    def transact_check(self, table: str, key: Mapping[str, str], condition: str) -> dict[str, Any]:
        """A ``ConditionCheck``: the transaction commits only if ``condition`` holds."""
        return self._action("ConditionCheck", table, condition, Key=item_of(key))
