"""The stores' words for a finished game: the ``games`` item and the finalization job.

Jobs queued by the code before finished games became a type (tests/fixtures) must decode,
and a game must map to exactly the item and job that code wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from chesschat.adapters.records.dynamodb import item_of, record_of
from chesschat.adapters.records.mapping import (
    REQUIRED_LISTS,
    REQUIRED_TEXT,
    MalformedItem,
    decode_job,
    encode_job,
    game_from_item,
    game_to_item,
)
from chesschat.domain.game import Reason
from chesschat.services.records import MalformedJob
from tests.records.games import OLD_JOBS, START_MS, Ending, finished_game

ENDINGS: tuple[Ending, ...] = ("white_wins", "black_wins", "draw", "aborted")


def _job(raw: bytes) -> dict[str, Any]:
    job: dict[str, Any] = orjson.loads(raw)
    return job


@pytest.mark.parametrize("raw", OLD_JOBS)
def test_mapping_old_job_decodes_and_encodes_back_byte_for_byte(raw: bytes) -> None:
    game = decode_job(raw)
    assert encode_job(game, _job(raw)["queuedAt"]) == raw


@pytest.mark.parametrize("raw", OLD_JOBS)
def test_mapping_item_has_the_attributes_and_formats_stored_today(raw: bytes) -> None:
    record = _job(raw)["gameRecord"]
    item = game_to_item(decode_job(raw))
    # Bytes, not dict equality: key order and 300.0 against 300 matter to the SQLite JSON.
    assert orjson.dumps(item) == orjson.dumps(record)


def test_mapping_old_jobs_carry_what_their_games_were() -> None:
    mate, draw, aborted, flagged = (decode_job(raw) for raw in OLD_JOBS)
    assert (mate.reason, mate.winner_id, mate.outcome, mate.ply) == (Reason.CHECKMATE, "u-white", "1-0", 7)
    assert (mate.increment_ms, mate.time_control, mate.time_white_ms) == (2_000, "180+2", 181_852)
    assert (mate.started_at_ms, mate.ended_at_ms) == (1_700_000_000_000, 1_700_000_010_759)
    assert mate.moves[-1] == "h5f7" and mate.sans[-1] == "Qxf7#" and len(mate.fens) == 8
    assert (draw.reason, draw.winner_id, draw.outcome, draw.time_control) == (Reason.DRAW_AGREED, None, "1/2-1/2", "?")
    assert (draw.time_black_ms, draw.duration_s) == (237_251, 3)
    assert (aborted.reason, aborted.winner_id, aborted.outcome) == (Reason.ABORTED, None, "*")
    assert (aborted.white_username, aborted.black_username, aborted.ply) == ("", "Alice", 0)
    assert (flagged.reason, flagged.winner_id, flagged.time_white_ms) == (Reason.TIMEOUT, "u-black", 0)


@pytest.mark.parametrize("ending", ENDINGS)
def test_mapping_game_round_trips_through_its_item_and_its_job(ending: Ending) -> None:
    game = finished_game("user-w", "user-b", ending, plies=30, seed=len(ending))
    assert game_from_item(game_to_item(game)) == game
    assert decode_job(encode_job(game, START_MS)) == game
    job = _job(encode_job(game, START_MS))
    assert (job["gameId"], job["roomCode"], job["queuedAt"]) == (game.game_id, "ROOMCODE", START_MS)
    assert (job["whitePlayerId"], job["blackPlayerId"]) == ("user-w", "user-b")
    assert job["winnerPlayerId"] == job["gameRecord"]["winner"] == (game.winner_id or "draw")


@pytest.mark.parametrize("ending", ENDINGS)
def test_mapping_game_round_trips_through_dynamodb_numbers(ending: Ending) -> None:
    game = finished_game("user-w", "user-b", ending, seed=3)
    assert game_from_item(record_of(item_of(game_to_item(game)))) == game


def test_mapping_reads_an_item_of_the_original_without_the_added_attributes() -> None:
    original = {
        "game_id": "g-original",
        "white_player_id": "u-white",
        "black_player_id": "u-black",
        "winner": "u-black",
        "result": "resign",
        "total_moves": 2,
        "duration_seconds": 61,
        "time_white_remaining": 240,
        "time_black_remaining": 255.5,
        "move_list_uci": ["e2e4", "e7e5"],
        "move_list_san": ["e4", "e5"],
        "fen_history": ["a", "b", "c"],
        "pgn_notation": "1. e4 e5 0-1",
        "started_at": "2023-11-14T22:13:20.000Z",
        "ended_at": "2023-11-14T22:14:21Z",
    }
    game = game_from_item(original)
    assert (game.outcome, game.time_control, game.increment_ms) == ("0-1", "?", 0)
    assert (game.room_code, game.white_username, game.black_username) == ("", "", "")
    assert (game.started_at_ms, game.ended_at_ms) == (1_700_000_000_000, 1_700_000_061_000)
    assert (game.time_white_ms, game.time_black_ms, game.duration_s) == (240_000, 255_500, 61)
    drawn = game_from_item({**original, "winner": "draw", "result": "stalemate"})
    assert (drawn.winner_id, drawn.outcome) == (None, "1/2-1/2")


def _without(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(name)


def _set(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.__setitem__(name, value)


MALFORMED_RECORDS = [
    *((_without(name), f"gameRecord.{name} is missing or not a string") for name in REQUIRED_TEXT),
    *((_set(name, ""), f"gameRecord.{name} is missing or not a string") for name in REQUIRED_TEXT),
    *((_set(name, "e2e4"), f"gameRecord.{name} is missing or not a list") for name in REQUIRED_LISTS),
    (_set("black_player_id", "u-white"), "white and black are the same player"),
    (_set("winner", "u-stranger"), "gameRecord.winner is neither player nor 'draw'"),
    (_set("result", "checkmated"), "gameRecord.result is not an ending"),
    (_set("ended_at", "yesterday"), "gameRecord.ended_at is not an ISO 8601 time"),
    (_set("total_moves", "7"), "gameRecord.total_moves is not a number"),
    (_set("move_list_san", ["e4", 5]), "gameRecord.move_list_san holds something other than strings"),
    (_set("outcome", "2-0"), "gameRecord.outcome is not a PGN result"),
]


@pytest.mark.parametrize(("spoil", "message"), MALFORMED_RECORDS)
def test_mapping_job_with_a_malformed_record_is_refused_saying_what_is_wrong(
    spoil: Callable[[dict[str, Any]], None], message: str
) -> None:
    job = _job(OLD_JOBS[0])
    spoil(job["gameRecord"])
    with pytest.raises(MalformedJob) as refused:
        decode_job(orjson.dumps(job))
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "job is not an object"),
        (b'{"gameId": "g-0001"}', "gameRecord is not an object"),
        (orjson.dumps({**_job(OLD_JOBS[0]), "gameId": "g-other"}), "gameId does not match gameRecord.game_id"),
    ],
)
def test_mapping_unreadable_job_is_refused_saying_what_is_wrong(raw: bytes, message: str) -> None:
    with pytest.raises(MalformedJob) as refused:
        decode_job(raw)
    assert str(refused.value).startswith(message)


def test_mapping_job_without_a_game_id_is_read_from_its_record() -> None:
    job = _job(OLD_JOBS[1])
    del job["gameId"]
    assert decode_job(orjson.dumps(job)).game_id == "g-0002"


def test_mapping_stored_item_that_is_not_a_game_raises_malformed_item() -> None:
    game = finished_game("user-w", "user-b", "draw")
    item = {**game_to_item(game), "winner": "user-x"}
    with pytest.raises(MalformedItem, match="winner is neither player"):
        game_from_item(item)
