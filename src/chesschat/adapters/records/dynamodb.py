"""The record store on DynamoDB: the multi-table design, one table per domain.

Tables are named ``<prefix><table>`` (``chesschat-<env>-users`` …). On AWS Terraform owns
them; :meth:`DynamoRecords.create_tables` makes the same tables for local and emulated use.
``sessions`` exists only for local identity (on AWS identity is Cognito's).

boto3 is synchronous and its clients are thread-safe: one client per store, called from
worker threads by the use cases. Numbers come back as ``Decimal`` and are turned back into
``int`` or ``float`` before :mod:`.mapping` reads a game, as it reads one from SQLite.
"""

from __future__ import annotations

import heapq
import itertools
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chesschat.adapters.records.mapping import DRAW, game_from_item, game_to_item, ms_of_text
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
    cursor_of,
)

WHITE_INDEX = "white-player-index"
BLACK_INDEX = "black-player-index"
SENDER_INDEX = "sender-index"
CHALLENGER_INDEX = "challenger-index"
CHALLENGED_INDEX = "challenged-index"
SOCIAL_TABLES = ("friendships", "friend_requests", "challenges", "notifications", "pair_rooms")
# Error codes that say "not now": the caller waits and tries again.
TRANSIENT = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
    "ResourceNotFoundException",
}
COUNTERS = ("total_games", "wins", "losses", "draws")


def _index(name: str, hash_key: str, range_key: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": range_key, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


def _table(
    hash_key: str, range_key: str | None = None, indexes: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A table's key schema, attribute types and GSIs (names as in the Terraform module)."""
    indexes = indexes or {}
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    names = {hash_key}
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        names.add(range_key)
    spec: dict[str, Any] = {"KeySchema": keys}
    if indexes:
        spec["GlobalSecondaryIndexes"] = [_index(n, *ks) for n, ks in indexes.items()]
        names.update(k for ks in indexes.values() for k in ks)
    spec["AttributeDefinitions"] = [{"AttributeName": n, "AttributeType": "S"} for n in sorted(names)]
    return spec


TABLES: dict[str, dict[str, Any]] = {
    "users": _table("user_id"),
    "usernames": _table("username"),
    "sessions": _table("token_hash"),
    "games": _table(
        "game_id",
        indexes={WHITE_INDEX: ("white_player_id", "ended_at"), BLACK_INDEX: ("black_player_id", "ended_at")},
    ),
    "friendships": _table("user_id", "friend_user_id"),
    "friend_requests": _table("recipient_user_id", "request_id", {SENDER_INDEX: ("sender_user_id", "created_at")}),
    "challenges": _table(
        "challenge_id",
        indexes={
            CHALLENGER_INDEX: ("challenger_user_id", "created_at"),
            CHALLENGED_INDEX: ("challenged_user_id", "created_at"),
        },
    ),
    "notifications": _table("user_id", "notification_id"),
    "pair_rooms": _table("pair_id"),
    "game_analyses": _table("game_id"),
}

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def item_of(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in record.items()}


def record_of(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def cancel_reasons(exc: ClientError) -> list[str]:
    """The per-item codes of a cancelled transaction (``"None"`` where an item was fine)."""
    reasons = exc.response.get("CancellationReasons")
    if reasons:
        return [str(r.get("Code", "None")) for r in reasons]
    message = str(exc.response.get("Error", {}).get("Message", ""))
    listed = message.rpartition("[")[2].rstrip("]")
    return [part.strip() for part in listed.split(",")]


def call(client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    """One API call, with the transient failures turned into :class:`StoreUnavailable`."""
    try:
        response: dict[str, Any] = getattr(client, operation)(**kwargs)
    except BotoCoreError as exc:
        raise StoreUnavailable(f"dynamodb: {exc}") from exc
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in TRANSIENT:
            raise StoreUnavailable(f"dynamodb {code}: {exc}") from exc
        raise
    return response


def transact(client: Any, items: list[dict[str, Any]]) -> list[str] | None:
    """``None`` when the transaction committed; the per-item reasons when it was cancelled
    (``"None"`` for the items that were fine)."""
    try:
        call(client, "transact_write_items", TransactItems=items)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        return cancel_reasons(exc)
    return None


class DynamoRecords:
    def __init__(self, prefix: str, region: str, endpoint_url: str | None = None) -> None:
        self.prefix = prefix
        # Few SDK retries: the finalization worker has its own backoff, and a request
        # handler should answer soon rather than hang on a store that is down.
        config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=1, read_timeout=10)
        self.client = boto3.session.Session().client(
            "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
        )

    def name(self, table: str) -> str:
        return f"{self.prefix}{table}"

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        return call(self.client, operation, **kwargs)

    def create_tables(self) -> list[str]:
        """Create every missing table (on-demand billing); returns the names created."""
        existing: set[str] = set()
        for page in self.client.get_paginator("list_tables").paginate():
            existing.update(page["TableNames"])
        created = []
        for table, spec in TABLES.items():
            name = self.name(table)
            if name in existing:
                continue
            self._call("create_table", TableName=name, BillingMode="PAY_PER_REQUEST", **spec)
            self.client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
            created.append(name)
        if self.name("sessions") in created:
            self._call(
                "update_time_to_live",
                TableName=self.name("sessions"),
                TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
            )
        return created

    def close(self) -> None:
        self.client.close()

    def ping(self) -> bool:
        self._call("describe_table", TableName=self.name("games"))
        return True

    # Accounts and sessions

    def create_user(self, username: str, email: str, password_hash: str, user_id: str | None = None) -> Account:
        user_id = user_id or str(uuid.uuid4())
        user = {
            "user_id": user_id,
            "username": username,
            "email": email,
            "password_hash": password_hash,
            "created_at": _now_iso(),
            **dict.fromkeys(COUNTERS, 0),
        }
        try:
            self._call(
                "transact_write_items",
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.name("usernames"),
                            "Item": item_of({"username": username.lower(), "user_id": user_id}),
                            "ConditionExpression": "attribute_not_exists(username)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.name("users"),
                            "Item": item_of(user),
                            "ConditionExpression": "attribute_not_exists(user_id)",
                        }
                    },
                ],
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise UsernameTaken(username) from None
            raise
        return self._account(user)

    @staticmethod
    def _account(user: Mapping[str, Any]) -> Account:
        return Account(
            user_id=user["user_id"],
            username=user["username"],
            email=user.get("email", ""),
            password_hash=user.get("password_hash", ""),
            total_games=int(user.get("total_games", 0)),
            wins=int(user.get("wins", 0)),
            losses=int(user.get("losses", 0)),
            draws=int(user.get("draws", 0)),
            created_at=user.get("created_at", ""),
            last_login_at=user.get("last_login_at"),
        )

    def _get(self, table: str, key: str, value: str) -> dict[str, Any] | None:
        response = self._call("get_item", TableName=self.name(table), Key={key: {"S": value}}, ConsistentRead=True)
        return record_of(response["Item"]) if "Item" in response else None

    def _kept_user(self, user_id: str) -> dict[str, Any] | None:
        """The account's item, unless there is none or only a deleted account's mark."""
        user = self._get("users", "user_id", user_id)
        return None if user is None or "deleted_at" in user else user

    def user(self, user_id: str) -> Account | None:
        user = self._kept_user(user_id)
        return None if user is None else self._account(user)

    def user_by_username(self, username: str) -> Account | None:
        entry = self._get("usernames", "username", username.lower())
        return None if entry is None else self.user(entry["user_id"])

    def usernames(self, user_ids: Collection[str]) -> dict[str, str]:
        users = self._batch_get("users", "user_id", user_ids, "user_id, username, deleted_at")
        return {user["user_id"]: user["username"] for user in users if "deleted_at" not in user}

    def _batch_get(
        self, table: str, key: str, values: Collection[str], projection: str | None = None
    ) -> list[dict[str, Any]]:
        """The items of ``table`` under each of ``values`` that has one, in no order."""
        ids = list(dict.fromkeys(values))
        found: list[dict[str, Any]] = []
        name = self.name(table)
        for start in range(0, len(ids), 100):  # BatchGetItem's bound
            keys: dict[str, Any] = {"Keys": [{key: {"S": i}} for i in ids[start : start + 100]]}
            if projection:
                keys["ProjectionExpression"] = projection
            request: dict[str, Any] = {name: keys}
            for _ in range(8):
                response = self._call("batch_get_item", RequestItems=request)
                found += [record_of(item) for item in response["Responses"].get(name, [])]
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05)
            else:
                raise StoreUnavailable("dynamodb left keys unprocessed")
        return found

    def rename_user(self, user_id: str, username: str) -> Account:
        user = self._kept_user(user_id)
        if user is None:
            raise UnknownPlayer(user_id)
        old = str(user["username"]).lower()
        rename = {
            "Update": {
                "TableName": self.name("users"),
                "Key": {"user_id": {"S": user_id}},
                "UpdateExpression": "SET username = :new",
                # Renamed meanwhile: the name freed below would no longer be this account's.
                "ConditionExpression": "username = :old",
                "ExpressionAttributeValues": {":new": {"S": username}, ":old": {"S": user["username"]}},
            }
        }
        items: list[dict[str, Any]] = [rename]
        if old != username.lower():
            items += [
                {
                    "Put": {
                        "TableName": self.name("usernames"),
                        "Item": item_of({"username": username.lower(), "user_id": user_id}),
                        "ConditionExpression": "attribute_not_exists(username)",
                    }
                },
                {
                    "Delete": {
                        "TableName": self.name("usernames"),
                        "Key": {"username": {"S": old}},
                        "ConditionExpression": "user_id = :me",
                        "ExpressionAttributeValues": {":me": {"S": user_id}},
                    }
                },
            ]
        reasons = transact(self.client, items)
        if reasons is not None:
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise UsernameTaken(username)
            raise StoreUnavailable(f"dynamodb transaction cancelled: {reasons}")
        return self._account({**user, "username": username})

    def delete_user(self, user_id: str) -> None:
        # The account's sessions are not indexed by user: each one left finds no account
        # from now on (authentication reads the user), and the table's TTL sweeps it. What
        # stays of the account is its id and counters, marked deleted, so that a game it
        # played that is still being finalized lands instead of waiting for an account.
        user = self._kept_user(user_id)
        if user is None:
            return
        self._call(
            "transact_write_items",
            TransactItems=[
                {
                    "Delete": {
                        "TableName": self.name("usernames"),
                        "Key": {"username": {"S": str(user["username"]).lower()}},
                        "ConditionExpression": "attribute_not_exists(username) OR user_id = :me",
                        "ExpressionAttributeValues": {":me": {"S": user_id}},
                    }
                },
                {
                    "Update": {
                        "TableName": self.name("users"),
                        "Key": {"user_id": {"S": user_id}},
                        "UpdateExpression": (
                            "REMOVE username, email, password_hash, last_login_at SET deleted_at = :now"
                        ),
                        "ExpressionAttributeValues": {":now": {"S": _now_iso()}},
                    }
                },
            ],
        )

    def _set(self, user_id: str, field: str, value: str) -> None:
        self._call(
            "update_item",
            TableName=self.name("users"),
            Key={"user_id": {"S": user_id}},
            UpdateExpression="SET #f = :v",
            ConditionExpression="attribute_exists(user_id)",
            ExpressionAttributeNames={"#f": field},
            ExpressionAttributeValues={":v": {"S": value}},
        )

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._set(user_id, "password_hash", password_hash)

    def touch_login(self, user_id: str) -> None:
        self._set(user_id, "last_login_at", _now_iso())

    def add_session(self, token_hash: str, user_id: str, expires_at: float) -> None:
        session = {
            "token_hash": token_hash,
            "user_id": user_id,
            "created_at": time.time(),
            "expires_at": int(expires_at),
        }
        self._call("put_item", TableName=self.name("sessions"), Item=item_of(session))

    def session_user(self, token_hash: str, now: float) -> str | None:
        # The TTL sweep is lazy (up to days), so expiry is checked here too.
        session = self._get("sessions", "token_hash", token_hash)
        if session is None or session["expires_at"] <= now:
            return None
        return str(session["user_id"])

    def drop_session(self, token_hash: str) -> None:
        self._call("delete_item", TableName=self.name("sessions"), Key={"token_hash": {"S": token_hash}})

    # Games

    def record_game(self, game: FinishedGame, changes: Sequence[StatChange]) -> bool:
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.name("games"),
                    "Item": item_of(game_to_item(game)),
                    "ConditionExpression": "attribute_not_exists(game_id)",
                }
            }
        ]
        for change in changes:
            items.append(
                {
                    "Update": {
                        "TableName": self.name("users"),
                        "Key": {"user_id": {"S": change.user_id}},
                        "UpdateExpression": "ADD wins :w, losses :l, draws :d, total_games :t",
                        "ConditionExpression": "attribute_exists(user_id)",
                        "ExpressionAttributeValues": {
                            ":w": {"N": str(change.wins)},
                            ":l": {"N": str(change.losses)},
                            ":d": {"N": str(change.draws)},
                            ":t": {"N": str(change.total_games)},
                        },
                    }
                }
            )
        reasons = transact(self.client, items)
        if reasons is None:
            return True
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return False
        if "ConditionalCheckFailed" in reasons[1:]:
            missing = [c.user_id for c, r in zip(changes, reasons[1:], strict=False) if r != "None"]
            raise UnknownPlayer(", ".join(missing))
        raise StoreUnavailable(f"dynamodb transaction cancelled: {reasons}")

    def game(self, game_id: str) -> FinishedGame | None:
        item = self._get("games", "game_id", game_id)
        return None if item is None else game_from_item(item)

    def _player_games(
        self, index: str, column: str, user_id: str, before: Cursor | None, page: int
    ) -> Iterator[FinishedGame]:
        """The user's games on one index, newest first by ``(ended_at, game_id)``.

        The index orders by ``ended_at`` only, so games that ended in the same instant are
        gathered and ordered by id before they are yielded.
        """
        query: dict[str, Any] = {
            "TableName": self.name("games"),
            "IndexName": index,
            "KeyConditionExpression": "#p = :u",
            "ExpressionAttributeNames": {"#p": column},
            "ExpressionAttributeValues": {":u": {"S": user_id}},
            "ScanIndexForward": False,
            # One more than a page: the last item read is held back until the next differs.
            "Limit": page + 1,
        }
        if before is not None:
            query["KeyConditionExpression"] += " AND ended_at <= :e"
            query["ExpressionAttributeValues"][":e"] = {"S": before.ended_at}
        tied: list[FinishedGame] = []
        while True:
            response = self._call("query", **query)
            for item in response["Items"]:
                game = game_from_item(record_of(item))
                if before is not None and cursor_of(game) >= before:
                    continue
                if tied and tied[0].ended_at_ms != game.ended_at_ms:
                    yield from sorted(tied, key=cursor_of, reverse=True)
                    tied = []
                tied.append(game)
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        yield from sorted(tied, key=cursor_of, reverse=True)

    def history(self, user_id: str, limit: int, before: Cursor | None) -> list[FinishedGame]:
        white = self._player_games(WHITE_INDEX, "white_player_id", user_id, before, limit)
        black = self._player_games(BLACK_INDEX, "black_player_id", user_id, before, limit)
        merged = heapq.merge(white, black, key=cursor_of, reverse=True)
        return list(itertools.islice(merged, limit))

    def _results_against(
        self, index: str, column: str, other_column: str, user_id: str, other_id: str
    ) -> Iterator[dict[str, Any]]:
        """Every game ``user_id`` played on one index against ``other_id``: only what a
        tally and an order need, read page by page."""
        query: dict[str, Any] = {
            "TableName": self.name("games"),
            "IndexName": index,
            "KeyConditionExpression": "#p = :p",
            "FilterExpression": "#o = :o",
            "ProjectionExpression": "game_id, ended_at, winner, #r",
            "ExpressionAttributeNames": {"#p": column, "#o": other_column, "#r": "result"},
            "ExpressionAttributeValues": {":p": {"S": user_id}, ":o": {"S": other_id}},
        }
        while True:
            response = self._call("query", **query)
            for item in response["Items"]:
                yield record_of(item)
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def head_to_head(self, user_id: str, opponent_id: str, limit: int) -> HeadToHead:
        users = self._batch_get("users", "user_id", [user_id, opponent_id], "user_id, total_games")
        counts = {user["user_id"]: int(user.get("total_games", 0)) for user in users}
        pivot = min((user_id, opponent_id), key=lambda i: (counts.get(i, 0), i))
        partner = opponent_id if pivot == user_id else user_id
        results = [
            *self._results_against(WHITE_INDEX, "white_player_id", "black_player_id", pivot, partner),
            *self._results_against(BLACK_INDEX, "black_player_id", "white_player_id", pivot, partner),
        ]
        counted = [r["winner"] for r in results if r["result"] != Reason.ABORTED.value]
        newest = sorted(results, key=lambda r: (ms_of_text(r["ended_at"]), r["game_id"]), reverse=True)[:limit]
        wanted = [r["game_id"] for r in newest]
        games = {g["game_id"]: game_from_item(g) for g in self._batch_get("games", "game_id", wanted)}
        return HeadToHead(
            wins=counted.count(user_id),
            draws=counted.count(DRAW),
            losses=counted.count(opponent_id),
            games=tuple(games[i] for i in wanted if i in games),
        )
