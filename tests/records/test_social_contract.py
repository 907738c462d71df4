"""The social-store contract: every case runs against SQLite and against DynamoDB (moto).

The races start their threads on a barrier and are repeated on fresh pairs, so that the
two callers' reads and writes interleave in different orders.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from chesschat.adapters.records import open_social
from chesschat.domain import social
from chesschat.domain.errors import DomainError
from chesschat.domain.room import CODE_ALPHABET, CODE_LENGTH
from chesschat.domain.social import (
    Challenge,
    ChallengeSettings,
    ChallengeStatus,
    ColourChoice,
    NotificationKind,
    RequestStatus,
    UserRef,
)
from chesschat.services.records import RecordStore
from chesschat.services.social_store import SocialStore

NOW = 1_700_000_000_000
ROUNDS = 6


@pytest.fixture
def store_social(store: RecordStore) -> SocialStore:
    return open_social(store)


def user(name: str) -> UserRef:
    return UserRef(f"u-{name}-{uuid.uuid4().hex[:6]}", name)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their results (or the exception each
    raised) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, fn: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def befriend(store: SocialStore, a: UserRef, b: UserRef) -> None:
    request = store.send_friend_request(a, b, NOW)
    store.answer_friend_request(b.user_id, request.request_id, True, NOW + 1)


def friend_ids(store: SocialStore, u: UserRef) -> list[str]:
    return [f.friend.user_id for f in store.friends(u.user_id)]


def refused_alike(*calls: Callable[[], Any]) -> set[tuple[type[Exception], str]]:
    """The (class, code) of what each call raised: one element when all were refused alike."""
    seen = set()
    for fn in calls:
        with pytest.raises(DomainError) as raised:
            fn()
        seen.add((type(raised.value), raised.value.code))
    return seen


# Friend requests


def test_social_request_is_pending_and_listed_on_both_sides(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    request = store_social.send_friend_request(a, b, NOW)
    assert (request.status, request.sender, request.recipient, request.answered_ms) == (
        RequestStatus.PENDING,
        a,
        b,
        None,
    )
    assert request.request_id.startswith("fr_")
    assert store_social.incoming_requests(b.user_id) == [request]
    assert store_social.outgoing_requests(a.user_id) == [request]
    assert store_social.incoming_requests(a.user_id) == store_social.outgoing_requests(b.user_id) == []


def test_social_request_to_oneself_is_refused(store_social: SocialStore) -> None:
    a = user("alice")
    with pytest.raises(social.SelfFriendRequest):
        store_social.send_friend_request(a, a, NOW)


def test_social_second_pending_request_to_the_same_user_is_refused(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    store_social.send_friend_request(a, b, NOW)
    with pytest.raises(social.DuplicateFriendRequest):
        store_social.send_friend_request(a, b, NOW + 1)
    assert len(store_social.incoming_requests(b.user_id)) == 1


def test_social_request_back_accepts_the_pending_one(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    first = store_social.send_friend_request(a, b, NOW)
    back = store_social.send_friend_request(b, a, NOW + 5)
    assert back.request_id == first.request_id
    assert (back.status, back.answered_ms) == (RequestStatus.ACCEPTED, NOW + 5)
    assert friend_ids(store_social, a) == [b.user_id]
    assert friend_ids(store_social, b) == [a.user_id]
    assert store_social.incoming_requests(b.user_id) == store_social.outgoing_requests(a.user_id) == []


def test_social_accepting_a_request_makes_friends_both_ways(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    request = store_social.send_friend_request(a, b, NOW)
    accepted = store_social.answer_friend_request(b.user_id, request.request_id, True, NOW + 10)
    assert (accepted.status, accepted.answered_ms) == (RequestStatus.ACCEPTED, NOW + 10)
    (of_a,) = store_social.friends(a.user_id)
    (of_b,) = store_social.friends(b.user_id)
    assert (of_a.user_id, of_a.friend, of_a.since_ms) == (a.user_id, b, NOW + 10)
    assert (of_b.user_id, of_b.friend, of_b.since_ms) == (b.user_id, a, NOW + 10)
    assert store_social.friendship(a.user_id, b.user_id) == of_a
    assert store_social.incoming_requests(b.user_id) == []
    with pytest.raises(social.AlreadyFriends):
        store_social.send_friend_request(b, a, NOW + 20)
    with pytest.raises(social.AlreadyFriends):
        store_social.send_friend_request(a, b, NOW + 20)


def test_social_declined_or_cancelled_request_leaves_no_friendship_and_may_be_sent_again(
    store_social: SocialStore,
) -> None:
    a, b = user("alice"), user("bob")
    declined = store_social.answer_friend_request(
        b.user_id, store_social.send_friend_request(a, b, NOW).request_id, False, NOW + 1
    )
    assert declined.status is RequestStatus.DECLINED
    cancelled = store_social.cancel_friend_request(
        a.user_id, store_social.send_friend_request(a, b, NOW + 2).request_id, NOW + 3
    )
    assert (cancelled.status, cancelled.answered_ms) == (RequestStatus.CANCELLED, NOW + 3)
    assert store_social.friends(a.user_id) == store_social.friends(b.user_id) == []
    assert store_social.incoming_requests(b.user_id) == []
    again = store_social.send_friend_request(a, b, NOW + 4)
    assert store_social.incoming_requests(b.user_id) == [again]


def test_social_answered_request_cannot_be_answered_or_cancelled_again(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    request = store_social.send_friend_request(a, b, NOW)
    store_social.answer_friend_request(b.user_id, request.request_id, False, NOW + 1)
    with pytest.raises(social.FriendRequestClosed):
        store_social.answer_friend_request(b.user_id, request.request_id, True, NOW + 2)
    with pytest.raises(social.FriendRequestClosed):
        store_social.cancel_friend_request(a.user_id, request.request_id, NOW + 2)
    assert store_social.friends(a.user_id) == []


def test_social_requests_not_yours_are_refused_as_unknown_ones(store_social: SocialStore) -> None:
    a, b, eve = user("alice"), user("bob"), user("eve")
    request = store_social.send_friend_request(a, b, NOW)
    refused = refused_alike(
        lambda: store_social.answer_friend_request(eve.user_id, request.request_id, True, NOW),
        lambda: store_social.answer_friend_request(a.user_id, request.request_id, True, NOW),  # the sender
        lambda: store_social.answer_friend_request(b.user_id, "fr_unknown", True, NOW),
        lambda: store_social.cancel_friend_request(b.user_id, request.request_id, NOW),  # the recipient
        lambda: store_social.cancel_friend_request(eve.user_id, request.request_id, NOW),
        lambda: store_social.cancel_friend_request(a.user_id, "fr_unknown", NOW),
    )
    assert refused == {(social.FriendRequestNotFound, "NOT_FOUND")}
    assert store_social.incoming_requests(b.user_id) == [request]


def test_social_pending_requests_are_listed_newest_first(store_social: SocialStore) -> None:
    a, b, c, d = user("alice"), user("bob"), user("carol"), user("dave")
    older = store_social.send_friend_request(b, a, NOW)
    newer = store_social.send_friend_request(c, a, NOW + 1)
    newest = store_social.send_friend_request(d, a, NOW + 2)
    store_social.cancel_friend_request(d.user_id, newest.request_id, NOW + 3)
    assert store_social.incoming_requests(a.user_id) == [newer, older]
    to_b = store_social.send_friend_request(c, b, NOW + 4)
    assert store_social.outgoing_requests(c.user_id) == [to_b, newer]


def test_social_removing_a_friend_removes_both_directions(store_social: SocialStore) -> None:
    a, b, c = user("alice"), user("bob"), user("carol")
    befriend(store_social, a, b)
    befriend(store_social, a, c)
    store_social.remove_friend(b.user_id, a.user_id)
    assert friend_ids(store_social, a) == [c.user_id]
    assert store_social.friends(b.user_id) == []
    assert store_social.friendship(a.user_id, b.user_id) is None
    with pytest.raises(social.NotFriends):
        store_social.remove_friend(a.user_id, b.user_id)
    store_social.send_friend_request(b, a, NOW + 5)  # strangers again: may ask anew


def test_social_two_users_requesting_each_other_at_once_become_friends_once(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        sent = at_once(
            lambda a=a, b=b: store_social.send_friend_request(a, b, NOW),
            lambda a=a, b=b: store_social.send_friend_request(b, a, NOW),
        )
        statuses = sorted(r.status for r in sent)
        assert statuses == [RequestStatus.ACCEPTED, RequestStatus.PENDING], sent
        assert friend_ids(store_social, a) == [b.user_id]
        assert friend_ids(store_social, b) == [a.user_id]
        for u in (a, b):
            assert store_social.incoming_requests(u.user_id) == store_social.outgoing_requests(u.user_id) == []


def test_social_the_same_request_twice_at_once_is_stored_once(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        sent = at_once(*[lambda a=a, b=b: store_social.send_friend_request(a, b, NOW)] * 2)
        assert sorted(type(r).__name__ for r in sent) == ["DuplicateFriendRequest", "FriendRequest"], sent
        assert len(store_social.incoming_requests(b.user_id)) == 1


def test_social_accept_and_cancel_at_once_settle_one_way(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        request = store_social.send_friend_request(a, b, NOW)
        accepted, cancelled = at_once(
            lambda b=b, r=request: store_social.answer_friend_request(b.user_id, r.request_id, True, NOW + 1),
            lambda a=a, r=request: store_social.cancel_friend_request(a.user_id, r.request_id, NOW + 1),
        )
        outcomes = {type(accepted).__name__, type(cancelled).__name__}
        assert outcomes == {"FriendRequest", "FriendRequestClosed"}, (accepted, cancelled)
        friends = isinstance(accepted, social.FriendRequest)
        assert friend_ids(store_social, a) == ([b.user_id] if friends else [])
        assert friend_ids(store_social, b) == ([a.user_id] if friends else [])


# Challenges


def challenge_between(
    store: SocialStore, a: UserRef, b: UserRef, now_ms: int = NOW, lifetime_ms: int = social.CHALLENGE_LIFETIME_MS
) -> Challenge:
    settings = ChallengeSettings(time_per_side_ms=180_000, increment_ms=2_000, takebacks=1, colour=ColourChoice.WHITE)
    challenge = social.open_challenge(social.new_id("ch"), a, b, settings, now_ms, lifetime_ms)
    return store.create_challenge(challenge)


@pytest.fixture
def friends(store_social: SocialStore) -> tuple[UserRef, UserRef]:
    a, b = user("alice"), user("bob")
    befriend(store_social, a, b)
    return a, b


def test_social_challenge_is_stored_whole_and_seen_by_both_parties(
    store_social: SocialStore, friends: tuple[UserRef, UserRef]
) -> None:
    a, b = friends
    challenge = challenge_between(store_social, a, b)
    assert (challenge.status, challenge.room_code, challenge.expires_ms) == (
        ChallengeStatus.PENDING,
        None,
        NOW + social.CHALLENGE_LIFETIME_MS,
    )
    assert store_social.challenge(a.user_id, challenge.challenge_id) == challenge
    assert store_social.challenge(b.user_id, challenge.challenge_id) == challenge


def test_social_challenges_go_to_friends_only(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    with pytest.raises(social.NotFriends):
        challenge_between(store_social, a, b)
    befriend(store_social, a, b)
    store_social.remove_friend(a.user_id, b.user_id)
    with pytest.raises(social.NotFriends):
        challenge_between(store_social, b, a)
    assert store_social.challenges_received(a.user_id, NOW, 10) == []


def test_social_challenges_not_yours_are_refused_as_unknown_ones(
    store_social: SocialStore, friends: tuple[UserRef, UserRef]
) -> None:
    a, b = friends
    eve = user("eve")
    challenge = challenge_between(store_social, a, b)
    cid = challenge.challenge_id
    refused = refused_alike(
        lambda: store_social.challenge(eve.user_id, cid),
        lambda: store_social.challenge(a.user_id, "ch_unknown"),
        lambda: store_social.accept_challenge(eve.user_id, cid, NOW),
        lambda: store_social.accept_challenge(b.user_id, "ch_unknown", NOW),
        lambda: store_social.decline_challenge(eve.user_id, cid, NOW),
        lambda: store_social.cancel_challenge(eve.user_id, cid, NOW),
    )
    assert refused == {(social.ChallengeNotFound, "NOT_FOUND")}
    assert store_social.challenge(b.user_id, cid) == challenge


def test_social_only_the_challenged_answers_and_only_the_challenger_cancels(
    store_social: SocialStore, friends: tuple[UserRef, UserRef]
) -> None:
    a, b = friends
    cid = challenge_between(store_social, a, b).challenge_id
    with pytest.raises(social.NotChallenged):
        store_social.accept_challenge(a.user_id, cid, NOW + 1)
    with pytest.raises(social.NotChallenged):
        store_social.decline_challenge(a.user_id, cid, NOW + 1)
    with pytest.raises(social.NotChallenger):
        store_social.cancel_challenge(b.user_id, cid, NOW + 1)
    assert store_social.challenge(a.user_id, cid).status is ChallengeStatus.PENDING


def test_social_accepted_challenge_is_in_the_pairs_room_and_accepting_again_returns_it(
    store_social: SocialStore, friends: tuple[UserRef, UserRef]
) -> None:
    a, b = friends
    cid = challenge_between(store_social, a, b).challenge_id
    accepted = store_social.accept_challenge(b.user_id, cid, NOW + 7)
    assert (accepted.status, accepted.answered_ms) == (ChallengeStatus.ACCEPTED, NOW + 7)
    assert accepted.room_code == store_social.pair_room(a.user_id, b.user_id)
    assert store_social.challenge(a.user_id, cid) == accepted
    assert store_social.accept_challenge(b.user_id, cid, NOW + 9) == accepted
    with pytest.raises(social.ChallengeClosed):
        store_social.decline_challenge(b.user_id, cid, NOW + 9)
    with pytest.raises(social.ChallengeClosed):
        store_social.cancel_challenge(a.user_id, cid, NOW + 9)
    later = store_social.accept_challenge(a.user_id, challenge_between(store_social, b, a).challenge_id, NOW + 10)
    assert later.room_code == accepted.room_code  # the pair's room, reused


@pytest.mark.parametrize("answer", ["decline", "cancel"])
def test_social_declined_or_cancelled_challenge_stays_closed(
    store_social: SocialStore, friends: tuple[UserRef, UserRef], answer: str
) -> None:
    a, b = friends
    cid = challenge_between(store_social, a, b).challenge_id
    if answer == "decline":
        closed = store_social.decline_challenge(b.user_id, cid, NOW + 1)
        assert closed.status is ChallengeStatus.DECLINED
    else:
        closed = store_social.cancel_challenge(a.user_id, cid, NOW + 1)
        assert closed.status is ChallengeStatus.CANCELLED
    assert (closed.answered_ms, closed.room_code) == (NOW + 1, None)
    assert store_social.challenge(b.user_id, cid) == closed
    for act in (
        lambda: store_social.accept_challenge(b.user_id, cid, NOW + 2),
        lambda: store_social.decline_challenge(b.user_id, cid, NOW + 2),
        lambda: store_social.cancel_challenge(a.user_id, cid, NOW + 2),
    ):
        with pytest.raises(social.ChallengeClosed):
            act()
    assert store_social.expire_challenge(cid, NOW + social.MAX_CHALLENGE_LIFETIME_MS) is None


def test_social_challenge_expires_once_when_due_and_cannot_be_accepted_after(
    store_social: SocialStore, friends: tuple[UserRef, UserRef]
) -> None:
    a, b = friends
    challenge = challenge_between(store_social, a, b, lifetime_ms=60_000)
    due = challenge.expires_ms
    assert store_social.expire_challenge(challenge.challenge_id, due - 1) is None
    with pytest.raises(social.ChallengeExpired):
        store_social.accept_challenge(b.user_id, challenge.challenge_id, due)
    assert store_social.challenges_received(b.user_id, due, 10) == []
    expired = store_social.expire_challenge(challenge.challenge_id, due)
    assert expired is not None and (expired.status, expired.answered_ms) == (ChallengeStatus.EXPIRED, due)
    assert store_social.expire_challenge(challenge.challenge_id, due + 1) is None
    assert store_social.expire_challenge("ch_unknown", due) is None
    with pytest.raises(social.ChallengeClosed):
        store_social.accept_challenge(b.user_id, challenge.challenge_id, NOW)
    assert store_social.challenge(a.user_id, challenge.challenge_id) == expired


def test_social_pending_challenges_are_listed_newest_first_for_each_side(store_social: SocialStore) -> None:
    a, b, c = user("alice"), user("bob"), user("carol")
    befriend(store_social, a, b)
    befriend(store_social, a, c)
    first = challenge_between(store_social, a, b, NOW)
    second = challenge_between(store_social, a, c, NOW + 1)
    third = challenge_between(store_social, a, b, NOW + 2)
    answered = challenge_between(store_social, a, b, NOW + 3)
    store_social.decline_challenge(b.user_id, answered.challenge_id, NOW + 4)
    short = challenge_between(store_social, c, a, NOW + 5, lifetime_ms=1_000)
    now = NOW + 10
    assert store_social.challenges_sent(a.user_id, now, 10) == [third, second, first]
    assert store_social.challenges_sent(a.user_id, now, 2) == [third, second]
    assert store_social.challenges_received(b.user_id, now, 10) == [third, first]
    assert store_social.challenges_received(a.user_id, now, 10) == [short]
    assert store_social.challenges_received(a.user_id, short.expires_ms, 10) == []  # overdue
    assert store_social.challenges_sent(b.user_id, now, 10) == []


def test_social_two_accepts_at_once_get_one_room(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        befriend(store_social, a, b)
        cid = challenge_between(store_social, a, b).challenge_id
        first, second = at_once(*[lambda b=b, cid=cid: store_social.accept_challenge(b.user_id, cid, NOW + 1)] * 2)
        assert isinstance(first, Challenge) and isinstance(second, Challenge), (first, second)
        assert first == second
        assert first.room_code == store_social.pair_room(a.user_id, b.user_id)
        assert store_social.challenge(a.user_id, cid) == first


def test_social_two_challenges_accepted_at_once_share_the_pairs_room(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        befriend(store_social, a, b)
        one = challenge_between(store_social, a, b).challenge_id
        other = challenge_between(store_social, b, a).challenge_id
        first, second = at_once(
            lambda a=a, b=b, cid=one: store_social.accept_challenge(b.user_id, cid, NOW + 1),
            lambda a=a, b=b, cid=other: store_social.accept_challenge(a.user_id, cid, NOW + 1),
        )
        assert first.room_code == second.room_code == store_social.pair_room(b.user_id, a.user_id)


def test_social_accept_and_cancel_at_once_settle_one_way_for_a_challenge(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        befriend(store_social, a, b)
        cid = challenge_between(store_social, a, b).challenge_id
        accepted, cancelled = at_once(
            lambda b=b, cid=cid: store_social.accept_challenge(b.user_id, cid, NOW + 1),
            lambda a=a, cid=cid: store_social.cancel_challenge(a.user_id, cid, NOW + 1),
        )
        winner = accepted if isinstance(accepted, Challenge) else cancelled
        loser = cancelled if winner is accepted else accepted
        assert isinstance(winner, Challenge) and isinstance(loser, social.ChallengeClosed), (accepted, cancelled)
        assert store_social.challenge(a.user_id, cid) == winner


# Pair rooms


def test_social_pair_room_is_made_once_and_the_same_either_way_round(store_social: SocialStore) -> None:
    a, b, c = user("alice"), user("bob"), user("carol")
    code = store_social.pair_room(a.user_id, b.user_id)
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert store_social.pair_room(b.user_id, a.user_id) == code
    assert store_social.pair_room(a.user_id, c.user_id) != code
    with pytest.raises(social.SelfChallenge):
        store_social.pair_room(a.user_id, a.user_id)


def test_social_pair_room_made_by_both_at_once_has_one_code(store_social: SocialStore) -> None:
    for _ in range(ROUNDS):
        a, b = user("alice"), user("bob")
        codes = at_once(
            lambda a=a, b=b: store_social.pair_room(a.user_id, b.user_id),
            lambda a=a, b=b: store_social.pair_room(b.user_id, a.user_id),
        )
        assert codes[0] == codes[1] == store_social.pair_room(a.user_id, b.user_id), codes


# Notifications


def notify(store: SocialStore, u: UserRef, at: int, kind: NotificationKind = NotificationKind.FRIEND_REQUEST) -> str:
    notification = social.notify(u.user_id, kind, "New friend request", f"sent at {at}", f"fr_{at}", at)
    store.add_notification(notification)
    return notification.notification_id


def test_social_notifications_are_listed_newest_first_and_bounded(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    ids = [notify(store_social, a, NOW + i) for i in range(5)]
    notify(store_social, b, NOW)
    listed = store_social.notifications(a.user_id, 3)
    assert [n.notification_id for n in listed] == ids[::-1][:3]
    newest = listed[0]
    assert (newest.user_id, newest.kind, newest.title, newest.message, newest.entity_id, newest.read) == (
        a.user_id,
        NotificationKind.FRIEND_REQUEST,
        "New friend request",
        f"sent at {NOW + 4}",
        f"fr_{NOW + 4}",
        False,
    )
    assert newest.created_ms == NOW + 4
    assert len(store_social.notifications(a.user_id, 50)) == 5


def test_social_notifications_are_marked_read_one_or_all(store_social: SocialStore) -> None:
    a, b = user("alice"), user("bob")
    ids = [notify(store_social, a, NOW + i) for i in range(3)]
    store_social.mark_read(a.user_id, ids[0])
    refused = refused_alike(
        lambda: store_social.mark_read(b.user_id, ids[1]),
        lambda: store_social.mark_read(a.user_id, "ntf_unknown"),
    )
    assert refused == {(social.NotificationNotFound, "NOT_FOUND")}
    assert [n.read for n in store_social.notifications(a.user_id, 10)] == [False, False, True]
    assert store_social.mark_all_read(a.user_id) == 2
    assert store_social.mark_all_read(a.user_id) == 0
    assert all(n.read for n in store_social.notifications(a.user_id, 10))
    assert store_social.notifications(b.user_id, 10) == []


def test_social_pruning_keeps_the_newest_and_drops_read_ones_first(store_social: SocialStore) -> None:
    a = user("alice")
    ids = [notify(store_social, a, NOW + i) for i in range(6)]
    for read in (ids[1], ids[4]):
        store_social.mark_read(a.user_id, read)
    assert store_social.prune_notifications(a.user_id, 10) == 0
    assert store_social.prune_notifications(a.user_id, 4) == 2
    assert [n.notification_id for n in store_social.notifications(a.user_id, 10)] == [ids[5], ids[3], ids[2], ids[0]]
    assert store_social.prune_notifications(a.user_id, 3) == 1
    assert [n.notification_id for n in store_social.notifications(a.user_id, 10)] == [ids[5], ids[3], ids[2]]


# Accounts


def test_social_deleting_an_account_leaves_no_row_of_it_and_can_be_repeated(store_social: SocialStore) -> None:
    gone, a, b, c = user("gone"), user("alice"), user("bob"), user("carol")
    befriend(store_social, gone, a)
    befriend(store_social, b, gone)
    befriend(store_social, a, b)
    incoming = store_social.send_friend_request(c, gone, NOW)
    store_social.send_friend_request(gone, user("dave"), NOW)
    sent = challenge_between(store_social, gone, a)
    received = challenge_between(store_social, b, gone)
    kept = challenge_between(store_social, a, b)
    old_room = store_social.pair_room(gone.user_id, a.user_id)
    notify(store_social, gone, NOW)
    notify(store_social, a, NOW)

    for _ in range(2):
        store_social.delete_user_social(gone.user_id)
        assert store_social.friends(gone.user_id) == []
        assert friend_ids(store_social, a) == [b.user_id]
        assert friend_ids(store_social, b) == [a.user_id]
        assert store_social.incoming_requests(gone.user_id) == store_social.outgoing_requests(gone.user_id) == []
        assert store_social.outgoing_requests(c.user_id) == []
        assert store_social.challenges_sent(gone.user_id, NOW, 10) == []
        assert store_social.challenges_received(gone.user_id, NOW, 10) == []
        for challenge in (sent, received):
            with pytest.raises(social.ChallengeNotFound):
                store_social.challenge(a.user_id if challenge is sent else b.user_id, challenge.challenge_id)
        assert store_social.challenge(a.user_id, kept.challenge_id) == kept
        assert store_social.notifications(gone.user_id, 10) == []
        assert len(store_social.notifications(a.user_id, 10)) == 1

    with pytest.raises(social.FriendRequestNotFound):
        store_social.answer_friend_request(gone.user_id, incoming.request_id, True, NOW)
    # Nothing of the account holds a pair back: the same ids may start afresh.
    assert store_social.send_friend_request(c, gone, NOW + 1).status is RequestStatus.PENDING
    assert store_social.pair_room(gone.user_id, a.user_id) != old_room
