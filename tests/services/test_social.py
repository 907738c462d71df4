"""The social use cases on the SQLite social store in a temporary file, with a hand-moved
clock, a fake count of live sockets and a recording pusher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chesschat.adapters.records import open_social
from chesschat.adapters.records.sqlite import SQLiteRecords
from chesschat.domain import social
from chesschat.domain.room import AgreedGame
from chesschat.domain.social import (
    CHALLENGE_LIFETIME_MS,
    ChallengeSettings,
    ChallengeStatus,
    ColourChoice,
    Notification,
    NotificationKind,
    RequestStatus,
)
from chesschat.protocol.outbound import ChallengeAccepted, ServerFrame
from chesschat.services.records import Account
from chesschat.services.social import PlayerNotFound, Social
from tests.support import FakeClock


class FakeSockets:
    def __init__(self) -> None:
        self.online: set[str] = set()
        self.pairs: dict[str, set[str]] = {}
        self.agreed: dict[str, AgreedGame] = {}
        self.frames: list[tuple[str, ServerFrame]] = []

    async def live_sockets(self, user_id: str, now_s: float) -> int:
        return 1 if user_id in self.online else 0

    async def remember_pair(self, code: str, a: str, b: str) -> None:
        self.pairs[code] = {a, b}

    async def agree_game(self, code: str, agreed: AgreedGame, ttl_ms: int) -> None:
        self.agreed[code] = agreed

    async def to_user(self, user_id: str, frame: ServerFrame) -> None:
        self.frames.append((user_id, frame))


class Pushed:
    def __init__(self) -> None:
        self.sent: list[Notification] = []

    async def __call__(self, notification: Notification) -> None:
        self.sent.append(notification)

    def kinds(self, user_id: str) -> list[NotificationKind]:
        return [n.kind for n in self.sent if n.user_id == user_id]


@pytest.fixture
def records(tmp_path: Path) -> Iterator[SQLiteRecords]:
    store = SQLiteRecords(tmp_path / "social.sqlite3")
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_700_000_000_000)


@pytest.fixture
def sockets() -> FakeSockets:
    return FakeSockets()


@pytest.fixture
def pushed() -> Pushed:
    return Pushed()


@pytest.fixture
def service(records: SQLiteRecords, clock: FakeClock, sockets: FakeSockets, pushed: Pushed) -> Social:
    return Social(open_social(records), records, sockets, clock, pushed)


def account(records: SQLiteRecords, name: str) -> Account:
    return records.create_user(name, "", "x")


async def befriend(service: Social, a: Account, b: Account) -> None:
    request = await service.send_request(a, b.username)
    await service.answer_request(b.user_id, request.request_id, accept=True)


async def test_social_friend_request_by_username_notifies_the_recipient(
    service: Social, records: SQLiteRecords, pushed: Pushed
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    request = await service.send_request(ann, "  BOB ")
    assert request.status is RequestStatus.PENDING and request.recipient.user_id == bob.user_id
    assert pushed.kinds(bob.user_id) == [NotificationKind.FRIEND_REQUEST]
    (stored,) = await service.notifications(bob.user_id)
    assert stored.entity_id == request.request_id and not stored.read
    assert await service.requests(bob.user_id) == ([request], [])
    assert await service.requests(ann.user_id) == ([], [request])


async def test_social_friend_request_to_unknown_or_self_is_refused(service: Social, records: SQLiteRecords) -> None:
    ann = account(records, "ann")
    with pytest.raises(PlayerNotFound):
        await service.send_request(ann, "nobody")
    with pytest.raises(social.SelfFriendRequest):
        await service.send_request(ann, "ann")


async def test_social_accepting_makes_friends_and_tells_the_sender(
    service: Social, records: SQLiteRecords, pushed: Pushed, sockets: FakeSockets
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await befriend(service, ann, bob)
    assert pushed.kinds(ann.user_id) == [NotificationKind.FRIEND_ACCEPTED]
    sockets.online.add(bob.user_id)
    (friend,) = await service.friends(ann.user_id)
    assert friend.friendship.friend.user_id == bob.user_id and friend.online
    (friend,) = await service.friends(bob.user_id)
    assert friend.friendship.friend.username == "ann" and not friend.online


async def test_social_asking_back_accepts_the_pending_request(
    service: Social, records: SQLiteRecords, pushed: Pushed
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await service.send_request(ann, "bob")
    answered = await service.send_request(bob, "ann")
    assert answered.status is RequestStatus.ACCEPTED
    assert pushed.kinds(ann.user_id) == [NotificationKind.FRIEND_ACCEPTED]
    assert len(await service.friends(ann.user_id)) == 1


async def test_social_declined_and_cancelled_requests_leave_no_friendship(
    service: Social, records: SQLiteRecords
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    first = await service.send_request(ann, "bob")
    declined = await service.answer_request(bob.user_id, first.request_id, accept=False)
    assert declined.status is RequestStatus.DECLINED
    with pytest.raises(social.FriendRequestClosed):
        await service.answer_request(bob.user_id, first.request_id, accept=True)
    second = await service.send_request(ann, "bob")
    with pytest.raises(social.FriendRequestNotFound):
        await service.cancel_request(bob.user_id, second.request_id)
    assert (await service.cancel_request(ann.user_id, second.request_id)).status is RequestStatus.CANCELLED
    assert await service.friends(ann.user_id) == []


async def test_social_removing_a_friend_ends_it_both_ways(service: Social, records: SQLiteRecords) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await befriend(service, ann, bob)
    await service.remove_friend(bob.user_id, ann.user_id)
    assert await service.friends(ann.user_id) == [] and await service.friends(bob.user_id) == []
    with pytest.raises(social.NotFriends):
        await service.remove_friend(ann.user_id, bob.user_id)


async def test_social_challenge_accepted_into_the_pair_room(
    service: Social, records: SQLiteRecords, pushed: Pushed, sockets: FakeSockets
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await befriend(service, ann, bob)
    settings = ChallengeSettings(180_000, increment_ms=2_000, takebacks=1, colour=ColourChoice.BLACK)
    challenge = await service.challenge(ann, "bob", settings)
    assert pushed.kinds(bob.user_id)[-1] is NotificationKind.CHALLENGE
    assert [c.challenge_id for c in await service.challenges(bob.user_id)] == [challenge.challenge_id]
    assert [c.challenge_id for c in await service.challenges(ann.user_id)] == [challenge.challenge_id]
    with pytest.raises(social.NotChallenged):
        await service.accept_challenge(ann.user_id, challenge.challenge_id)
    accepted = await service.accept_challenge(bob.user_id, challenge.challenge_id)
    code, opponent = await service.pair_room(ann.user_id, "bob")
    assert accepted.status is ChallengeStatus.ACCEPTED and accepted.room_code == code and opponent == bob
    assert sockets.pairs == {code: {ann.user_id, bob.user_id}}
    # The game waits in the pair room with the challenge's settings, ann playing black.
    agreed = sockets.agreed[code]
    assert (agreed.white_id, agreed.black_id) == (bob.user_id, ann.user_id)
    assert (agreed.settings.time_white_ms, agreed.settings.time_black_ms, agreed.settings.increment_ms) == (
        180_000,
        180_000,
        2_000,
    )
    assert agreed.settings.allow_takebacks and agreed.settings.takebacks_white_max == 1
    assert sockets.frames == [(ann.user_id, ChallengeAccepted(challenge.challenge_id, code, bob.user_id, "bob"))]
    again = await service.accept_challenge(bob.user_id, challenge.challenge_id)
    assert again.room_code == code
    assert pushed.kinds(ann.user_id).count(NotificationKind.CHALLENGE_ACCEPTED) == 1
    assert len(sockets.frames) == 1


async def test_social_challenge_to_a_stranger_or_self_is_refused(service: Social, records: SQLiteRecords) -> None:
    ann, _ = account(records, "ann"), account(records, "bob")
    with pytest.raises(social.NotFriends):
        await service.challenge(ann, "bob", ChallengeSettings())
    with pytest.raises(social.SelfChallenge):
        await service.challenge(ann, "ann", ChallengeSettings())
    with pytest.raises(PlayerNotFound):
        await service.challenge(ann, "nobody", ChallengeSettings())


async def test_social_declined_and_cancelled_challenges_tell_the_other_player(
    service: Social, records: SQLiteRecords, pushed: Pushed
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await befriend(service, ann, bob)
    first = await service.challenge(ann, "bob", ChallengeSettings())
    with pytest.raises(social.NotChallenger):
        await service.cancel_challenge(bob.user_id, first.challenge_id)
    assert (await service.decline_challenge(bob.user_id, first.challenge_id)).status is ChallengeStatus.DECLINED
    assert pushed.kinds(ann.user_id)[-1] is NotificationKind.CHALLENGE_DECLINED
    second = await service.challenge(ann, "bob", ChallengeSettings())
    assert (await service.cancel_challenge(ann.user_id, second.challenge_id)).status is ChallengeStatus.CANCELLED
    assert pushed.kinds(bob.user_id)[-1] is NotificationKind.CHALLENGE_CANCELLED
    assert await service.challenges(bob.user_id) == []
    with pytest.raises(social.ChallengeClosed):
        await service.accept_challenge(bob.user_id, second.challenge_id)


async def test_social_expired_challenge_is_refused_and_marked_expired(
    service: Social, records: SQLiteRecords, clock: FakeClock
) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    await befriend(service, ann, bob)
    challenge = await service.challenge(ann, "bob", ChallengeSettings())
    clock.advance(CHALLENGE_LIFETIME_MS)
    assert await service.challenges(bob.user_id) == []
    with pytest.raises(social.ChallengeExpired):
        await service.accept_challenge(bob.user_id, challenge.challenge_id)
    assert service.store.challenge(bob.user_id, challenge.challenge_id).status is ChallengeStatus.EXPIRED


async def test_social_challenges_of_others_are_not_found(service: Social, records: SQLiteRecords) -> None:
    ann, bob, eve = account(records, "ann"), account(records, "bob"), account(records, "eve")
    await befriend(service, ann, bob)
    challenge = await service.challenge(ann, "bob", ChallengeSettings())
    for answer in (service.accept_challenge, service.decline_challenge, service.cancel_challenge):
        with pytest.raises(social.ChallengeNotFound):
            await answer(eve.user_id, challenge.challenge_id)


async def test_social_pair_room_is_one_code_either_way_round(service: Social, records: SQLiteRecords) -> None:
    ann, bob = account(records, "ann"), account(records, "bob")
    code, opponent = await service.pair_room(ann.user_id, "bob")
    assert opponent.user_id == bob.user_id
    assert (await service.pair_room(bob.user_id, "ann"))[0] == code
    with pytest.raises(social.SelfChallenge):
        await service.pair_room(ann.user_id, "ann")


async def test_social_notifications_marked_read_one_or_all(
    service: Social, records: SQLiteRecords, clock: FakeClock
) -> None:
    ann, bob, cat = account(records, "ann"), account(records, "bob"), account(records, "cat")
    await service.send_request(bob, "ann")
    clock.advance(1)
    await service.send_request(cat, "ann")
    newest, older = await service.notifications(ann.user_id)
    assert newest.message.startswith("cat")
    await service.mark_read(ann.user_id, older.notification_id)
    assert [n.read for n in await service.notifications(ann.user_id)] == [False, True]
    with pytest.raises(social.NotificationNotFound):
        await service.mark_read(bob.user_id, newest.notification_id)
    assert await service.mark_all_read(ann.user_id) == 1
    assert all(n.read for n in await service.notifications(ann.user_id))


async def test_social_a_failed_push_leaves_the_notification_stored_and_the_action_done(
    records: SQLiteRecords, clock: FakeClock, sockets: FakeSockets
) -> None:
    async def broken(notification: Notification) -> None:
        raise ConnectionError("relay down")

    service = Social(open_social(records), records, sockets, clock, broken)
    ann, bob = account(records, "ann"), account(records, "bob")
    request = await service.send_request(ann, "bob")
    assert request.status is RequestStatus.PENDING
    assert [n.entity_id for n in await service.notifications(bob.user_id)] == [request.request_id]
