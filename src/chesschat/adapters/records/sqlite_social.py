"""The social store in the record store's SQLite file, sharing its connections.

The tables (migration 3 in :mod:`.sqlite`) have the DynamoDB items' attributes as columns,
so :mod:`.social_mapping` reads a row as it reads an item. Every write that depends on what
it read is one ``BEGIN IMMEDIATE`` transaction, which takes the file's write lock before its
first read: two users requesting each other, two accepts of one challenge and two callers
creating one pair room are served one after the other, and the second sees the first's
write. A partial unique index keeps one pending request per pair as well.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from chesschat.adapters.records.social_mapping import (
    challenge_from_item,
    challenge_to_item,
    friendship_from_item,
    friendship_to_item,
    notification_from_item,
    notification_to_item,
    request_from_item,
    request_to_item,
)
from chesschat.adapters.records.sqlite import SQLiteRecords
from chesschat.domain import social
from chesschat.domain.room import new_code
from chesschat.domain.social import (
    Challenge,
    ChallengeStatus,
    FriendRequest,
    Friendship,
    Notification,
    RequestStatus,
    UserRef,
)
from chesschat.services.records import utc_text

REQUEST_COLUMNS = (
    "recipient_user_id",
    "request_id",
    "sender_user_id",
    "sender_username",
    "recipient_username",
    "status",
    "created_at",
    "updated_at",
)
FRIENDSHIP_COLUMNS = ("user_id", "friend_user_id", "friend_username", "created_at")
CHALLENGE_COLUMNS = (
    "challenge_id",
    "challenger_user_id",
    "challenger_username",
    "challenged_user_id",
    "challenged_username",
    "room_code",
    "status",
    "settings",
    "created_at",
    "updated_at",
    "expires_at",
)
NOTIFICATION_COLUMNS = (
    "user_id",
    "notification_id",
    "type",
    "title",
    "message",
    "entity_id",
    "read",
    "created_at",
    "updated_at",
)
PENDING = RequestStatus.PENDING.value
NEWEST_REQUESTS = "ORDER BY created_at DESC, request_id DESC"


def _select(columns: Sequence[str], table: str, where: str) -> str:
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"


def _items(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _insert(db: sqlite3.Connection, table: str, row: Mapping[str, Any], verb: str = "INSERT") -> None:
    names = ", ".join(row)
    db.execute(f"{verb} INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


class SQLiteSocial:
    def __init__(self, records: SQLiteRecords) -> None:
        self.records = records

    def _query(self, columns: Sequence[str], table: str, where: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        return _items(columns, self.records.read(_select(columns, table, where), args))

    @staticmethod
    def _in(
        db: sqlite3.Connection, columns: Sequence[str], table: str, where: str, args: Sequence[Any]
    ) -> list[dict[str, Any]]:
        """The rows of a query inside a write transaction."""
        return _items(columns, db.execute(_select(columns, table, where), args).fetchall())

    # Friend requests and friendships

    def send_friend_request(self, sender: UserRef, recipient: UserRef, now_ms: int) -> FriendRequest:
        fresh = social.open_friend_request(social.new_id("fr"), sender, recipient, now_ms)
        pair = social.pair_id(sender.user_id, recipient.user_id)
        with self.records.write() as db:
            if self._friend_row(db, sender.user_id, recipient.user_id):
                raise social.AlreadyFriends("You are already friends.")
            # The status as a literal, so that SQLite reads the partial index.
            where = f"pair_id = ? AND status = '{PENDING}'"
            held = self._in(db, REQUEST_COLUMNS, "friend_requests", where, (pair,))
            if held:
                request = request_from_item(held[0])
                if request.sender.user_id == sender.user_id:
                    raise social.DuplicateFriendRequest("You already sent a friend request to this player.")
                accepted = social.answer_friend_request(request, sender.user_id, True, now_ms)
                self._close(db, accepted)
                return accepted
            _insert(db, "friend_requests", {**request_to_item(fresh), "pair_id": pair})
        return fresh

    @staticmethod
    def _friend_row(db: sqlite3.Connection, user_id: str, friend_id: str) -> bool:
        sql = "SELECT 1 FROM friendships WHERE user_id = ? AND friend_user_id = ?"
        return db.execute(sql, (user_id, friend_id)).fetchone() is not None

    @staticmethod
    def _close(db: sqlite3.Connection, answered: FriendRequest) -> None:
        """Write an answer read in this transaction, and both friendship directions when it
        is an acceptance."""
        db.execute(
            "UPDATE friend_requests SET status = ?, updated_at = ? WHERE recipient_user_id = ? AND request_id = ?",
            (
                answered.status.value,
                request_to_item(answered)["updated_at"],
                answered.recipient.user_id,
                answered.request_id,
            ),
        )
        if answered.status is RequestStatus.ACCEPTED:
            for friendship in social.friendships_of(answered):
                _insert(db, "friendships", friendship_to_item(friendship), "INSERT OR REPLACE")

    def answer_friend_request(self, recipient_id: str, request_id: str, accept: bool, now_ms: int) -> FriendRequest:
        where = "recipient_user_id = ? AND request_id = ?"
        with self.records.write() as db:
            rows = self._in(db, REQUEST_COLUMNS, "friend_requests", where, (recipient_id, request_id))
            held = request_from_item(rows[0]) if rows else None
            answered = social.answer_friend_request(held, recipient_id, accept, now_ms)
            self._close(db, answered)
        return answered

    def cancel_friend_request(self, sender_id: str, request_id: str, now_ms: int) -> FriendRequest:
        with self.records.write() as db:
            where = "sender_user_id = ? AND request_id = ?"
            rows = self._in(db, REQUEST_COLUMNS, "friend_requests", where, (sender_id, request_id))
            held = request_from_item(rows[0]) if rows else None
            cancelled = social.cancel_friend_request(held, sender_id, now_ms)
            self._close(db, cancelled)
        return cancelled

    def _pending_requests(self, column: str, user_id: str) -> list[FriendRequest]:
        where = f"{column} = ? AND status = ? {NEWEST_REQUESTS}"
        rows = self._query(REQUEST_COLUMNS, "friend_requests", where, (user_id, PENDING))
        return [request_from_item(row) for row in rows]

    def incoming_requests(self, user_id: str) -> list[FriendRequest]:
        return self._pending_requests("recipient_user_id", user_id)

    def outgoing_requests(self, user_id: str) -> list[FriendRequest]:
        return self._pending_requests("sender_user_id", user_id)

    def friends(self, user_id: str) -> list[Friendship]:
        rows = self._query(FRIENDSHIP_COLUMNS, "friendships", "user_id = ? ORDER BY friend_user_id", (user_id,))
        return [friendship_from_item(row) for row in rows]

    def friendship(self, user_id: str, friend_id: str) -> Friendship | None:
        where = "user_id = ? AND friend_user_id = ?"
        rows = self._query(FRIENDSHIP_COLUMNS, "friendships", where, (user_id, friend_id))
        return friendship_from_item(rows[0]) if rows else None

    def remove_friend(self, user_id: str, friend_id: str) -> None:
        delete = "DELETE FROM friendships WHERE user_id = ? AND friend_user_id = ?"
        with self.records.write() as db:
            if not db.execute(delete, (user_id, friend_id)).rowcount:
                raise social.NotFriends("Not your friend.")
            db.execute(delete, (friend_id, user_id))

    # Challenges

    @staticmethod
    def _row(challenge: Challenge) -> dict[str, Any]:
        item = challenge_to_item(challenge)
        return {"room_code": None, **item, "settings": orjson.dumps(item["settings"]).decode()}

    @staticmethod
    def _challenge_of(row: Mapping[str, Any]) -> Challenge:
        return challenge_from_item({**row, "settings": orjson.loads(row["settings"])})

    def _challenge(self, db: sqlite3.Connection, challenge_id: str) -> Challenge | None:
        rows = self._in(db, CHALLENGE_COLUMNS, "challenges", "challenge_id = ?", (challenge_id,))
        return self._challenge_of(rows[0]) if rows else None

    def create_challenge(self, challenge: Challenge) -> Challenge:
        with self.records.write() as db:
            if not self._friend_row(db, challenge.challenger.user_id, challenge.challenged.user_id):
                raise social.NotFriends("You can only challenge your friends.")
            _insert(db, "challenges", self._row(challenge))
        return challenge

    def challenge(self, user_id: str, challenge_id: str) -> Challenge:
        rows = self._query(CHALLENGE_COLUMNS, "challenges", "challenge_id = ?", (challenge_id,))
        return social.visible(self._challenge_of(rows[0]) if rows else None, user_id)

    def _pending_challenges(self, column: str, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        since = utc_text(now_ms - social.MAX_CHALLENGE_LIFETIME_MS)
        where = f"{column} = ? AND status = ? AND created_at > ?"
        rows = self._query(CHALLENGE_COLUMNS, "challenges", where, (user_id, ChallengeStatus.PENDING.value, since))
        return social.waiting((self._challenge_of(row) for row in rows), now_ms, limit)

    def challenges_sent(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        return self._pending_challenges("challenger_user_id", user_id, now_ms, limit)

    def challenges_received(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        return self._pending_challenges("challenged_user_id", user_id, now_ms, limit)

    def _answer(self, db: sqlite3.Connection, answered: Challenge) -> None:
        row = self._row(answered)
        db.execute(
            "UPDATE challenges SET status = ?, updated_at = ?, room_code = ? WHERE challenge_id = ?",
            (row["status"], row["updated_at"], row["room_code"], row["challenge_id"]),
        )

    def accept_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        with self.records.write() as db:
            current = social.visible(self._challenge(db, challenge_id), user_id)
            if current.status is ChallengeStatus.ACCEPTED:
                return social.accept_challenge(current, user_id, current.room_code or "", now_ms)
            room = self._pair_room(db, current.challenger.user_id, current.challenged.user_id)
            accepted = social.accept_challenge(current, user_id, room, now_ms)
            self._answer(db, accepted)
        return accepted

    def decline_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        with self.records.write() as db:
            declined = social.decline_challenge(self._challenge(db, challenge_id), user_id, now_ms)
            self._answer(db, declined)
        return declined

    def cancel_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        with self.records.write() as db:
            cancelled = social.cancel_challenge(self._challenge(db, challenge_id), user_id, now_ms)
            self._answer(db, cancelled)
        return cancelled

    def expire_challenge(self, challenge_id: str, now_ms: int) -> Challenge | None:
        with self.records.write() as db:
            expired = social.expire_challenge(self._challenge(db, challenge_id), now_ms)
            if expired is not None:
                self._answer(db, expired)
        return expired

    # Pair rooms

    @staticmethod
    def _pair_room(db: sqlite3.Connection, a: str, b: str) -> str:
        pair = social.pair_id(a, b)
        row = db.execute("SELECT room_code FROM pair_rooms WHERE pair_id = ?", (pair,)).fetchone()
        if row is not None:
            return str(row[0])
        code = new_code()
        created = utc_text(int(time.time() * 1000))
        _insert(db, "pair_rooms", {"pair_id": pair, "room_code": code, "created_at": created})
        return code

    def pair_room(self, a: str, b: str) -> str:
        social.pair_id(a, b)  # refuses a pair of one before taking the lock
        with self.records.write() as db:
            return self._pair_room(db, a, b)

    # Notifications

    def add_notification(self, notification: Notification) -> None:
        with self.records.write() as db:
            _insert(db, "notifications", notification_to_item(notification))

    def notifications(self, user_id: str, limit: int) -> list[Notification]:
        where = "user_id = ? ORDER BY notification_id DESC LIMIT ?"
        rows = self._query(NOTIFICATION_COLUMNS, "notifications", where, (user_id, max(limit, 0)))
        return [notification_from_item(row) for row in rows]

    def mark_read(self, user_id: str, notification_id: str) -> None:
        update = "UPDATE notifications SET read = 1, updated_at = ? WHERE user_id = ? AND notification_id = ?"
        with self.records.write() as db:
            if not db.execute(update, (utc_text(int(time.time() * 1000)), user_id, notification_id)).rowcount:
                raise social.NotificationNotFound("Notification not found.")

    def mark_all_read(self, user_id: str) -> int:
        update = "UPDATE notifications SET read = 1, updated_at = ? WHERE user_id = ? AND read = 0"
        with self.records.write() as db:
            return int(db.execute(update, (utc_text(int(time.time() * 1000)), user_id)).rowcount)

    def prune_notifications(self, user_id: str, keep: int) -> int:
        with self.records.write() as db:
            rows = self._in(db, NOTIFICATION_COLUMNS, "notifications", "user_id = ?", (user_id,))
            doomed = social.notifications_to_prune((notification_from_item(row) for row in rows), keep)
            db.executemany(
                "DELETE FROM notifications WHERE user_id = ? AND notification_id = ?",
                [(user_id, notification_id) for notification_id in doomed],
            )
        return len(doomed)

    # Accounts

    def delete_user_social(self, user_id: str) -> None:
        counterparts = (
            "SELECT friend_user_id FROM friendships WHERE user_id = :u"
            " UNION SELECT sender_user_id FROM friend_requests WHERE recipient_user_id = :u"
            " UNION SELECT recipient_user_id FROM friend_requests WHERE sender_user_id = :u"
            " UNION SELECT challenged_user_id FROM challenges WHERE challenger_user_id = :u"
            " UNION SELECT challenger_user_id FROM challenges WHERE challenged_user_id = :u"
        )
        with self.records.write() as db:
            others = {row[0] for row in db.execute(counterparts, {"u": user_id})} - {user_id}
            db.executemany(
                "DELETE FROM pair_rooms WHERE pair_id = ?", [(social.pair_id(user_id, other),) for other in others]
            )
            for table, where in (
                ("notifications", "user_id = :u"),
                ("challenges", "challenger_user_id = :u OR challenged_user_id = :u"),
                ("friend_requests", "recipient_user_id = :u OR sender_user_id = :u"),
                ("friendships", "user_id = :u OR friend_user_id = :u"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {where}", {"u": user_id})
