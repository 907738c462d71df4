"""Friends, challenges and notifications: the values and the rules, no storage.

The statuses and kinds are the strings the original ChessChat stores, so its tables and
ours read each other: an accepted challenge is ``"active"`` (what its accept writes) and a
cancelled request or challenge is ``"canceled"`` (its schema's spelling); the other
spellings are read as the same member.

Every rule takes the current value (or ``None`` when there is none) and returns the next
one, or raises a narrow :class:`~chesschat.domain.errors.DomainError`. A request or
challenge the caller is no party to is refused exactly as one that does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any, TypeVar

from chesschat.domain.errors import DomainError, InvalidSettings
from chesschat.domain.game import GameSettings
from chesschat.domain.room import AgreedGame

PAIR_SEPARATOR = ":"
"""Joins the two sorted user ids of a pair (the original's ``pair_id``)."""
CHALLENGE_LIFETIME_MS = 15 * 60 * 1000
"""How long a challenge waits for an answer unless it says otherwise."""
MAX_CHALLENGE_LIFETIME_MS = 24 * 60 * 60 * 1000
"""No challenge waits longer; the stores look no further back for pending ones."""
DEFAULT_TIME_PER_SIDE_MS = 300_000


class FriendRequestNotFound(DomainError):
    """No such request addressed to (or, for a cancel, sent by) the caller."""

    code = "NOT_FOUND"


class FriendRequestClosed(DomainError):
    """The request was already accepted, declined or cancelled."""

    code = "CONFLICT"


class SelfFriendRequest(DomainError):
    """A user asked to befriend themselves."""

    code = "INVALID_PAYLOAD"


class AlreadyFriends(DomainError):
    code = "CONFLICT"


class DuplicateFriendRequest(DomainError):
    """The sender already has a pending request to this recipient."""

    code = "CONFLICT"


class NotFriends(DomainError):
    """The other user is not the caller's friend (removing them, or challenging them)."""

    code = "NOT_FOUND"


class SelfChallenge(DomainError):
    """A user tried to play (or share a pair room with) themselves."""

    code = "INVALID_PAYLOAD"


class ChallengeNotFound(DomainError):
    """No such challenge, or the caller is neither its challenger nor its challenged."""

    code = "NOT_FOUND"


class NotChallenged(DomainError):
    """Only the challenged player may accept or decline."""

    code = "UNAUTHORIZED"


class NotChallenger(DomainError):
    """Only the challenger may cancel."""

    code = "UNAUTHORIZED"


class ChallengeClosed(DomainError):
    """The challenge was already declined, cancelled or expired (or accepted, for decline
    and cancel)."""

    code = "CONFLICT"


class ChallengeExpired(DomainError):
    """The challenge waited past its expiry without an answer."""

    code = "CONFLICT"


class NotificationNotFound(DomainError):
    code = "NOT_FOUND"


class RequestStatus(StrEnum):
    """Where a friend request stands."""

    PENDING = "pending"
    """Waiting for the recipient."""
    ACCEPTED = "accepted"
    """The recipient accepted (or sent a request back): the two are friends."""
    DECLINED = "declined"
    """The recipient said no."""
    CANCELLED = "canceled"
    """The sender withdrew it."""

    @classmethod
    def _missing_(cls, value: object) -> RequestStatus | None:
        return cls.CANCELLED if value == "cancelled" else None


class ChallengeStatus(StrEnum):
    """Where a challenge stands."""

    PENDING = "pending"
    """Waiting for the challenged player."""
    ACCEPTED = "active"
    """Accepted: ``room_code`` is the pair's room."""
    DECLINED = "declined"
    """The challenged player said no."""
    CANCELLED = "canceled"
    """The challenger withdrew it."""
    EXPIRED = "expired"
    """Nobody answered before ``expires_ms``."""

    @classmethod
    def _missing_(cls, value: object) -> ChallengeStatus | None:
        return {"accepted": cls.ACCEPTED, "cancelled": cls.CANCELLED}.get(str(value))


class ColourChoice(StrEnum):
    """The colour the challenger asked to play."""

    WHITE = "white"
    BLACK = "black"
    RANDOM = "random"


class NotificationKind(StrEnum):
    """What a notification is about; ``entity_id`` names the request or challenge."""

    FRIEND_REQUEST = "friend_request"
    """Someone sent the user a friend request."""
    FRIEND_ACCEPTED = "friend_accepted"
    """The user's friend request was accepted."""
    CHALLENGE = "challenge_received"
    """A friend challenged the user."""
    CHALLENGE_ACCEPTED = "challenge_accepted"
    """The user's challenge was accepted."""
    CHALLENGE_DECLINED = "challenge_declined"
    """The user's challenge was declined."""
    CHALLENGE_CANCELLED = "challenge_canceled"
    """A challenge to the user was withdrawn."""
    SYSTEM = "system"
    """Anything else: shown by its title and message (also any kind this version does not
    know)."""


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user as a social row names them: the immutable id, and the username it had when
    the row was written (``""`` when the writer did not know it)."""

    user_id: str
    username: str = ""


@dataclass(frozen=True, slots=True)
class FriendRequest:
    request_id: str
    sender: UserRef
    recipient: UserRef
    status: RequestStatus
    created_ms: int
    answered_ms: int | None = None
    """When it stopped being pending; ``None`` while it is."""


@dataclass(frozen=True, slots=True)
class Friendship:
    """One direction of a friendship: ``user_id`` has ``friend``. Both directions are
    always stored together."""

    user_id: str
    friend: UserRef
    since_ms: int


@dataclass(frozen=True, slots=True)
class ChallengeSettings:
    """The game a challenge proposes."""

    time_per_side_ms: int = DEFAULT_TIME_PER_SIDE_MS
    increment_ms: int = 0
    takebacks: int = 0
    """Takebacks each side may use; 0 allows none."""
    colour: ColourChoice = ColourChoice.RANDOM

    def __post_init__(self) -> None:
        if self.time_per_side_ms <= 0:
            raise InvalidSettings("time per side must be positive")
        if self.increment_ms < 0:
            raise InvalidSettings("increment must not be negative")
        if self.takebacks < 0:
            raise InvalidSettings("takebacks must not be negative")


@dataclass(frozen=True, slots=True)
class Challenge:
    challenge_id: str
    challenger: UserRef
    challenged: UserRef
    settings: ChallengeSettings
    status: ChallengeStatus
    created_ms: int
    expires_ms: int
    room_code: str | None = None
    """The pair's room, once accepted."""
    answered_ms: int | None = None

    def party(self, user_id: str) -> bool:
        return user_id in (self.challenger.user_id, self.challenged.user_id)

    def overdue(self, now_ms: int) -> bool:
        """Pending and past its expiry: it can no longer be accepted."""
        return self.status is ChallengeStatus.PENDING and now_ms >= self.expires_ms


@dataclass(frozen=True, slots=True)
class Notification:
    notification_id: str
    user_id: str
    """The recipient."""
    kind: NotificationKind
    title: str
    message: str
    entity_id: str | None
    """The friend request or challenge it is about."""
    read: bool
    created_ms: int


Row = TypeVar("Row", "FriendRequest", "Friendship", "Challenge")


def renamed(item: Row, names: Mapping[str, str]) -> Row:
    """``item`` with each user it names under their username now (``names`` maps user ids;
    one missing keeps the name as written)."""
    changes: dict[str, Any] = {
        f.name: UserRef(ref.user_id, names.get(ref.user_id, ref.username))
        for f in fields(item)
        if isinstance(ref := getattr(item, f.name), UserRef)
    }
    return replace(item, **changes)


def user_ids(items: Iterable[FriendRequest | Friendship | Challenge]) -> set[str]:
    """Every user the items name."""
    return {ref.user_id for item in items for f in fields(item) if isinstance(ref := getattr(item, f.name), UserRef)}


def pair_id(a: str, b: str) -> str:
    """The key of a pair of users: both ids sorted and joined, the same either way round.

    :raises SelfChallenge: ``a`` and ``b`` are the same user.
    """
    if a == b:
        raise SelfChallenge("a pair needs two users")
    return PAIR_SEPARATOR.join(sorted((a, b)))


def new_id(prefix: str) -> str:
    """An unguessable id in the original's form: ``fr_``/``ch_`` and 20 hex digits."""
    return f"{prefix}_{secrets.token_hex(10)}"


def new_notification_id(now_ms: int) -> str:
    """``ntf_`` and 20 hex digits like the original's, but led by the time, so a user's
    notifications sort newest first by id (the order the stores read them in)."""
    return f"ntf_{now_ms:012x}{secrets.token_hex(4)}"


# Friend requests


def open_friend_request(request_id: str, sender: UserRef, recipient: UserRef, now_ms: int) -> FriendRequest:
    """:raises SelfFriendRequest: the sender is the recipient."""
    if sender.user_id == recipient.user_id:
        raise SelfFriendRequest("You cannot add yourself.")
    return FriendRequest(request_id, sender, recipient, RequestStatus.PENDING, now_ms)


def answer_friend_request(request: FriendRequest | None, by: str, accept: bool, now_ms: int) -> FriendRequest:
    """The recipient's answer.

    :raises FriendRequestNotFound: no such request, or it is not addressed to ``by``.
    :raises FriendRequestClosed: it is no longer pending.
    """
    if request is None or request.recipient.user_id != by:
        raise FriendRequestNotFound("Friend request not found.")
    return _close(request, RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED, now_ms)


def cancel_friend_request(request: FriendRequest | None, by: str, now_ms: int) -> FriendRequest:
    """The sender withdraws the request.

    :raises FriendRequestNotFound: no such request, or ``by`` did not send it.
    :raises FriendRequestClosed: it is no longer pending.
    """
    if request is None or request.sender.user_id != by:
        raise FriendRequestNotFound("Friend request not found.")
    return _close(request, RequestStatus.CANCELLED, now_ms)


def _close(request: FriendRequest, status: RequestStatus, now_ms: int) -> FriendRequest:
    if request.status is not RequestStatus.PENDING:
        raise FriendRequestClosed(f"Friend request already {request.status.value}.")
    return replace(request, status=status, answered_ms=now_ms)


def friendships_of(request: FriendRequest) -> tuple[Friendship, Friendship]:
    """The two directions an accepted request creates."""
    since = request.answered_ms if request.answered_ms is not None else request.created_ms
    return (
        Friendship(request.recipient.user_id, request.sender, since),
        Friendship(request.sender.user_id, request.recipient, since),
    )


# Challenges


def open_challenge(
    challenge_id: str,
    challenger: UserRef,
    challenged: UserRef,
    settings: ChallengeSettings,
    now_ms: int,
    lifetime_ms: int = CHALLENGE_LIFETIME_MS,
) -> Challenge:
    """A new pending challenge (the stores check that the two are friends).

    :raises SelfChallenge: the challenger challenged themselves.
    :raises InvalidSettings: ``lifetime_ms`` is not within (0, :data:`MAX_CHALLENGE_LIFETIME_MS`].
    """
    if challenger.user_id == challenged.user_id:
        raise SelfChallenge("You cannot challenge yourself.")
    if not 0 < lifetime_ms <= MAX_CHALLENGE_LIFETIME_MS:
        raise InvalidSettings("a challenge must expire within a day")
    return Challenge(
        challenge_id, challenger, challenged, settings, ChallengeStatus.PENDING, now_ms, now_ms + lifetime_ms
    )


def visible(challenge: Challenge | None, to: str) -> Challenge:
    """:raises ChallengeNotFound: no such challenge, or ``to`` is no party to it."""
    if challenge is None or not challenge.party(to):
        raise ChallengeNotFound("Challenge not found.")
    return challenge


def accept_challenge(challenge: Challenge | None, by: str, room_code: str, now_ms: int) -> Challenge:
    """The challenged player accepts, into the pair's room. Accepting an accepted challenge
    again returns it unchanged, with the room it was accepted into.

    :raises ChallengeNotFound: no such challenge, or ``by`` is no party to it.
    :raises NotChallenged: ``by`` is the challenger.
    :raises ChallengeExpired: it waited past its expiry.
    :raises ChallengeClosed: it was declined, cancelled or expired.
    """
    challenge = _answerable(challenge, by, now_ms, accepted_again=True)
    if challenge.status is ChallengeStatus.ACCEPTED:
        return challenge
    return replace(challenge, status=ChallengeStatus.ACCEPTED, room_code=room_code, answered_ms=now_ms)


def decline_challenge(challenge: Challenge | None, by: str, now_ms: int) -> Challenge:
    """The challenged player says no to a pending challenge.

    :raises ChallengeNotFound: no such challenge, or ``by`` is no party to it.
    :raises NotChallenged: ``by`` is the challenger.
    :raises ChallengeExpired: it waited past its expiry.
    :raises ChallengeClosed: it is no longer pending (accepted ones included).
    """
    challenge = _answerable(challenge, by, now_ms, accepted_again=False)
    return replace(challenge, status=ChallengeStatus.DECLINED, answered_ms=now_ms)


def cancel_challenge(challenge: Challenge | None, by: str, now_ms: int) -> Challenge:
    """The challenger withdraws a pending challenge.

    :raises ChallengeNotFound: no such challenge, or ``by`` is no party to it.
    :raises NotChallenger: ``by`` is the challenged player.
    :raises ChallengeExpired: it already waited past its expiry.
    :raises ChallengeClosed: it is no longer pending.
    """
    challenge = visible(challenge, by)
    if challenge.challenger.user_id != by:
        raise NotChallenger("Only the challenger can cancel.")
    _pending(challenge, now_ms)
    return replace(challenge, status=ChallengeStatus.CANCELLED, answered_ms=now_ms)


def expire_challenge(challenge: Challenge | None, now_ms: int) -> Challenge | None:
    """The challenge marked expired, or ``None`` when there is nothing to expire (gone,
    answered, or not yet due)."""
    if challenge is None or not challenge.overdue(now_ms):
        return None
    return replace(challenge, status=ChallengeStatus.EXPIRED, answered_ms=now_ms)


def _answerable(challenge: Challenge | None, by: str, now_ms: int, accepted_again: bool) -> Challenge:
    challenge = visible(challenge, by)
    if challenge.challenged.user_id != by:
        raise NotChallenged("Only the challenged player can answer.")
    if accepted_again and challenge.status is ChallengeStatus.ACCEPTED:
        return challenge
    _pending(challenge, now_ms)
    return challenge


def _pending(challenge: Challenge, now_ms: int) -> None:
    if challenge.overdue(now_ms):
        raise ChallengeExpired("Challenge expired.")
    if challenge.status is not ChallengeStatus.PENDING:
        raise ChallengeClosed(f"Challenge already {challenge.status.value}.")


def agreed_game(challenge: Challenge, coin: bool) -> AgreedGame:
    """The game an accepted challenge starts: its settings, and the challenger's colour as
    asked (``coin`` decides a random one: ``True`` gives the challenger white)."""
    s = challenge.settings
    challenger, challenged = challenge.challenger.user_id, challenge.challenged.user_id
    challenger_white = {ColourChoice.WHITE: True, ColourChoice.BLACK: False}.get(s.colour, coin)
    white, black = (challenger, challenged) if challenger_white else (challenged, challenger)
    settings = GameSettings(
        time_white_ms=s.time_per_side_ms,
        time_black_ms=s.time_per_side_ms,
        increment_ms=s.increment_ms,
        allow_takebacks=s.takebacks > 0,
        takebacks_white_max=s.takebacks,
        takebacks_black_max=s.takebacks,
    )
    return AgreedGame(challenge.challenge_id, white, black, settings)


def waiting(challenges: Iterable[Challenge], now_ms: int, limit: int) -> list[Challenge]:
    """The pending challenges not yet overdue, newest first (ties by id), at most ``limit``."""
    live = [c for c in challenges if c.status is ChallengeStatus.PENDING and not c.overdue(now_ms)]
    live.sort(key=lambda c: (c.created_ms, c.challenge_id), reverse=True)
    return live[:limit]


# Notifications


def notify(
    user_id: str, kind: NotificationKind, title: str, message: str, entity_id: str | None, now_ms: int
) -> Notification:
    """A new unread notification for ``user_id``."""
    return Notification(new_notification_id(now_ms), user_id, kind, title, message, entity_id, False, now_ms)


def notifications_to_prune(notifications: Iterable[Notification], keep: int) -> list[str]:
    """The ids to delete so that at most ``keep`` remain: the oldest read ones first, then,
    only if the user still has more than ``keep`` unread, the oldest unread."""
    newest_first = sorted(notifications, key=lambda n: (n.created_ms, n.notification_id), reverse=True)
    excess = len(newest_first) - max(keep, 0)
    if excess <= 0:
        return []
    oldest_first = newest_first[::-1]
    doomed = [n for n in oldest_first if n.read][:excess]
    doomed += [n for n in oldest_first if not n.read][: excess - len(doomed)]
    return [n.notification_id for n in doomed]
