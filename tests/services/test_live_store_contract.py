"""One contract, two live stores: the Redis adapter (against a real redis-server) and the
in-memory fake the room-command tests use. A case that passes on one and not the other
means the fake lies, and the command tests with it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, cast

import pytest
from redis.asyncio import Redis

from chesschat.adapters.redis_live import FinalizationQueue, RedisLive
from chesschat.domain import room as rules
from chesschat.domain.game import GameSettings
from chesschat.domain.room import Player, Room
from chesschat.services.ports import ConnectionRecord, Deadline, LiveStore, Outbox, RoomDeadlines, RoomGone
from chesschat.services.social import LiveSockets, SocialLive
from tests.services.fakes import MemoryLive

NOW_MS = 1_000_000_000
TTL_MS = 3_600_000
ALICE = Player("alice-id", "alice", "alice")
BOB = Player("bob-id", "bob", "bob")


@pytest.fixture(params=["redis", "memory"])
async def live(request: pytest.FixtureRequest) -> AsyncIterator[LiveStore]:
    if request.param == "memory":
        yield MemoryLive()
        return
    redis = Redis.from_url(request.getfixturevalue("clean_redis"))
    yield RedisLive(redis, TTL_MS)
    await redis.aclose()


async def queued(live: Any) -> int:
    if isinstance(live, MemoryLive):
        return len(live.queued)
    return await FinalizationQueue(live.redis).queued()


def room(code: str = "ROOMAAAA") -> Room:
    return replace(rules.open_room(code, ALICE, "c1", NOW_MS, TTL_MS).room, version=1)


def outbox(expiry_s: float = 2_000_000.0, grace_s: float | None = None, clock_s: float | None = None) -> Outbox:
    return Outbox(RoomDeadlines(expiry_s, grace_s, clock_s), at_ms=NOW_MS)


async def test_live_store_a_saved_room_loads_as_it_was(live: LiveStore) -> None:
    assert await live.load("ROOMAAAA") is None
    assert await live.save(room(), None, outbox()) is None
    assert await live.load("ROOMAAAA") == room()


async def test_live_store_a_new_room_under_a_taken_code_is_refused(live: LiveStore) -> None:
    await live.save(room(), None, outbox())
    other = replace(room(), host_user_id=BOB.user_id)
    assert await live.save(other, None, outbox()) == room()
    assert await live.load("ROOMAAAA") == room()


async def test_live_store_a_write_at_a_stale_version_returns_the_stored_room(live: LiveStore) -> None:
    await live.save(room(), None, outbox())
    joined = replace(rules.join(room(), BOB, "c2", NOW_MS, TTL_MS).room, version=2)
    assert await live.save(joined, 1, outbox()) is None
    stale = replace(room(), version=2, status="teardown")
    assert await live.save(stale, 1, outbox()) == joined
    assert await live.load("ROOMAAAA") == joined


async def test_live_store_a_write_to_a_room_that_is_gone_raises(live: LiveStore) -> None:
    with pytest.raises(RoomGone):
        await live.save(room(), 1, outbox())


async def test_live_store_deadlines_move_with_the_room(live: LiveStore) -> None:
    await live.save(room(), None, outbox(expiry_s=50.0, grace_s=30.0, clock_s=20.0))
    assert await live.due(Deadline.CLOCK, 25.0) == ["ROOMAAAA"]
    assert await live.due(Deadline.GRACE, 25.0) == []
    assert await live.first_due(Deadline.GRACE) == 30.0
    assert await live.first_due(Deadline.EXPIRY) == 50.0
    await live.save(replace(room(), version=2), 1, outbox(expiry_s=60.0))
    assert await live.first_due(Deadline.CLOCK) is None and await live.first_due(Deadline.GRACE) is None
    assert await live.due(Deadline.EXPIRY, 100.0) == ["ROOMAAAA"]
    await live.forget_room("ROOMAAAA")
    assert await live.first_due(Deadline.EXPIRY) is None


async def test_live_store_due_lists_the_earliest_first_and_at_most_the_limit(live: LiveStore) -> None:
    for code, at in (("ROOMCCCC", 3.0), ("ROOMAAAA", 1.0), ("ROOMBBBB", 2.0)):
        await live.save(room(code), None, outbox(clock_s=at))
    assert await live.due(Deadline.CLOCK, 10.0, limit=2) == ["ROOMAAAA", "ROOMBBBB"]


async def test_live_store_finished_games_are_queued_with_their_write(live: LiveStore) -> None:
    t = rules.join(room(), BOB, "c2", NOW_MS, TTL_MS)
    settings = GameSettings(60_000, 60_000, 0, False, 0, 0)
    t = rules.start_game(replace(t.room, version=2), ALICE.user_id, settings, "game-1", True, NOW_MS, TTL_MS)
    ended = rules.resign(t.room, ALICE.user_id, NOW_MS + 1000, TTL_MS)
    assert len(ended.finished) == 1
    await live.save(room(), None, outbox())
    assert await live.save(replace(ended.room, version=2), 1, replace(outbox(), finished=ended.finished)) is None
    assert await queued(live) == 1
    assert await live.save(replace(ended.room, version=3), 1, replace(outbox(), finished=ended.finished)) is not None
    assert await queued(live) == 1  # a refused write queues nothing


async def test_live_store_the_terminal_mark_applies_only_when_the_rule_says(live: LiveStore) -> None:
    await live.save(room(), None, outbox())
    assert not await live.make_terminal("ROOMAAAA", lambda stored: None)
    assert await live.load("ROOMAAAA") == room()
    terminal = replace(room(), status="terminal", version=2)
    assert await live.make_terminal("ROOMAAAA", lambda stored: terminal)
    assert await live.load("ROOMAAAA") == terminal
    assert not await live.make_terminal("ROOMZZZZ", lambda stored: terminal)
    await live.delete_room("ROOMAAAA")
    assert await live.load("ROOMAAAA") is None and await live.first_due(Deadline.EXPIRY) is None


async def test_live_store_a_reservation_is_claimed_once(live: LiveStore) -> None:
    assert await live.reserve("ROOMBBBB", ALICE.user_id, TTL_MS)
    assert not await live.reserve("ROOMBBBB", BOB.user_id, TTL_MS)
    assert await live.claim_reservation("ROOMBBBB")
    assert not await live.claim_reservation("ROOMBBBB")
    await live.save(room(), None, outbox())
    assert not await live.reserve("ROOMAAAA", ALICE.user_id, TTL_MS)


async def test_live_store_processes_report_in_and_are_forgotten(live: LiveStore) -> None:
    await live.node_alive("node-a", 10.0)
    await live.node_alive("node-b", 20.0)
    await live.node_holds("node-a", "ROOMBBBB")
    await live.node_holds("node-a", "ROOMAAAA")
    await live.set_connection("node-a/1", ConnectionRecord(ALICE.user_id, "ROOMAAAA", NOW_MS), 60)
    assert await live.due(Deadline.NODES, 15.0) == ["node-a"]
    assert await live.node_rooms("node-a") == ["ROOMAAAA", "ROOMBBBB"]
    await live.forget_node("node-a")
    assert await live.node_rooms("node-a") == [] and await live.due(Deadline.NODES, 15.0) == []
    await live.delete_connection("node-a/1")
    assert await live.ping()


async def test_live_store_counts_a_users_sockets_still_in_time(live: LiveStore) -> None:
    sockets = cast(LiveSockets, live)
    now_s = time.time()
    assert await sockets.live_sockets(ALICE.user_id, now_s) == 0
    await live.user_sockets(ALICE.user_id, "node-a/1", now_s + 60, now_s)
    await live.user_sockets(ALICE.user_id, "node-b/1", now_s + 5, now_s)
    assert await sockets.live_sockets(ALICE.user_id, now_s) == 2
    assert await sockets.live_sockets(ALICE.user_id, now_s + 10) == 1
    await live.forget_user_socket(ALICE.user_id, "node-a/1")
    assert await sockets.live_sockets(ALICE.user_id, now_s) == 1
    assert await sockets.live_sockets(BOB.user_id, now_s) == 0


async def test_live_store_a_pair_rooms_owners_are_kept_for_good(live: LiveStore) -> None:
    pairs = cast(SocialLive, live)
    assert await live.pair_of("PAIRAAAA") is None
    await pairs.remember_pair("PAIRAAAA", ALICE.user_id, BOB.user_id)
    await pairs.remember_pair("PAIRAAAA", ALICE.user_id, BOB.user_id)
    assert await live.pair_of("PAIRAAAA") == (ALICE.user_id, BOB.user_id)
    assert await live.pair_of("PAIRBBBB") is None


async def test_live_store_an_agreed_game_waits_until_that_agreement_is_forgotten(live: LiveStore) -> None:
    pairs = cast(SocialLive, live)
    settings = GameSettings(180_000, 180_000, increment_ms=2_000, allow_takebacks=True, takebacks_white_max=1)
    first = rules.AgreedGame("ch_first", BOB.user_id, ALICE.user_id, settings)
    assert await live.agreed_game("PAIRAAAA") is None
    await pairs.agree_game("PAIRAAAA", first, TTL_MS)
    assert await live.agreed_game("PAIRAAAA") == first
    second = replace(first, agreement_id="ch_second")
    await pairs.agree_game("PAIRAAAA", second, TTL_MS)
    await live.forget_agreed_game("PAIRAAAA", "ch_first")  # started late: the newer one stays
    assert await live.agreed_game("PAIRAAAA") == second
    await live.forget_agreed_game("PAIRAAAA", "ch_second")
    assert await live.agreed_game("PAIRAAAA") is None
