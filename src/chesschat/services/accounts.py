"""What a person does to their own account once it exists: take a new username, or delete it.

A rename is one transaction on the account and the names it holds; the ``user_id`` stays,
so friendships, challenges and finished games follow the player under the new name.
Deleting removes the social rows first and the account after, so a failure half-way leaves
an account that can sign in and try again, never rows that point at nobody; the finished
games stay, shown in the opponents' history with the player as a deleted user. Every
socket of the account, on any process, closes.
"""

from __future__ import annotations

import asyncio

from chesschat.domain.errors import DomainError
from chesschat.services.identity import UsernameUnavailable, valid_name
from chesschat.services.presence import Presence
from chesschat.services.records import Account, RecordStore, UnknownPlayer, UsernameTaken
from chesschat.services.social_store import SocialStore


class AccountGone(DomainError):
    """The account was deleted while the request was on its way."""

    code = "UNAUTHORIZED"


class Accounts:
    def __init__(self, store: RecordStore, social: SocialStore, presence: Presence) -> None:
        self.store = store
        self.social = social
        self.presence = presence

    async def rename(self, account: Account, username: str) -> Account:
        """The account under ``username``.

        :raises InvalidUsername: not a valid username.
        :raises UsernameUnavailable: another account holds it.
        """
        name = valid_name(username)
        if name == account.username:
            return account
        try:
            return await asyncio.to_thread(self.store.rename_user, account.user_id, name)
        except UsernameTaken:
            raise UsernameUnavailable("That username is taken.") from None
        except UnknownPlayer:
            raise AccountGone("This account no longer exists.") from None

    async def delete(self, account: Account) -> None:
        """The account, its sessions, friendships, requests, challenges and notifications go,
        and its username is free again. Deleting twice does nothing more."""
        await asyncio.to_thread(self.social.delete_user_social, account.user_id)
        await asyncio.to_thread(self.store.delete_user, account.user_id)
        await self.presence.user_ended(account.user_id)
