"""Game records and accounts: the record-store port and the use cases on top of it.

The port is synchronous because both adapters sit on blocking clients (stdlib ``sqlite3``
and ``boto3``; an asyncio DynamoDB client is not a dependency we carry). The use cases
call it through :func:`asyncio.to_thread`, so a slow store never stalls the event loop,
and each adapter is safe to call from many threads at once.

Finalization is one transaction per finished game: insert the game if its ``game_id`` is
new and add to both players' counters. A replay inserts nothing and counts as done.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import orjson

from chesschat.domain.finished import FinishedGame

HISTORY_PAGE = 20
MAX_HISTORY_PAGE = 100
HEAD_TO_HEAD_GAMES = 5
MAX_HEAD_TO_HEAD_GAMES = 20


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    username: str
    email: str
    password_hash: str
    total_games: int
    wins: int
    losses: int
    draws: int
    created_at: str
    last_login_at: str | None


@dataclass(frozen=True, slots=True)
class StatChange:
    """What one finished game adds to one player's counters."""

    user_id: str
    wins: int = 0
    losses: int = 0
    draws: int = 0
    total_games: int = 1


@dataclass(frozen=True, slots=True)
class HeadToHead:
    """The games two players played against each other, from the first one's side: every
    game that counts tallied (an aborted game counts for neither, as in their stats), and
    the newest few of all of them, aborted ones included, as their history lists them."""

    wins: int
    draws: int
    losses: int
    games: tuple[FinishedGame, ...]
    """Newest first (by ``ended_at``, then ``game_id``)."""


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """A position in a player's history: strictly older games come after it.

    ``ended_at`` is the stores' text of the time (:func:`utc_text`), the key they order by.
    """

    ended_at: str
    game_id: str


def utc_text(ms: int) -> str:
    """A time as the stores keep it: ISO 8601 in UTC to the millisecond, which sorts as
    it reads (``2023-11-14T22:13:20.000+00:00``)."""
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).isoformat(timespec="milliseconds")


class UsernameTaken(Exception):
    """Another account holds this username (compared lowercased)."""


class StoreUnavailable(Exception):
    """The store could not be reached or is too busy; the same call may succeed later."""


class UnknownPlayer(Exception):
    """A finished game names a player who has no account: nothing was written."""


class MalformedJob(Exception):
    """A finalization job that can never be recorded as it stands."""


class GameNotFound(Exception):
    """No such game, or the caller did not play in it."""


class BadCursor(ValueError):
    """A history cursor this server did not issue."""


class PlayerNotFound(Exception):
    """No account has this user id (any more)."""


class SamePlayer(ValueError):
    """A score asked for between a player and themselves."""


class RecordStore(Protocol):
    """Accounts, sessions and finished games. Every method may raise
    :class:`StoreUnavailable`; times are ISO 8601 strings in UTC."""

    def create_user(self, username: str, email: str, password_hash: str, user_id: str | None = None) -> Account:
        """A new account, under ``user_id`` when an identity provider chose it (a new id
        otherwise). :raises UsernameTaken: the lowercased name is held by another account,
        or the id by another account."""
        ...

    def user(self, user_id: str) -> Account | None: ...

    def user_by_username(self, username: str) -> Account | None: ...

    def usernames(self, user_ids: Collection[str]) -> dict[str, str]:
        """The current username of each of ``user_ids`` that still has an account."""
        ...

    def rename_user(self, user_id: str, username: str) -> Account:
        """Give the account a new name, freeing the old one, in one transaction; the
        ``user_id`` stays.

        :raises UsernameTaken: another account holds the lowercased name.
        :raises UnknownPlayer: there is no such account.
        """
        ...

    def delete_user(self, user_id: str) -> None:
        """The account, its name and its sessions go; its finished games stay (in the
        opponents' history). Only the id and counters are kept, marked deleted, so that a
        game it was playing still lands (a player with no account at all is refused with
        :class:`UnknownPlayer`, and the game waits). Deleting a deleted account does nothing."""
        ...

    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...

    def touch_login(self, user_id: str) -> None: ...

    def add_session(self, token_hash: str, user_id: str, expires_at: float) -> None: ...

    def session_user(self, token_hash: str, now: float) -> str | None: ...

    def drop_session(self, token_hash: str) -> None: ...

    def record_game(self, game: FinishedGame, changes: Sequence[StatChange]) -> bool:
        """Store the game and apply ``changes`` in one transaction. Returns ``False`` (and
        changes nothing) if the game is already stored.

        :raises UnknownPlayer: a changed user does not exist; nothing was written.
        """
        ...

    def game(self, game_id: str) -> FinishedGame | None: ...

    def history(self, user_id: str, limit: int, before: Cursor | None) -> list[FinishedGame]:
        """Up to ``limit`` games the user played as either colour, newest first, all
        strictly older than ``before`` (ordered by ``ended_at`` then ``game_id``)."""
        ...

    def head_to_head(self, user_id: str, opponent_id: str, limit: int) -> HeadToHead:
        """The games between the two, from ``user_id``'s side, with up to ``limit`` of them.
        Only the history of whichever of the two has fewer games is read."""
        ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


def stat_changes(game: FinishedGame) -> list[StatChange]:
    """The counters a finished game moves: none for an aborted game."""
    if not game.counts:
        return []
    if game.winner_id is None or game.loser_id is None:
        return [StatChange(game.white_id, draws=1), StatChange(game.black_id, draws=1)]
    return [StatChange(game.winner_id, wins=1), StatChange(game.loser_id, losses=1)]


def encode_cursor(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([cursor.ended_at, cursor.game_id])).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    """:raises BadCursor: ``text`` is not a cursor this server issued."""
    try:
        ended_at, game_id = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise BadCursor(text) from None
    if not isinstance(ended_at, str) or not isinstance(game_id, str):
        raise BadCursor(text)
    return Cursor(ended_at, game_id)


def cursor_of(game: FinishedGame) -> Cursor:
    return Cursor(utc_text(game.ended_at_ms), game.game_id)


class Records:
    """The use cases on finished games: record one, page a player's history, the score
    between two players, read one."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    async def finalize(self, game: FinishedGame) -> bool:
        """Record a finished game once. Returns ``False`` for a replay (already stored)."""
        return await asyncio.to_thread(self.store.record_game, game, stat_changes(game))

    async def _named(self, games: list[FinishedGame]) -> list[FinishedGame]:
        """The games with their players' names as they are now (renamed, or deleted)."""
        ids = {i for game in games for i in (game.white_id, game.black_id)}
        names = await asyncio.to_thread(self.store.usernames, ids) if ids else {}
        return [game.named(names) for game in games]

    async def history(
        self, user_id: str, cursor: str | None = None, limit: int = HISTORY_PAGE
    ) -> tuple[list[FinishedGame], str | None]:
        """A page of the user's games, newest first, and the cursor of the next page.

        :raises BadCursor: ``cursor`` was not issued by :meth:`history`.
        """
        limit = max(1, min(limit, MAX_HISTORY_PAGE))
        before = decode_cursor(cursor) if cursor else None
        games = await asyncio.to_thread(self.store.history, user_id, limit + 1, before)
        if len(games) <= limit:
            return await self._named(games), None
        return await self._named(games[:limit]), encode_cursor(cursor_of(games[limit - 1]))

    async def head_to_head(
        self, user_id: str, opponent_id: str, limit: int = HEAD_TO_HEAD_GAMES
    ) -> tuple[Account, HeadToHead]:
        """The opponent's account and the score between the two, from ``user_id``'s side.

        :raises SamePlayer: ``opponent_id`` is ``user_id``.
        :raises PlayerNotFound: the opponent has no account.
        """
        if opponent_id == user_id:
            raise SamePlayer(opponent_id)
        opponent = await asyncio.to_thread(self.store.user, opponent_id)
        if opponent is None:
            raise PlayerNotFound(opponent_id)
        limit = max(1, min(limit, MAX_HEAD_TO_HEAD_GAMES))
        score = await asyncio.to_thread(self.store.head_to_head, user_id, opponent_id, limit)
        return opponent, replace(score, games=tuple(await self._named(list(score.games))))

    async def game(self, user_id: str, game_id: str) -> FinishedGame:
        """:raises GameNotFound: no such game, or ``user_id`` did not play in it."""
        game = await asyncio.to_thread(self.store.game, game_id)
        if game is None or not game.played_by(user_id):
            raise GameNotFound(game_id)
        return (await self._named([game]))[0]
