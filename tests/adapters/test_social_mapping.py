"""The social items in the stores' words: what the original ChessChat writes reads here, and
what is written here has every attribute the original reads, in its formats."""

from __future__ import annotations

from typing import Any

import pytest

from chesschat.adapters.records.dynamodb import item_of, record_of
from chesschat.adapters.records.mapping import MalformedItem
from chesschat.adapters.records.social_mapping import (
    challenge_from_item,
    challenge_to_item,
    friendship_from_item,
    friendship_to_item,
    notification_from_item,
    notification_to_item,
    request_from_item,
    request_to_item,
    settings_from_map,
    settings_to_map,
)
from chesschat.domain import social as s

CREATED = "2026-03-28T10:00:00.000Z"
ANSWERED = "2026-03-28T10:05:00.000Z"
CREATED_MS = 1_774_692_000_000
ANSWERED_MS = CREATED_MS + 300_000

# Items as the original's services/dynamodb.js writes them.
ORIGINAL_REQUEST = {
    "recipient_user_id": "user-ben",
    "request_id": "fr_0123456789abcdef0123",
    "sender_user_id": "user-ann",
    "sender_username": "ann",
    "recipient_username": None,
    "status": "pending",
    "created_at": CREATED,
    "updated_at": CREATED,
}
ORIGINAL_FRIENDSHIP = {
    "user_id": "user-ben",
    "friend_user_id": "user-ann",
    "friend_username": "ann",
    "created_at": ANSWERED,
}
ORIGINAL_CHALLENGE = {
    "challenge_id": "ch_0123456789abcdef0123",
    "challenger_user_id": "user-ann",
    "challenger_username": "ann",
    "challenged_user_id": "user-ben",
    "challenged_username": "ben",
    "room_code": "AB12CD34",
    "status": "active",
    "settings": {},
    "created_at": CREATED,
    "updated_at": ANSWERED,
}
ORIGINAL_NOTIFICATION = {
    "user_id": "user-ben",
    "notification_id": "ntf_0123456789abcdef0123",
    "type": "challenge_received",
    "title": "New game challenge",
    "message": "ann challenged you.",
    "entity_id": "ch_0123456789abcdef0123",
    "read": False,
    "created_at": CREATED,
    "updated_at": CREATED,
}
ANN, BEN = s.UserRef("user-ann", "ann"), s.UserRef("user-ben", "ben")


def test_original_friend_request_reads_as_a_pending_request() -> None:
    assert request_from_item(ORIGINAL_REQUEST) == s.FriendRequest(
        "fr_0123456789abcdef0123", ANN, s.UserRef("user-ben", ""), s.RequestStatus.PENDING, CREATED_MS
    )
    answered = request_from_item({**ORIGINAL_REQUEST, "status": "accepted", "updated_at": ANSWERED})
    assert (answered.status, answered.answered_ms) == (s.RequestStatus.ACCEPTED, ANSWERED_MS)


def test_original_friendship_reads_whole() -> None:
    assert friendship_from_item(ORIGINAL_FRIENDSHIP) == s.Friendship("user-ben", ANN, ANSWERED_MS)
    assert friendship_from_item({**ORIGINAL_FRIENDSHIP, "friend_username": None}).friend == s.UserRef("user-ann")


def test_original_challenge_reads_with_default_settings_and_expiry() -> None:
    challenge = challenge_from_item(ORIGINAL_CHALLENGE)
    assert challenge == s.Challenge(
        challenge_id="ch_0123456789abcdef0123",
        challenger=ANN,
        challenged=BEN,
        settings=s.ChallengeSettings(),
        status=s.ChallengeStatus.ACCEPTED,
        created_ms=CREATED_MS,
        expires_ms=CREATED_MS + s.CHALLENGE_LIFETIME_MS,
        room_code="AB12CD34",
        answered_ms=ANSWERED_MS,
    )


def test_original_notification_reads_whole_and_unknown_kinds_read_as_system() -> None:
    assert notification_from_item(ORIGINAL_NOTIFICATION) == s.Notification(
        "ntf_0123456789abcdef0123",
        "user-ben",
        s.NotificationKind.CHALLENGE,
        "New game challenge",
        "ann challenged you.",
        "ch_0123456789abcdef0123",
        False,
        CREATED_MS,
    )
    other = notification_from_item({**ORIGINAL_NOTIFICATION, "type": "tournament_started", "entity_id": None})
    assert (other.kind, other.entity_id) == (s.NotificationKind.SYSTEM, None)


def _ours() -> list[tuple[Any, dict[str, Any], Any]]:
    """(value, the original's item of that kind, from_item) for a value of each kind."""
    request = s.answer_friend_request(
        s.open_friend_request("fr_1", ANN, BEN, CREATED_MS), "user-ben", True, ANSWERED_MS
    )
    settings = s.ChallengeSettings(180_000, 2_000, 3, s.ColourChoice.BLACK)
    challenge = s.accept_challenge(
        s.open_challenge("ch_1", ANN, BEN, settings, CREATED_MS), "user-ben", "PAIRROOM", ANSWERED_MS
    )
    notification = s.notify("user-ben", s.NotificationKind.FRIEND_ACCEPTED, "Friend added", "ann", None, CREATED_MS)
    return [
        (request, ORIGINAL_REQUEST, request_from_item),
        (s.friendships_of(request)[0], ORIGINAL_FRIENDSHIP, friendship_from_item),
        (challenge, ORIGINAL_CHALLENGE, challenge_from_item),
        (notification, ORIGINAL_NOTIFICATION, notification_from_item),
    ]


TO_ITEM = {
    s.FriendRequest: request_to_item,
    s.Friendship: friendship_to_item,
    s.Challenge: challenge_to_item,
    s.Notification: notification_to_item,
}


@pytest.mark.parametrize(("value", "original", "from_item"), _ours(), ids=lambda v: type(v).__name__)
def test_our_item_has_every_attribute_the_original_writes_and_reads_back(
    value: Any, original: dict[str, Any], from_item: Any
) -> None:
    item = TO_ITEM[type(value)](value)
    assert set(original) <= set(item)
    for name, theirs in original.items():
        if theirs is not None and item[name] is not None:
            assert type(item[name]) is type(theirs), name
    assert from_item(item) == value
    assert from_item(record_of(item_of(item))) == value  # through DynamoDB's types too


def test_our_times_are_iso_text_that_sorts_as_the_originals() -> None:
    challenge = _ours()[2][0]
    item = challenge_to_item(challenge)
    assert item["created_at"] == "2026-03-28T10:00:00.000+00:00"
    assert item["updated_at"] == "2026-03-28T10:05:00.000+00:00"
    assert item["status"] == "active" and item["room_code"] == "PAIRROOM"
    assert item["created_at"][:23] == CREATED[:23]


def test_challenge_settings_are_kept_as_start_game_settings() -> None:
    settings = s.ChallengeSettings(180_000, 2_000, 3, s.ColourChoice.BLACK)
    assert settings_to_map(settings) == {
        "timeWhiteSeconds": 180.0,
        "timeBlackSeconds": 180.0,
        "incrementSeconds": 2.0,
        "allowTakebacks": True,
        "takebacksWhite": 3,
        "takebacksBlack": 3,
        "color": "black",
    }
    assert settings_from_map(settings_to_map(settings)) == settings


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, s.ChallengeSettings()),
        ({}, s.ChallengeSettings()),
        ({"timeWhiteSeconds": 60}, s.ChallengeSettings(time_per_side_ms=60_000)),
        ({"timeWhiteSeconds": 0, "incrementSeconds": -1, "color": "green"}, s.ChallengeSettings()),
        ({"timeWhiteSeconds": "60", "takebacksWhite": True}, s.ChallengeSettings()),
        ({"takebacksWhite": 2, "allowTakebacks": False}, s.ChallengeSettings()),
        ({"takebacksWhite": 2}, s.ChallengeSettings(takebacks=2)),
        (
            {"color": "white", "incrementSeconds": 1.5},
            s.ChallengeSettings(increment_ms=1500, colour=s.ColourChoice.WHITE),
        ),
    ],
)
def test_challenge_settings_missing_or_unusable_take_their_defaults(stored: Any, expected: s.ChallengeSettings) -> None:
    assert settings_from_map(stored) == expected


@pytest.mark.parametrize(
    ("reader", "item", "broken"),
    [
        (request_from_item, ORIGINAL_REQUEST, {"status": "maybe"}),
        (request_from_item, ORIGINAL_REQUEST, {"sender_user_id": None}),
        (request_from_item, ORIGINAL_REQUEST, {"created_at": "yesterday"}),
        (challenge_from_item, ORIGINAL_CHALLENGE, {"status": 3}),
        (challenge_from_item, ORIGINAL_CHALLENGE, {"challenge_id": ""}),
        (friendship_from_item, ORIGINAL_FRIENDSHIP, {"created_at": None}),
        (notification_from_item, ORIGINAL_NOTIFICATION, {"notification_id": None}),
    ],
)
def test_item_missing_what_identifies_it_is_refused(reader: Any, item: dict[str, Any], broken: dict[str, Any]) -> None:
    with pytest.raises(MalformedItem):
        reader({**item, **broken})
