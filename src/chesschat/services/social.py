"""The social use cases: friends, challenges, pair rooms and notifications.

Written against the :class:`~chesschat.services.social_store.SocialStore` port and the
accounts in the :class:`~chesschat.services.records.RecordStore`, both synchronous and so
called through :func:`asyncio.to_thread`. Whatever the other person should hear about is
stored as a notification for them and, when a pusher is given, sent to their open sockets.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import structlog

from chesschat.domain import social
from chesschat.domain.errors import DomainError
from chesschat.domain.room import AgreedGame
from chesschat.domain.social import (
    Challenge,
    ChallengeSettings,
    ChallengeStatus,
    FriendRequest,
    Friendship,
    Notification,
    NotificationKind,
    RequestStatus,
    UserRef,
)
from chesschat.protocol.outbound import ChallengeAccepted, ServerFrame
from chesschat.services.ports import Clock
from chesschat.services.records import Account, RecordStore
from chesschat.services.social_store import SocialStore

log = structlog.get_logger("chesschat.social")
NOTIFICATIONS_LISTED = 50
NOTIFICATIONS_KEPT = 200
CHALLENGES_LISTED = 50
AGREED_GAME_KEPT_MS = 15 * 60 * 1000
"""How long an accepted challenge's game waits for the two friends to sit down."""

Push = Callable[[Notification], Awaitable[None]]
"""Sends a stored notification to its recipient's open sockets, on every process."""


class PlayerNotFound(DomainError):
    """No account has that username."""

    code = "NOT_FOUND"


class LiveSockets(Protocol):
    async def live_sockets(self, user_id: str, now_s: float) -> int:
        """How many sockets the user holds open on any process at ``now_s``."""
        ...


class UserFrames(Protocol):
    async def to_user(self, user_id: str, frame: ServerFrame) -> None:
        """Send the frame to every socket the user holds open, on any process."""
        ...


class SocialLive(LiveSockets, UserFrames, Protocol):
    """What the social use cases need of the live state."""

    async def agree_game(self, code: str, agreed: AgreedGame, ttl_ms: int) -> None:
        """The pair's next game in room ``code``, which starts once both are seated there
        (within ``ttl_ms``)."""
        ...

    async def remember_pair(self, code: str, a: str, b: str) -> None:
        """``code`` is the pair room of ``a`` and ``b``: only they may open it or sit in it."""
        ...


@dataclass(frozen=True, slots=True)
class Friend:
    friendship: Friendship
    online: bool


def _ref(account: Account) -> UserRef:
    return UserRef(account.user_id, account.username)


class Social:
    def __init__(
        self,
        store: SocialStore,
        accounts: RecordStore,
        live: SocialLive,
        clock: Clock,
        push: Push | None = None,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.live = live
        self.clock = clock
        self.push = push

    async def player(self, username: str) -> Account:
        """The account with that username, compared as the original does (trimmed, lowercased).

        :raises PlayerNotFound: there is none.
        """
        account = await asyncio.to_thread(self.accounts.user_by_username, username.strip().lower())
        if account is None:
            raise PlayerNotFound("Player not found.")
        return account

    # Friend requests and friendships

    async def send_request(self, sender: Account, username: str) -> FriendRequest:
        """Ask the player named ``username`` to be friends; if they had already asked the
        sender, the two become friends at once (the returned request is theirs, accepted).

        :raises PlayerNotFound, SelfFriendRequest, AlreadyFriends, DuplicateFriendRequest:
        """
        recipient = await self.player(username)
        if recipient.user_id == sender.user_id:
            raise social.SelfFriendRequest("You cannot add yourself.")
        now = self.clock.now_ms()
        request = await asyncio.to_thread(self.store.send_friend_request, _ref(sender), _ref(recipient), now)
        if request.status is RequestStatus.ACCEPTED:
            await self._accepted(request)
        else:
            await self._notify(
                recipient.user_id,
                NotificationKind.FRIEND_REQUEST,
                "New friend request",
                f"{sender.username} sent you a friend request.",
                request.request_id,
            )
        return request

    async def answer_request(self, user_id: str, request_id: str, accept: bool) -> FriendRequest:
        """:raises FriendRequestNotFound, FriendRequestClosed:"""
        now = self.clock.now_ms()
        request = await asyncio.to_thread(self.store.answer_friend_request, user_id, request_id, accept, now)
        if request.status is RequestStatus.ACCEPTED:
            await self._accepted(request)
        return request

    async def _accepted(self, request: FriendRequest) -> None:
        name = request.recipient.username or "A player"
        await self._notify(
            request.sender.user_id,
            NotificationKind.FRIEND_ACCEPTED,
            "Friend request accepted",
            f"{name} accepted your friend request.",
            request.request_id,
        )

    async def cancel_request(self, user_id: str, request_id: str) -> FriendRequest:
        """:raises FriendRequestNotFound, FriendRequestClosed:"""
        return await asyncio.to_thread(self.store.cancel_friend_request, user_id, request_id, self.clock.now_ms())

    async def requests(self, user_id: str) -> tuple[list[FriendRequest], list[FriendRequest]]:
        """The pending requests the user received and sent, newest first."""
        received = await asyncio.to_thread(self.store.incoming_requests, user_id)
        sent = await asyncio.to_thread(self.store.outgoing_requests, user_id)
        return await self._renamed(received), await self._renamed(sent)

    async def _renamed(self, items: list[social.Row]) -> list[social.Row]:
        """The rows with their users under their names now: a rename shows at once."""
        ids = social.user_ids(items)
        names = await asyncio.to_thread(self.accounts.usernames, ids) if ids else {}
        return [social.renamed(item, names) for item in items]

    async def friends(self, user_id: str) -> list[Friend]:
        """The user's friends, each with whether they hold a socket open right now."""
        friendships = await self._renamed(await asyncio.to_thread(self.store.friends, user_id))
        now_s = self.clock.now_ms() / 1000
        counts = await asyncio.gather(*(self.live.live_sockets(f.friend.user_id, now_s) for f in friendships))
        return [Friend(f, count > 0) for f, count in zip(friendships, counts, strict=True)]

    async def remove_friend(self, user_id: str, friend_id: str) -> None:
        """:raises NotFriends:"""
        await asyncio.to_thread(self.store.remove_friend, user_id, friend_id)

    # Challenges

    async def challenge(self, challenger: Account, username: str, settings: ChallengeSettings) -> Challenge:
        """Challenge a friend to a game with ``settings``.

        :raises PlayerNotFound, SelfChallenge, NotFriends:
        """
        challenged = await self.player(username)
        if challenged.user_id == challenger.user_id:
            raise social.SelfChallenge("You cannot challenge yourself.")
        fresh = social.open_challenge(
            social.new_id("ch"), _ref(challenger), _ref(challenged), settings, self.clock.now_ms()
        )
        created = await asyncio.to_thread(self.store.create_challenge, fresh)
        await self._notify(
            challenged.user_id,
            NotificationKind.CHALLENGE,
            "New game challenge",
            f"{challenger.username} challenged you.",
            created.challenge_id,
        )
        return created

    async def challenges(self, user_id: str) -> list[Challenge]:
        """The user's pending challenges, sent and received, newest first."""
        now = self.clock.now_ms()
        sent = await asyncio.to_thread(self.store.challenges_sent, user_id, now, CHALLENGES_LISTED)
        received = await asyncio.to_thread(self.store.challenges_received, user_id, now, CHALLENGES_LISTED)
        return await self._renamed(social.waiting([*sent, *received], now, CHALLENGES_LISTED))

    async def accept_challenge(self, user_id: str, challenge_id: str) -> Challenge:
        """Accept into the pair's room (``room_code``); accepting again returns the same.

        :raises ChallengeNotFound, NotChallenged, ChallengeExpired, ChallengeClosed:
        """
        before = await asyncio.to_thread(self.store.challenge, user_id, challenge_id)
        accepted = await self._answer(self.store.accept_challenge, user_id, challenge_id, self.clock.now_ms())
        code = accepted.room_code
        assert code is not None
        await self.live.remember_pair(code, accepted.challenger.user_id, user_id)
        # An accept repeated returns the challenge as first accepted: the challenger is told once.
        if before.status is not ChallengeStatus.ACCEPTED:
            agreed = social.agreed_game(accepted, secrets.randbelow(2) == 0)
            await self.live.agree_game(code, agreed, AGREED_GAME_KEPT_MS)
            by = accepted.challenged
            await self._tell(
                accepted.challenger.user_id,
                ChallengeAccepted(accepted.challenge_id, code, by.user_id, by.username or ""),
            )
            await self._notify(
                accepted.challenger.user_id,
                NotificationKind.CHALLENGE_ACCEPTED,
                "Challenge accepted",
                f"{accepted.challenged.username or 'Your friend'} accepted your challenge.",
                accepted.challenge_id,
            )
        return accepted

    async def decline_challenge(self, user_id: str, challenge_id: str) -> Challenge:
        """:raises ChallengeNotFound, NotChallenged, ChallengeExpired, ChallengeClosed:"""
        declined = await self._answer(self.store.decline_challenge, user_id, challenge_id, self.clock.now_ms())
        await self._notify(
            declined.challenger.user_id,
            NotificationKind.CHALLENGE_DECLINED,
            "Challenge declined",
            f"{declined.challenged.username or 'Your friend'} declined your challenge.",
            declined.challenge_id,
        )
        return declined

    async def cancel_challenge(self, user_id: str, challenge_id: str) -> Challenge:
        """:raises ChallengeNotFound, NotChallenger, ChallengeExpired, ChallengeClosed:"""
        cancelled = await self._answer(self.store.cancel_challenge, user_id, challenge_id, self.clock.now_ms())
        await self._notify(
            cancelled.challenged.user_id,
            NotificationKind.CHALLENGE_CANCELLED,
            "Challenge withdrawn",
            f"{cancelled.challenger.username or 'Your friend'} withdrew their challenge.",
            cancelled.challenge_id,
        )
        return cancelled

    async def _answer(
        self, answer: Callable[[str, str, int], Challenge], user_id: str, challenge_id: str, now: int
    ) -> Challenge:
        try:
            return await asyncio.to_thread(answer, user_id, challenge_id, now)
        except social.ChallengeExpired:
            # Found overdue: mark it so, so that it reads as expired from now on.
            await asyncio.to_thread(self.store.expire_challenge, challenge_id, now)
            raise

    # Pair rooms

    async def pair_room(self, user_id: str, username: str) -> tuple[str, Account]:
        """The room code the user shares with the player named ``username``, and that player.

        :raises PlayerNotFound, SelfChallenge:
        """
        opponent = await self.player(username)
        if opponent.user_id == user_id:
            raise social.SelfChallenge("You can't challenge yourself.")
        code = await asyncio.to_thread(self.store.pair_room, user_id, opponent.user_id)
        await self.live.remember_pair(code, user_id, opponent.user_id)
        return code, opponent

    # Notifications

    async def notifications(self, user_id: str) -> list[Notification]:
        """The user's newest notifications, newest first."""
        return await asyncio.to_thread(self.store.notifications, user_id, NOTIFICATIONS_LISTED)

    async def mark_read(self, user_id: str, notification_id: str) -> None:
        """:raises NotificationNotFound:"""
        await asyncio.to_thread(self.store.mark_read, user_id, notification_id)

    async def mark_all_read(self, user_id: str) -> int:
        return await asyncio.to_thread(self.store.mark_all_read, user_id)

    async def _tell(self, user_id: str, frame: ServerFrame) -> None:
        try:
            await self.live.to_user(user_id, frame)
        except Exception:
            log.exception("user_frame_failed", userId=user_id)

    async def _notify(
        self, user_id: str, kind: NotificationKind, title: str, message: str, entity_id: str | None
    ) -> Notification:
        notification = social.notify(user_id, kind, title, message, entity_id, self.clock.now_ms())
        await asyncio.to_thread(self.store.add_notification, notification)
        await asyncio.to_thread(self.store.prune_notifications, user_id, NOTIFICATIONS_KEPT)
        if self.push is not None:
            try:
                await self.push(notification)
            except Exception:
                # It is stored, and listed: a recipient who missed it live still sees it.
                log.exception("notification_push_failed", userId=user_id)
        return notification
