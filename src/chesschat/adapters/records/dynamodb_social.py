"""The social store on DynamoDB: the five social tables, sharing the record store's client.

Keys and indexes are the Terraform module's (``tests/infra`` keeps them equal):
``friendships`` (``user_id``, ``friend_user_id``), ``friend_requests``
(``recipient_user_id``, ``request_id``; ``sender-index``), ``challenges``
(``challenge_id``; ``challenger-index``, ``challenged-index``), ``notifications``
(``user_id``, ``notification_id``), ``pair_rooms`` (``pair_id``). Items are those of
:mod:`.social_mapping`.

"At most one pending request per pair, either way round" needs one item both senders
write to: a guard in ``friend_requests`` under the partition ``pair#<pair_id>``, which no
user id can be and which has no sender, so neither a user's query nor ``sender-index``
ever sees it. A request is created in one transaction with its guard (which must not
exist) and answered in one transaction that releases it; the second of two users asking
each other at once finds the first's guard and accepts that request instead. Conditional
writes decide every race; a transaction that loses one reads again and retries.

Reads through an index are eventually consistent on DynamoDB (a request sent a moment ago
may not be listed yet); every read by key is consistent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from chesschat.adapters.records.dynamodb import (
    CHALLENGED_INDEX,
    CHALLENGER_INDEX,
    SENDER_INDEX,
    DynamoRecords,
    item_of,
)
from chesschat.adapters.records.dynamodb_tables import Tables, attribute_values, failed
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
from chesschat.services.records import StoreUnavailable, utc_text

GUARD_PARTITION = "pair#"
GUARD_SORT = "pending"
# Rounds of read-and-retry after a lost race before the caller is told to try later; a
# round is lost only to a concurrent write on the same pair or challenge.
ATTEMPTS = 8
TRANSACTION_ITEMS = 100


class DynamoSocial:
    def __init__(self, records: DynamoRecords) -> None:
        self.tables = Tables(records)
        self.name = records.name

    # Keys

    @staticmethod
    def _guard_key(pair: str) -> dict[str, str]:
        return {"recipient_user_id": f"{GUARD_PARTITION}{pair}", "request_id": GUARD_SORT}

    def _friendship_put(self, friendship: Friendship) -> dict[str, Any]:
        return self.tables.transact_put("friendships", friendship_to_item(friendship))

    def _friendship_delete(self, user_id: str, friend_id: str, condition: str | None = None) -> dict[str, Any]:
        return self.tables.transact_delete("friendships", {"user_id": user_id, "friend_user_id": friend_id}, condition)

    # Friend requests and friendships

    def _request(self, recipient_id: str, request_id: str) -> FriendRequest | None:
        item = self.tables.get("friend_requests", recipient_user_id=recipient_id, request_id=request_id)
        return None if item is None else request_from_item(item)

    def send_friend_request(self, sender: UserRef, recipient: UserRef, now_ms: int) -> FriendRequest:
        fresh = social.open_friend_request(social.new_id("fr"), sender, recipient, now_ms)
        pair = social.pair_id(sender.user_id, recipient.user_id)
        guard_key = self._guard_key(pair)
        for _ in range(ATTEMPTS):
            if self.friendship(sender.user_id, recipient.user_id) is not None:
                raise social.AlreadyFriends("You are already friends.")
            guard = self.tables.get("friend_requests", **guard_key)
            if guard is None:
                reasons = self._open(fresh, guard_key)
                if reasons is None:
                    return fresh
                if failed(reasons, 2):
                    raise social.AlreadyFriends("You are already friends.")
                continue
            held = self._request(guard["pending_recipient_user_id"], guard["pending_request_id"])
            if held is None or held.status is not RequestStatus.PENDING:
                # A guard whose request was answered by a writer that does not keep guards.
                self._release(guard_key, guard["pending_request_id"])
                continue
            if held.sender.user_id == sender.user_id:
                raise social.DuplicateFriendRequest("You already sent a friend request to this player.")
            accepted = social.answer_friend_request(held, sender.user_id, True, now_ms)
            if self._close(accepted):
                return accepted
        raise StoreUnavailable("friend request: lost too many races; try again")

    def _open(self, fresh: FriendRequest, guard_key: Mapping[str, str]) -> list[str] | None:
        """Write a new request with its pair's guard, if the guard is free and the two are
        not friends; the cancellation reasons otherwise (guard, request, friendship)."""
        guard = {
            **guard_key,
            "pending_recipient_user_id": fresh.recipient.user_id,
            "pending_request_id": fresh.request_id,
        }
        friendship = {"user_id": fresh.sender.user_id, "friend_user_id": fresh.recipient.user_id}
        return self.tables.transact(
            [
                self.tables.transact_put("friend_requests", guard, "attribute_not_exists(recipient_user_id)"),
                self.tables.transact_put("friend_requests", request_to_item(fresh), "attribute_not_exists(request_id)"),
                self.tables.transact_check("friendships", friendship, "attribute_not_exists(user_id)"),
            ]
        )

    def _release(self, guard_key: Mapping[str, str], request_id: str) -> None:
        self.tables.conditional(
            "delete_item",
            TableName=self.name("friend_requests"),
            Key=item_of(guard_key),
            ConditionExpression="pending_request_id = :id",
            ExpressionAttributeValues=attribute_values(id=request_id),
        )

    def _close(self, answered: FriendRequest) -> bool:
        """Write an answer (from a pending request) with its guard released and, for an
        accepted request, both friendship directions; ``False`` if the request was no longer
        pending."""
        key = {"recipient_user_id": answered.recipient.user_id, "request_id": answered.request_id}
        pair = social.pair_id(answered.sender.user_id, answered.recipient.user_id)
        values = attribute_values(
            s=answered.status.value, u=request_to_item(answered)["updated_at"], pending=RequestStatus.PENDING.value
        )
        items = [
            self.tables.transact_update(
                "friend_requests",
                key,
                "SET #s = :s, updated_at = :u",
                "#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=values,
            ),
            self.tables.transact_delete(
                "friend_requests",
                self._guard_key(pair),
                "attribute_not_exists(recipient_user_id) OR pending_request_id = :id",
                ExpressionAttributeValues=attribute_values(id=answered.request_id),
            ),
        ]
        if answered.status is RequestStatus.ACCEPTED:
            items += [self._friendship_put(f) for f in social.friendships_of(answered)]
        reasons = self.tables.transact(items)
        if reasons is not None and not failed(reasons, 0) and failed(reasons, 1):
            # The pair's guard holds another request: this one was written by a writer that
            # keeps no guards, so there is none of its own to release.
            del items[1]
            reasons = self.tables.transact(items)
        return reasons is None

    def answer_friend_request(self, recipient_id: str, request_id: str, accept: bool, now_ms: int) -> FriendRequest:
        for _ in range(ATTEMPTS):
            held = self._request(recipient_id, request_id)
            answered = social.answer_friend_request(held, recipient_id, accept, now_ms)
            if self._close(answered):
                return answered
        raise StoreUnavailable("friend request: lost too many races; try again")

    def cancel_friend_request(self, sender_id: str, request_id: str, now_ms: int) -> FriendRequest:
        for _ in range(ATTEMPTS):
            listed = next(
                self.tables.query(
                    "friend_requests",
                    "sender_user_id",
                    sender_id,
                    index=SENDER_INDEX,
                    where="request_id = :id",
                    values={"id": request_id},
                ),
                None,
            )
            held = None if listed is None else self._request(listed["recipient_user_id"], request_id)
            cancelled = social.cancel_friend_request(held, sender_id, now_ms)
            if self._close(cancelled):
                return cancelled
        raise StoreUnavailable("friend request: lost too many races; try again")

    @staticmethod
    def _newest_first(requests: Iterable[FriendRequest]) -> list[FriendRequest]:
        return sorted(requests, key=lambda r: (r.created_ms, r.request_id), reverse=True)

    def incoming_requests(self, user_id: str) -> list[FriendRequest]:
        items = self.tables.query(
            "friend_requests", "recipient_user_id", user_id, where="#s = :p", values={"p": RequestStatus.PENDING.value}
        )
        return self._newest_first(request_from_item(item) for item in items)

    def outgoing_requests(self, user_id: str) -> list[FriendRequest]:
        items = self.tables.query(
            "friend_requests",
            "sender_user_id",
            user_id,
            index=SENDER_INDEX,
            where="#s = :p",
            values={"p": RequestStatus.PENDING.value},
        )
        return self._newest_first(request_from_item(item) for item in items)

    def friends(self, user_id: str) -> list[Friendship]:
        return [friendship_from_item(item) for item in self.tables.query("friendships", "user_id", user_id)]

    def friendship(self, user_id: str, friend_id: str) -> Friendship | None:
        item = self.tables.get("friendships", user_id=user_id, friend_user_id=friend_id)
        return None if item is None else friendship_from_item(item)

    def remove_friend(self, user_id: str, friend_id: str) -> None:
        reasons = self.tables.transact(
            [
                self._friendship_delete(user_id, friend_id, "attribute_exists(user_id)"),
                self._friendship_delete(friend_id, user_id),
            ]
        )
        if reasons is not None:
            if failed(reasons, 0):
                raise social.NotFriends("Not your friend.")
            raise StoreUnavailable(f"dynamodb transaction cancelled: {reasons}")

    # Challenges

    def _challenge(self, challenge_id: str) -> Challenge | None:
        item = self.tables.get("challenges", challenge_id=challenge_id)
        return None if item is None else challenge_from_item(item)

    def create_challenge(self, challenge: Challenge) -> Challenge:
        friendship = {"user_id": challenge.challenger.user_id, "friend_user_id": challenge.challenged.user_id}
        reasons = self.tables.transact(
            [
                self.tables.transact_put(
                    "challenges", challenge_to_item(challenge), "attribute_not_exists(challenge_id)"
                ),
                self.tables.transact_check("friendships", friendship, "attribute_exists(user_id)"),
            ]
        )
        if reasons is not None:
            if failed(reasons, 1):
                raise social.NotFriends("You can only challenge your friends.")
            raise StoreUnavailable(f"dynamodb transaction cancelled: {reasons}")
        return challenge

    def challenge(self, user_id: str, challenge_id: str) -> Challenge:
        return social.visible(self._challenge(challenge_id), user_id)

    def _pending_challenges(self, index: str, key: str, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        items = self.tables.query(
            "challenges",
            key,
            user_id,
            index=index,
            since=utc_text(now_ms - social.MAX_CHALLENGE_LIFETIME_MS),
            where="#s = :p",
            values={"p": ChallengeStatus.PENDING.value},
            newest_first=True,
        )
        return social.waiting((challenge_from_item(item) for item in items), now_ms, limit)

    def challenges_sent(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        return self._pending_challenges(CHALLENGER_INDEX, "challenger_user_id", user_id, now_ms, limit)

    def challenges_received(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        return self._pending_challenges(CHALLENGED_INDEX, "challenged_user_id", user_id, now_ms, limit)

    def _answer(self, answered: Challenge) -> bool:
        """Write an answer to a challenge that was pending; ``False`` if it no longer was."""
        update = "SET #s = :s, updated_at = :u"
        values: dict[str, Any] = {
            "s": answered.status.value,
            "u": challenge_to_item(answered)["updated_at"],
            "pending": ChallengeStatus.PENDING.value,
        }
        if answered.room_code is not None:
            update += ", room_code = :room"
            values["room"] = answered.room_code
        return self.tables.conditional(
            "update_item",
            TableName=self.name("challenges"),
            Key=item_of({"challenge_id": answered.challenge_id}),
            UpdateExpression=update,
            ConditionExpression="#s = :pending",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=attribute_values(**values),
        )

    def accept_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        for _ in range(ATTEMPTS):
            current = social.visible(self._challenge(challenge_id), user_id)
            if current.status is ChallengeStatus.ACCEPTED:
                return social.accept_challenge(current, user_id, current.room_code or "", now_ms)
            room = self.pair_room(current.challenger.user_id, current.challenged.user_id)
            accepted = social.accept_challenge(current, user_id, room, now_ms)
            if self._answer(accepted):
                return accepted
        raise StoreUnavailable("challenge: lost too many races; try again")

    def decline_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        for _ in range(ATTEMPTS):
            declined = social.decline_challenge(self._challenge(challenge_id), user_id, now_ms)
            if self._answer(declined):
                return declined
        raise StoreUnavailable("challenge: lost too many races; try again")

    def cancel_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        for _ in range(ATTEMPTS):
            cancelled = social.cancel_challenge(self._challenge(challenge_id), user_id, now_ms)
            if self._answer(cancelled):
                return cancelled
        raise StoreUnavailable("challenge: lost too many races; try again")

    def expire_challenge(self, challenge_id: str, now_ms: int) -> Challenge | None:
        expired = social.expire_challenge(self._challenge(challenge_id), now_ms)
        if expired is None or not self._answer(expired):
            return None
        return expired

    # Pair rooms

    def pair_room(self, a: str, b: str) -> str:
        pair = social.pair_id(a, b)
        for _ in range(ATTEMPTS):
            item = self.tables.get("pair_rooms", pair_id=pair)
            if item is not None and item.get("room_code"):
                return str(item["room_code"])
            code = new_code()
            created = self.tables.conditional(
                "put_item",
                TableName=self.name("pair_rooms"),
                Item=item_of({"pair_id": pair, "room_code": code, "created_at": utc_text(int(time.time() * 1000))}),
                ConditionExpression="attribute_not_exists(pair_id) OR attribute_not_exists(room_code)",
            )
            if created:
                return code
        raise StoreUnavailable("pair room: lost too many races; try again")

    # Notifications

    def add_notification(self, notification: Notification) -> None:
        self.tables.call(
            "put_item",
            TableName=self.name("notifications"),
            Item=item_of(notification_to_item(notification)),
            ConditionExpression="attribute_not_exists(notification_id)",
        )

    def notifications(self, user_id: str, limit: int) -> list[Notification]:
        if limit <= 0:
            return []
        items = self.tables.query("notifications", "user_id", user_id, newest_first=True, limit=limit)
        return [notification_from_item(item) for _, item in zip(range(limit), items, strict=False)]

    def _set_read(self, user_id: str, notification_id: str) -> bool:
        return self.tables.conditional(
            "update_item",
            TableName=self.name("notifications"),
            Key=item_of({"user_id": user_id, "notification_id": notification_id}),
            UpdateExpression="SET #r = :t, updated_at = :u",
            ConditionExpression="attribute_exists(notification_id)",
            ExpressionAttributeNames={"#r": "read"},
            ExpressionAttributeValues=attribute_values(t=True, u=utc_text(int(time.time() * 1000))),
        )

    def mark_read(self, user_id: str, notification_id: str) -> None:
        if not self._set_read(user_id, notification_id):
            raise social.NotificationNotFound("Notification not found.")

    def mark_all_read(self, user_id: str) -> int:
        unread = self.tables.query(
            "notifications", "user_id", user_id, where="attribute_not_exists(#r) OR #r = :f", values={"f": False}
        )
        return sum(self._set_read(user_id, item["notification_id"]) for item in list(unread))

    def prune_notifications(self, user_id: str, keep: int) -> int:
        held = [notification_from_item(item) for item in self.tables.query("notifications", "user_id", user_id)]
        doomed = social.notifications_to_prune(held, keep)
        self.tables.delete_all("notifications", ({"user_id": user_id, "notification_id": n} for n in doomed))
        return len(doomed)

    # Accounts

    def delete_user_social(self, user_id: str) -> None:
        # Friendships go last: they are how a repeated call finds the pair rooms again.
        friends = [f.friend.user_id for f in self.friends(user_id)]
        received = [request_from_item(i) for i in self.tables.query("friend_requests", "recipient_user_id", user_id)]
        sent = [
            request_from_item(i)
            for i in self.tables.query("friend_requests", "sender_user_id", user_id, index=SENDER_INDEX)
        ]
        challenges = [
            challenge_from_item(i)
            for index, key in ((CHALLENGER_INDEX, "challenger_user_id"), (CHALLENGED_INDEX, "challenged_user_id"))
            for i in self.tables.query("challenges", key, user_id, index=index)
        ]
        others = {*friends}
        others |= {r.sender.user_id for r in received} | {r.recipient.user_id for r in sent}
        others |= {c.challenger.user_id for c in challenges} | {c.challenged.user_id for c in challenges}
        others.discard(user_id)
        self.tables.delete_all("pair_rooms", ({"pair_id": social.pair_id(user_id, other)} for other in others))
        notifications = self.tables.query("notifications", "user_id", user_id)
        self.tables.delete_all(
            "notifications", ({"user_id": user_id, "notification_id": i["notification_id"]} for i in notifications)
        )
        self.tables.delete_all("challenges", ({"challenge_id": c.challenge_id} for c in challenges))
        requests = [*received, *sent]
        guards = [
            self._guard_key(social.pair_id(r.sender.user_id, r.recipient.user_id))
            for r in requests
            if r.status is RequestStatus.PENDING
        ]
        keys = [{"recipient_user_id": r.recipient.user_id, "request_id": r.request_id} for r in requests]
        self.tables.delete_all("friend_requests", [*guards, *keys])
        pairs_per_transaction = TRANSACTION_ITEMS // 2
        for start in range(0, len(friends), pairs_per_transaction):
            items = []
            for friend in friends[start : start + pairs_per_transaction]:
                items += [self._friendship_delete(friend, user_id), self._friendship_delete(user_id, friend)]
            reasons = self.tables.transact(items)
            if reasons is not None:
                raise StoreUnavailable(f"dynamodb transaction cancelled: {reasons}")
