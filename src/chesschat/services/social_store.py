"""The social-store port: friend requests, friendships, challenges, pair rooms and
notifications, as the five social tables keep them.

Synchronous like :class:`~chesschat.services.records.RecordStore`, and for the same reason:
both adapters sit on blocking clients, and the use cases call them through
:func:`asyncio.to_thread`. Each adapter shares its record store's connection or client and
is safe to call from many threads and many processes at once: every rule below that says
"once" or "one" holds under concurrent callers (transactions and conditional writes, not
read-then-write).

Every method may raise :class:`~chesschat.services.records.StoreUnavailable`; the domain
errors each names are those of :mod:`chesschat.domain.social`. Times are epoch
milliseconds, passed in so that expiry is tested with an injected clock.
"""

from __future__ import annotations

from typing import Protocol

from chesschat.domain.social import Challenge, FriendRequest, Friendship, Notification, UserRef


class SocialStore(Protocol):
    # Friend requests and friendships

    def send_friend_request(self, sender: UserRef, recipient: UserRef, now_ms: int) -> FriendRequest:
        """A new pending request, or, when ``recipient`` has a pending request to ``sender``,
        that request accepted (status ``ACCEPTED``: the two are now friends). Two users
        requesting each other at once end as one friendship.

        :raises SelfFriendRequest: ``sender`` is ``recipient``.
        :raises AlreadyFriends: they are friends already.
        :raises DuplicateFriendRequest: ``sender`` has a pending request to ``recipient``.
        """
        ...

    def answer_friend_request(self, recipient_id: str, request_id: str, accept: bool, now_ms: int) -> FriendRequest:
        """Accept (both friendship directions written with the answer, in one transaction)
        or decline.

        :raises FriendRequestNotFound: no such request addressed to ``recipient_id``.
        :raises FriendRequestClosed: it is no longer pending.
        """
        ...

    def cancel_friend_request(self, sender_id: str, request_id: str, now_ms: int) -> FriendRequest:
        """:raises FriendRequestNotFound: no such request sent by ``sender_id``.
        :raises FriendRequestClosed: it is no longer pending.
        """
        ...

    def incoming_requests(self, user_id: str) -> list[FriendRequest]:
        """Pending requests to ``user_id``, newest first."""
        ...

    def outgoing_requests(self, user_id: str) -> list[FriendRequest]:
        """Pending requests from ``user_id``, newest first."""
        ...

    def friends(self, user_id: str) -> list[Friendship]:
        """``user_id``'s friendships, ordered by the friend's user id."""
        ...

    def friendship(self, user_id: str, friend_id: str) -> Friendship | None: ...

    def remove_friend(self, user_id: str, friend_id: str) -> None:
        """Both directions, in one transaction.

        :raises NotFriends: they are not friends.
        """
        ...

    # Challenges

    def create_challenge(self, challenge: Challenge) -> Challenge:
        """Store a new pending challenge (from :func:`~chesschat.domain.social.open_challenge`).

        :raises NotFriends: the challenged player is not the challenger's friend (checked in
            the same transaction as the write).
        """
        ...

    def challenge(self, user_id: str, challenge_id: str) -> Challenge:
        """:raises ChallengeNotFound: no such challenge, or ``user_id`` is no party to it."""
        ...

    def challenges_sent(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        """``user_id``'s pending challenges not yet overdue, newest first."""
        ...

    def challenges_received(self, user_id: str, now_ms: int, limit: int) -> list[Challenge]:
        """Pending challenges to ``user_id`` not yet overdue, newest first."""
        ...

    def accept_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        """Accept into the pair's room (:meth:`pair_room`). Exactly once: a conditional
        update; accepting again, or at the same moment, returns the same challenge with
        the same room.

        :raises ChallengeNotFound: no such challenge, or ``user_id`` is no party to it.
        :raises NotChallenged: ``user_id`` is the challenger.
        :raises ChallengeExpired: it waited past its expiry.
        :raises ChallengeClosed: it was declined, cancelled or expired.
        """
        ...

    def decline_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        """:raises ChallengeNotFound: no such challenge, or ``user_id`` is no party to it.
        :raises NotChallenged: ``user_id`` is the challenger.
        :raises ChallengeExpired: it waited past its expiry.
        :raises ChallengeClosed: it is no longer pending (accepted ones included).
        """
        ...

    def cancel_challenge(self, user_id: str, challenge_id: str, now_ms: int) -> Challenge:
        """:raises ChallengeNotFound: no such challenge, or ``user_id`` is no party to it.
        :raises NotChallenger: ``user_id`` is the challenged player.
        :raises ChallengeExpired: it waited past its expiry.
        :raises ChallengeClosed: it is no longer pending.
        """
        ...

    def expire_challenge(self, challenge_id: str, now_ms: int) -> Challenge | None:
        """Mark an overdue pending challenge expired. Returns it if this call expired it,
        ``None`` if there was nothing to do (gone, answered, not yet due, or expired by
        another caller first)."""
        ...

    # Pair rooms

    def pair_room(self, a: str, b: str) -> str:
        """The pair's room code, created on first use and the same forever after; two
        callers creating it at once get one code.

        :raises SelfChallenge: ``a`` is ``b``.
        """
        ...

    # Notifications

    def add_notification(self, notification: Notification) -> None: ...

    def notifications(self, user_id: str, limit: int) -> list[Notification]:
        """The newest ``limit`` notifications of ``user_id``, newest first."""
        ...

    def mark_read(self, user_id: str, notification_id: str) -> None:
        """:raises NotificationNotFound: ``user_id`` has no such notification."""
        ...

    def mark_all_read(self, user_id: str) -> int:
        """Returns how many were unread."""
        ...

    def prune_notifications(self, user_id: str, keep: int) -> int:
        """Delete down to ``keep`` notifications, oldest read ones first
        (:func:`~chesschat.domain.social.notifications_to_prune`); returns how many went."""
        ...

    # Accounts

    def delete_user_social(self, user_id: str) -> None:
        """Remove every social row of ``user_id``: both directions of each friendship, the
        requests and challenges it sent or received, its notifications, and the pair rooms
        of everyone those rows name. Safe to repeat after a failure."""
        ...
