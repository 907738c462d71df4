"""The record-store contract: every case runs against SQLite and against DynamoDB (moto)."""

from __future__ import annotations

import io
import time

import chess.pgn
import pytest

from chesschat.services.records import (
    PlayerNotFound,
    Records,
    RecordStore,
    SamePlayer,
    StatChange,
    UnknownPlayer,
    UsernameTaken,
    cursor_of,
    stat_changes,
)
from tests.records.games import START_MS, Ending, expected_stats, finished_game, stats_of


def two_players(store: RecordStore) -> tuple[str, str]:
    return store.create_user("white.p", "", "h").user_id, store.create_user("black.p", "", "h").user_id


def test_store_accounts_are_unique_by_lowercased_name_and_found_both_ways(store: RecordStore) -> None:
    created = store.create_user("Magnus", "m@example.com", "hash-1")
    with pytest.raises(UsernameTaken):
        store.create_user("magnus", "", "hash-2")
    assert store.user(created.user_id) == created
    assert store.user_by_username("MAGNUS") == created
    assert store.user_by_username("nobody") is None
    assert (created.total_games, created.wins, created.losses, created.draws) == (0, 0, 0, 0)


def test_store_login_updates_and_sessions_expire(store: RecordStore) -> None:
    user = store.create_user("anna", "", "old")
    store.set_password_hash(user.user_id, "new")
    store.touch_login(user.user_id)
    reread = store.user(user.user_id)
    assert reread is not None and reread.password_hash == "new" and reread.last_login_at
    now = time.time()
    store.add_session("live", user.user_id, now + 60)
    store.add_session("stale", user.user_id, now - 1)
    assert store.session_user("live", now) == user.user_id
    assert store.session_user("stale", now) is None
    store.drop_session("live")
    assert store.session_user("live", now) is None


def test_store_rename_frees_the_old_name_and_keeps_the_user_id(store: RecordStore) -> None:
    anna, bob = store.create_user("anna", "", "h"), store.create_user("bob", "", "h")
    renamed = store.rename_user(anna.user_id, "annie")
    assert (renamed.user_id, renamed.username, renamed.password_hash) == (anna.user_id, "annie", "h")
    assert store.user_by_username("annie") == renamed == store.user(anna.user_id)
    assert store.user_by_username("anna") is None
    assert store.create_user("anna", "", "h").username == "anna"  # the old name is free again
    with pytest.raises(UsernameTaken):
        store.rename_user(bob.user_id, "ANNIE")
    assert store.user_by_username("bob") == bob and store.user(bob.user_id) == bob
    assert store.rename_user(anna.user_id, "Annie").username == "Annie"  # only the case changes
    with pytest.raises(UnknownPlayer):
        store.rename_user("no-such-user", "zed")
    assert store.usernames([anna.user_id, bob.user_id, "no-such-user"]) == {anna.user_id: "Annie", bob.user_id: "bob"}


def test_store_deleted_account_loses_name_and_sessions_and_keeps_its_games(store: RecordStore) -> None:
    white, black = two_players(store)
    record = finished_game(white, black, "white_wins")
    assert store.record_game(record, stat_changes(record))
    store.add_session("white-session", white, time.time() + 60)
    store.delete_user(white)
    store.delete_user(white)  # twice: nothing more to do
    assert store.user(white) is None and store.user_by_username("white.p") is None
    assert store.usernames([white, black]) == {black: "black.p"}
    assert store.session_user("white-session", time.time()) in (None, white)
    assert [g.game_id for g in store.history(black, 10, None)] == [record.game_id]
    assert store.create_user("white.p", "", "h").user_id != white  # the name is free
    assert store.rename_user(black, "white.p2").username == "white.p2"
    with pytest.raises(UnknownPlayer):
        store.rename_user(white, "white.p3")


def test_store_lands_a_game_of_a_deleted_account_but_not_of_one_never_made(store: RecordStore) -> None:
    white, black = two_players(store)
    store.delete_user(black)  # left mid-game: the game is finalized after
    record = finished_game(white, black, "white_wins")
    assert store.record_game(record, stat_changes(record))
    assert store.game(record.game_id) is not None
    winner = store.user(white)
    assert winner is not None and (winner.wins, winner.total_games) == (1, 1)
    unknown = finished_game(white, "never-signed-up", "white_wins", seed=1)
    with pytest.raises(UnknownPlayer):
        store.record_game(unknown, stat_changes(unknown))
    assert store.game(unknown.game_id) is None


def test_store_puts_a_game_and_reads_it_back_whole(store: RecordStore) -> None:
    white, black = two_players(store)
    record = finished_game(white, black, "white_wins", plies=12)
    assert store.record_game(record, stat_changes(record)) is True
    assert store.game(record.game_id) == record
    assert store.game("no-such-game") is None


@pytest.mark.parametrize("ending", ["white_wins", "black_wins", "draw", "aborted"])
def test_store_counts_each_ending_in_both_players_stats(store: RecordStore, ending: str) -> None:
    white, black = two_players(store)
    record = finished_game(white, black, ending)  # type: ignore[arg-type]
    store.record_game(record, stat_changes(record))
    expected = expected_stats([record])
    assert stats_of(store, white) == expected[white]
    assert stats_of(store, black) == expected[black]
    assert store.game(record.game_id) is not None  # aborted games are kept too


def test_store_replay_changes_nothing_and_reports_it(store: RecordStore) -> None:
    white, black = two_players(store)
    record = finished_game(white, black, "black_wins")
    assert store.record_game(record, stat_changes(record)) is True
    assert store.record_game(record, stat_changes(record)) is False
    assert stats_of(store, black) == {"wins": 1, "total_games": 1}
    assert stats_of(store, white) == {"losses": 1, "total_games": 1}


def test_store_failed_counter_update_leaves_no_game_and_no_stats(store: RecordStore) -> None:
    white, _ = two_players(store)
    record = finished_game(white, "no-such-user", "white_wins")
    with pytest.raises(UnknownPlayer):
        store.record_game(record, stat_changes(record))
    assert store.game(record.game_id) is None
    assert stats_of(store, white) == {}
    # A change to one real player alone is all or nothing too.
    with pytest.raises(UnknownPlayer):
        store.record_game(record, [StatChange(white, wins=1), StatChange("ghost", losses=1)])
    assert store.game(record.game_id) is None
    assert stats_of(store, white) == {}


def test_store_history_is_newest_first_across_both_colours(store: RecordStore) -> None:
    me, other = two_players(store)
    records = [
        finished_game(*((me, other) if i % 2 else (other, me)), "draw", started_ms=START_MS + i * 60_000, seed=i)
        for i in range(7)
    ]
    for record in records:
        store.record_game(record, stat_changes(record))
    newest_first = [r.game_id for r in reversed(records)]
    assert [g.game_id for g in store.history(me, 50, None)] == newest_first
    assert [g.game_id for g in store.history(other, 50, None)] == newest_first
    assert store.history("someone-else", 50, None) == []


async def test_store_history_pages_are_stable_when_games_land_between_pages(store: RecordStore) -> None:
    me, other = two_players(store)
    records = Records(store)
    older = [finished_game(me, other, "white_wins", started_ms=START_MS + i * 60_000, seed=i) for i in range(5)]
    # Two games that ended in the same millisecond: the game id orders them.
    tied = [finished_game(other, me, "black_wins", started_ms=START_MS + 10 * 60_000, seed=9) for _ in range(2)]
    for record in [*older, *tied]:
        await records.finalize(record)
    page, cursor = await records.history(me, limit=3)
    assert cursor is not None and len(page) == 3
    newer = finished_game(me, other, "draw", started_ms=START_MS + 99 * 60_000)
    await records.finalize(newer)  # lands while the user reads page one
    seen = [g.game_id for g in page]
    while cursor is not None:
        page, cursor = await records.history(me, cursor, limit=3)
        seen += [g.game_id for g in page]
    everything = sorted([*older, *tied], key=lambda r: (r.ended_at_ms, r.game_id), reverse=True)
    assert seen == [r.game_id for r in everything]
    first, _ = await records.history(me, limit=3)
    assert first[0].game_id == newer.game_id


def test_store_history_reads_from_a_cursor_exclusively(store: RecordStore) -> None:
    me, other = two_players(store)
    records = [finished_game(me, other, "draw", started_ms=START_MS + i * 60_000, seed=i) for i in range(3)]
    for record in records:
        store.record_game(record, stat_changes(record))
    middle = records[1]
    after = store.history(me, 10, cursor_of(middle))
    assert [g.game_id for g in after] == [records[0].game_id]


def test_store_answers_ping(store: RecordStore) -> None:
    assert store.ping() is True


@pytest.mark.parametrize("seed", range(4))
def test_store_pgn_of_a_stored_game_replays_to_its_final_position(store: RecordStore, seed: int) -> None:
    white, black = two_players(store)
    record = finished_game(white, black, "black_wins", plies=60, seed=seed)
    store.record_game(record, stat_changes(record))
    stored = store.game(record.game_id)
    assert stored is not None
    parsed = chess.pgn.read_game(io.StringIO(stored.pgn))
    assert parsed is not None and not parsed.errors
    assert [m.uci() for m in parsed.mainline_moves()] == list(stored.moves)
    assert parsed.end().board().fen() == stored.fens[-1]
    assert parsed.headers["Result"] == stored.outcome


async def test_store_games_show_players_as_named_now_and_a_deleted_one_as_deleted(store: RecordStore) -> None:
    white, black = two_players(store)
    records = Records(store)
    played = finished_game(white, black, "white_wins")
    await records.finalize(played)
    store.rename_user(black, "black.renamed")
    store.delete_user(white)
    later = finished_game(white, black, "black_wins", started_ms=START_MS + 3_600_000, seed=1)
    assert await records.finalize(later)  # its white player left meanwhile: kept all the same
    games, _ = await records.history(black)
    assert [g.game_id for g in games] == [later.game_id, played.game_id]
    for game in games:
        assert (game.white_username, game.black_username) == ("deleted user", "black.renamed")
        tags = chess.pgn.read_headers(io.StringIO(game.pgn))
        assert tags is not None and (tags["White"], tags["Black"]) == ("deleted user", "black.renamed")
    assert (await records.game(black, played.game_id)).white_username == "deleted user"
    survivor = store.user(black)
    assert survivor is not None and (survivor.wins, survivor.losses) == (1, 1)


def score(store: RecordStore, user_id: str, opponent_id: str, limit: int = 10) -> tuple[int, int, int, list[str]]:
    result = store.head_to_head(user_id, opponent_id, limit)
    return result.wins, result.draws, result.losses, [g.game_id for g in result.games]


def test_store_head_to_head_tallies_from_each_side_whatever_the_colours(store: RecordStore) -> None:
    ann, bob = two_players(store)
    endings: list[tuple[str, str, Ending]] = [
        (ann, bob, "white_wins"),  # ann wins as white
        (bob, ann, "black_wins"),  # ann wins as black
        (bob, ann, "white_wins"),  # bob wins as white
        (ann, bob, "draw"),
        (bob, ann, "draw"),
        (ann, bob, "aborted"),  # listed, counted for nobody
    ]
    records = [
        finished_game(white, black, ending, started_ms=START_MS + i * 60_000, seed=i)
        for i, (white, black, ending) in enumerate(endings)
    ]
    for record in records:
        store.record_game(record, stat_changes(record))
    newest_first = [r.game_id for r in reversed(records)]
    assert score(store, ann, bob) == (2, 2, 1, newest_first)
    assert score(store, bob, ann) == (1, 2, 2, newest_first)
    # The tally is the stats' own arithmetic: with no other games, it is each one's record.
    assert stats_of(store, ann) == {"total_games": 5, "wins": 2, "draws": 2, "losses": 1}


def test_store_head_to_head_of_players_who_never_finished_a_game(store: RecordStore) -> None:
    ann, bob = two_players(store)
    assert score(store, ann, bob) == (0, 0, 0, [])
    aborted = finished_game(ann, bob, "aborted")
    store.record_game(aborted, stat_changes(aborted))
    assert score(store, bob, ann) == (0, 0, 0, [aborted.game_id])


def test_store_head_to_head_leaves_out_games_against_anyone_else(store: RecordStore) -> None:
    ann, bob = two_players(store)
    cat = store.create_user("cat.p", "", "h").user_id
    between = finished_game(ann, bob, "black_wins")
    store.record_game(between, stat_changes(between))
    # Ann plays Cat more, then Bob plays Cat more still: each of the two in turn is the one
    # with fewer games, whose history is read, and the answer does not change.
    for i in range(1, 9):
        white, black = (ann, cat) if i <= 3 else (cat, bob)
        other = finished_game(white, black, "white_wins", started_ms=START_MS + i * 60_000, seed=i)
        store.record_game(other, stat_changes(other))
        assert score(store, ann, bob) == (0, 0, 1, [between.game_id]), i
        assert score(store, bob, ann) == (1, 0, 0, [between.game_id]), i
    assert score(store, ann, cat)[:3] == (3, 0, 0)
    assert score(store, bob, cat)[:3] == (0, 0, 5)


def test_store_head_to_head_lists_the_newest_games_up_to_the_limit_and_tallies_all(store: RecordStore) -> None:
    ann, bob = two_players(store)
    older = [finished_game(ann, bob, "white_wins", started_ms=START_MS + i * 60_000, seed=i) for i in range(5)]
    # Two games that ended in the same millisecond: the game id orders them, as in history.
    tied = [finished_game(bob, ann, "draw", started_ms=START_MS + 10 * 60_000, seed=9) for _ in range(2)]
    for record in [*older, *tied]:
        store.record_game(record, stat_changes(record))
    everything = sorted([*older, *tied], key=lambda r: (r.ended_at_ms, r.game_id), reverse=True)
    assert score(store, ann, bob, limit=3) == (5, 2, 0, [r.game_id for r in everything[:3]])
    assert score(store, ann, bob, limit=1)[3] == [everything[0].game_id]
    whole = store.head_to_head(ann, bob, 50).games
    assert [g.game_id for g in whole] == [r.game_id for r in everything]
    assert whole[-1] == older[0]  # whole records, as stored


async def test_store_head_to_head_names_the_players_as_now_and_refuses_oneself_or_nobody(store: RecordStore) -> None:
    ann, bob = two_players(store)
    records = Records(store)
    played = [finished_game(ann, bob, "white_wins", started_ms=START_MS + i * 60_000, seed=i) for i in range(3)]
    for record in played:
        await records.finalize(record)
    store.rename_user(bob, "bob.renamed")
    opponent, result = await records.head_to_head(ann, bob, limit=2)
    assert (opponent.user_id, opponent.username) == (bob, "bob.renamed")
    assert (result.wins, result.draws, result.losses) == (3, 0, 0)
    assert [g.game_id for g in result.games] == [played[2].game_id, played[1].game_id]
    assert {g.black_username for g in result.games} == {"bob.renamed"}
    _, capped = await records.head_to_head(ann, bob, limit=0)
    assert len(capped.games) == 1
    with pytest.raises(SamePlayer):
        await records.head_to_head(ann, ann)
    with pytest.raises(PlayerNotFound):
        await records.head_to_head(ann, "no-such-user")
    store.delete_user(bob)
    with pytest.raises(PlayerNotFound):
        await records.head_to_head(ann, bob)
