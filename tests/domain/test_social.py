"""The social rules: pairs, who may answer or cancel what, expiry, and pruning."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chesschat.domain import social as s
from chesschat.domain.errors import DomainError, InvalidSettings

NOW = 1_700_000_000_000
ANN = s.UserRef("user-ann", "ann")
BEN = s.UserRef("user-ben", "ben")
EVE = s.UserRef("user-eve", "eve")


def _request(status: s.RequestStatus = s.RequestStatus.PENDING) -> s.FriendRequest:
    return replace(s.open_friend_request("fr_1", ANN, BEN, NOW), status=status)


def _challenge(status: s.ChallengeStatus = s.ChallengeStatus.PENDING, room: str | None = None) -> s.Challenge:
    opened = s.open_challenge("ch_1", ANN, BEN, s.ChallengeSettings(), NOW, 60_000)
    return replace(opened, status=status, room_code=room)


def test_pair_id_sorts_the_two_ids_and_joins_them_as_the_original() -> None:
    assert s.pair_id("user-ben", "user-ann") == s.pair_id("user-ann", "user-ben") == "user-ann:user-ben"
    with pytest.raises(s.SelfChallenge):
        s.pair_id("user-ann", "user-ann")


def test_ids_have_the_originals_shape() -> None:
    assert s.new_id("fr")[:3] == "fr_" and len(s.new_id("fr")) == 23
    assert int(s.new_id("ch")[3:], 16) >= 0
    notification_id = s.new_notification_id(NOW)
    assert notification_id.startswith("ntf_") and len(notification_id) == 24
    assert s.new_id("fr") != s.new_id("fr")


@given(st.integers(0, 2**44), st.integers(0, 2**44))
def test_notification_ids_sort_as_their_times(first: int, second: int) -> None:
    if first < second:
        assert s.new_notification_id(first) < s.new_notification_id(second)


@pytest.mark.parametrize(
    ("stored", "member"),
    [
        ("pending", s.RequestStatus.PENDING),
        ("accepted", s.RequestStatus.ACCEPTED),
        ("declined", s.RequestStatus.DECLINED),
        ("canceled", s.RequestStatus.CANCELLED),
        ("cancelled", s.RequestStatus.CANCELLED),
    ],
)
def test_request_statuses_read_the_originals_words(stored: str, member: s.RequestStatus) -> None:
    assert s.RequestStatus(stored) is member


@pytest.mark.parametrize(
    ("stored", "member"),
    [
        ("pending", s.ChallengeStatus.PENDING),
        ("active", s.ChallengeStatus.ACCEPTED),
        ("accepted", s.ChallengeStatus.ACCEPTED),
        ("declined", s.ChallengeStatus.DECLINED),
        ("canceled", s.ChallengeStatus.CANCELLED),
        ("cancelled", s.ChallengeStatus.CANCELLED),
        ("expired", s.ChallengeStatus.EXPIRED),
    ],
)
def test_challenge_statuses_read_the_originals_words(stored: str, member: s.ChallengeStatus) -> None:
    assert s.ChallengeStatus(stored) is member


def test_statuses_are_written_as_the_original_writes_them() -> None:
    assert s.ChallengeStatus.ACCEPTED.value == "active"
    assert s.ChallengeStatus.CANCELLED.value == s.RequestStatus.CANCELLED.value == "canceled"
    assert s.NotificationKind.CHALLENGE.value == "challenge_received"
    with pytest.raises(ValueError):
        s.ChallengeStatus("open")


def test_friend_request_to_oneself_is_refused() -> None:
    with pytest.raises(s.SelfFriendRequest) as raised:
        s.open_friend_request("fr_1", ANN, replace(ANN, username="other name"), NOW)
    assert raised.value.code == "INVALID_PAYLOAD"


# (who acts, what, the request's status) → the status it ends in, or the error
REQUEST_CASES = [
    ("ben", "accept", s.RequestStatus.PENDING, s.RequestStatus.ACCEPTED),
    ("ben", "decline", s.RequestStatus.PENDING, s.RequestStatus.DECLINED),
    ("ann", "cancel", s.RequestStatus.PENDING, s.RequestStatus.CANCELLED),
    ("ann", "accept", s.RequestStatus.PENDING, s.FriendRequestNotFound),
    ("eve", "accept", s.RequestStatus.PENDING, s.FriendRequestNotFound),
    ("ben", "cancel", s.RequestStatus.PENDING, s.FriendRequestNotFound),
    ("eve", "cancel", s.RequestStatus.PENDING, s.FriendRequestNotFound),
    ("ben", "accept", s.RequestStatus.ACCEPTED, s.FriendRequestClosed),
    ("ben", "decline", s.RequestStatus.CANCELLED, s.FriendRequestClosed),
    ("ann", "cancel", s.RequestStatus.DECLINED, s.FriendRequestClosed),
    ("eve", "accept", s.RequestStatus.DECLINED, s.FriendRequestNotFound),
]


@pytest.mark.parametrize(("who", "action", "status", "expected"), REQUEST_CASES)
def test_friend_request_rules(who: str, action: str, status: s.RequestStatus, expected: object) -> None:
    by = f"user-{who}"
    request = _request(status)

    def act() -> s.FriendRequest:
        if action == "cancel":
            return s.cancel_friend_request(request, by, NOW + 5)
        return s.answer_friend_request(request, by, action == "accept", NOW + 5)

    if isinstance(expected, s.RequestStatus):
        answered = act()
        assert (answered.status, answered.answered_ms) == (expected, NOW + 5)
        assert replace(answered, status=request.status, answered_ms=None) == request
    else:
        assert isinstance(expected, type)
        with pytest.raises(expected):
            act()


def test_missing_request_is_refused_as_one_not_yours() -> None:
    with pytest.raises(s.FriendRequestNotFound):
        s.answer_friend_request(None, BEN.user_id, True, NOW)
    with pytest.raises(s.FriendRequestNotFound):
        s.cancel_friend_request(None, ANN.user_id, NOW)


def test_accepted_request_makes_both_directions() -> None:
    accepted = s.answer_friend_request(_request(), BEN.user_id, True, NOW + 9)
    both = (s.Friendship(BEN.user_id, ANN, NOW + 9), s.Friendship(ANN.user_id, BEN, NOW + 9))
    assert s.friendships_of(accepted) == both


@pytest.mark.parametrize(
    ("fields", "valid"),
    [
        ({}, True),
        ({"time_per_side_ms": 1, "increment_ms": 0, "takebacks": 0}, True),
        ({"time_per_side_ms": 0}, False),
        ({"increment_ms": -1}, False),
        ({"takebacks": -1}, False),
    ],
)
def test_challenge_settings_refuse_impossible_games(fields: dict[str, int], valid: bool) -> None:
    if valid:
        assert s.ChallengeSettings(**fields).colour is s.ColourChoice.RANDOM  # type: ignore[arg-type]
    else:
        with pytest.raises(InvalidSettings):
            s.ChallengeSettings(**fields)  # type: ignore[arg-type]


def test_challenge_opens_pending_and_expires_after_its_lifetime() -> None:
    challenge = s.open_challenge("ch_1", ANN, BEN, s.ChallengeSettings(), NOW)
    assert (challenge.status, challenge.expires_ms, challenge.room_code) == (
        s.ChallengeStatus.PENDING,
        NOW + s.CHALLENGE_LIFETIME_MS,
        None,
    )
    assert not challenge.overdue(challenge.expires_ms - 1)
    assert challenge.overdue(challenge.expires_ms)
    with pytest.raises(s.SelfChallenge):
        s.open_challenge("ch_2", ANN, ANN, s.ChallengeSettings(), NOW)
    for lifetime in (0, s.MAX_CHALLENGE_LIFETIME_MS + 1):
        with pytest.raises(InvalidSettings):
            s.open_challenge("ch_3", ANN, BEN, s.ChallengeSettings(), NOW, lifetime)


P, A, D, C, X = (
    s.ChallengeStatus.PENDING,
    s.ChallengeStatus.ACCEPTED,
    s.ChallengeStatus.DECLINED,
    s.ChallengeStatus.CANCELLED,
    s.ChallengeStatus.EXPIRED,
)
LATE = NOW + 60_000
# (who acts, what, the challenge's status, when) → the status it ends in, or the error
CHALLENGE_CASES = [
    ("ben", "accept", P, NOW, A),
    ("ben", "decline", P, NOW, D),
    ("ann", "cancel", P, NOW, C),
    ("ann", "accept", P, NOW, s.NotChallenged),
    ("ann", "decline", P, NOW, s.NotChallenged),
    ("ben", "cancel", P, NOW, s.NotChallenger),
    ("eve", "accept", P, NOW, s.ChallengeNotFound),
    ("eve", "decline", P, NOW, s.ChallengeNotFound),
    ("eve", "cancel", P, NOW, s.ChallengeNotFound),
    ("ben", "accept", A, NOW, A),
    ("ben", "accept", A, LATE, A),
    ("ben", "decline", A, NOW, s.ChallengeClosed),
    ("ann", "cancel", A, NOW, s.ChallengeClosed),
    ("ben", "accept", D, NOW, s.ChallengeClosed),
    ("ben", "accept", C, NOW, s.ChallengeClosed),
    ("ben", "accept", X, NOW, s.ChallengeClosed),
    ("ben", "accept", P, LATE, s.ChallengeExpired),
    ("ben", "decline", P, LATE, s.ChallengeExpired),
    ("ann", "cancel", P, LATE, s.ChallengeExpired),
    ("eve", "accept", P, LATE, s.ChallengeNotFound),
]


@pytest.mark.parametrize(("who", "action", "status", "at", "expected"), CHALLENGE_CASES)
def test_challenge_rules(who: str, action: str, status: s.ChallengeStatus, at: int, expected: object) -> None:
    by = f"user-{who}"
    challenge = _challenge(status, room="PAIRROOM" if status is A else None)

    def act() -> s.Challenge:
        if action == "accept":
            return s.accept_challenge(challenge, by, "NEWROOM2", at)
        if action == "decline":
            return s.decline_challenge(challenge, by, at)
        return s.cancel_challenge(challenge, by, at)

    if isinstance(expected, s.ChallengeStatus):
        answered = act()
        assert answered.status is expected
        if status is A:
            assert answered == challenge  # accepting again changes nothing, not even the room
        else:
            assert answered.answered_ms == at
            assert answered.room_code == ("NEWROOM2" if expected is A else None)
    else:
        assert isinstance(expected, type)
        with pytest.raises(expected):
            act()


def test_refusals_name_their_catalogue_codes() -> None:
    codes = {
        s.FriendRequestNotFound: "NOT_FOUND",
        s.ChallengeNotFound: "NOT_FOUND",
        s.NotificationNotFound: "NOT_FOUND",
        s.NotFriends: "NOT_FOUND",
        s.FriendRequestClosed: "CONFLICT",
        s.AlreadyFriends: "CONFLICT",
        s.DuplicateFriendRequest: "CONFLICT",
        s.ChallengeClosed: "CONFLICT",
        s.ChallengeExpired: "CONFLICT",
        s.NotChallenged: "UNAUTHORIZED",
        s.NotChallenger: "UNAUTHORIZED",
        s.SelfChallenge: "INVALID_PAYLOAD",
        s.SelfFriendRequest: "INVALID_PAYLOAD",
    }
    for error, code in codes.items():
        assert issubclass(error, DomainError) and error.code == code


def test_challenge_is_seen_by_its_parties_only() -> None:
    challenge = _challenge()
    assert s.visible(challenge, ANN.user_id) is s.visible(challenge, BEN.user_id) is challenge
    for missing in (None, challenge):
        with pytest.raises(s.ChallengeNotFound):
            s.visible(missing, EVE.user_id)


def test_only_an_overdue_pending_challenge_expires() -> None:
    challenge = _challenge()
    assert s.expire_challenge(challenge, challenge.expires_ms - 1) is None
    expired = s.expire_challenge(challenge, challenge.expires_ms)
    assert expired is not None and (expired.status, expired.answered_ms) == (X, challenge.expires_ms)
    assert s.expire_challenge(expired, LATE) is None
    assert s.expire_challenge(_challenge(A), LATE) is None
    assert s.expire_challenge(None, LATE) is None


def test_waiting_lists_pending_challenges_not_overdue_newest_first() -> None:
    base = _challenge()
    older = replace(base, challenge_id="ch_a", created_ms=NOW - 2, expires_ms=NOW + 10)
    tie_low = replace(base, challenge_id="ch_b", created_ms=NOW - 1, expires_ms=NOW + 10)
    tie_high = replace(base, challenge_id="ch_c", created_ms=NOW - 1, expires_ms=NOW + 10)
    due = replace(base, challenge_id="ch_d", created_ms=NOW, expires_ms=NOW)
    answered = replace(base, challenge_id="ch_e", status=D)
    listed = s.waiting([older, tie_low, due, answered, tie_high], NOW, 10)
    assert listed == [tie_high, tie_low, older]
    assert s.waiting([older, tie_low, tie_high], NOW, 2) == [tie_high, tie_low]


def _notes(reads: str) -> list[s.Notification]:
    """One notification per letter, oldest first: ``r`` read, ``u`` unread."""
    return [
        s.Notification(f"ntf_{i:02}", ANN.user_id, s.NotificationKind.SYSTEM, "t", "m", None, flag == "r", NOW + i)
        for i, flag in enumerate(reads)
    ]


@pytest.mark.parametrize(
    ("reads", "keep", "doomed"),
    [
        ("rrur", 4, []),
        ("rrur", 10, []),
        ("rrur", 2, ["ntf_00", "ntf_01"]),
        ("ururu", 3, ["ntf_01", "ntf_03"]),
        ("ururu", 2, ["ntf_01", "ntf_03", "ntf_00"]),
        ("uuu", 1, ["ntf_00", "ntf_01"]),
        ("ru", 0, ["ntf_00", "ntf_01"]),
    ],
)
def test_pruning_drops_the_oldest_read_first(reads: str, keep: int, doomed: list[str]) -> None:
    assert s.notifications_to_prune(_notes(reads)[::-1], keep) == doomed


@given(st.text(alphabet="ru", max_size=30), st.integers(0, 40))
def test_pruning_leaves_at_most_keep_and_no_unread_while_a_read_one_goes_spare(reads: str, keep: int) -> None:
    notes = _notes(reads)
    doomed = set(s.notifications_to_prune(notes, keep))
    left = [n for n in notes if n.notification_id not in doomed]
    assert len(left) == min(len(notes), keep)
    if any(not n.read for n in notes if n.notification_id in doomed):
        assert all(not n.read for n in left)


def test_notify_makes_an_unread_notification_of_its_time() -> None:
    note = s.notify(BEN.user_id, s.NotificationKind.FRIEND_REQUEST, "New friend request", "ann asked", "fr_1", NOW)
    assert (note.user_id, note.read, note.created_ms, note.entity_id) == (BEN.user_id, False, NOW, "fr_1")
    assert note.notification_id.startswith(f"ntf_{NOW:012x}")
