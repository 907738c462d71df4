"""A finished game in the stores' words: the ``games`` item and the finalization job.

The item keeps the original ChessChat's attribute names and formats, so games written
before this code, or by the original, read back the same: ISO 8601 text for
``started_at``/``ended_at``, seconds for the clocks and the increment, ``"draw"`` as the
winner of a game nobody won. The job is the JSON the room service has always queued
(``gameId, roomCode, gameRecord, whitePlayerId, blackPlayerId, winnerPlayerId,
queuedAt``), so jobs already waiting in Redis when a new version starts still land.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import orjson

from chesschat.domain.finished import FinishedGame
from chesschat.domain.game import Reason
from chesschat.services.records import MalformedJob, utc_text

DRAW = "draw"
REQUIRED_TEXT = (
    "game_id",
    "white_player_id",
    "black_player_id",
    "winner",
    "result",
    "started_at",
    "ended_at",
    "pgn_notation",
)
REQUIRED_LISTS = ("move_list_uci", "move_list_san", "fen_history")
OUTCOMES = {"1-0", "0-1", "1/2-1/2", "*"}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class MalformedItem(ValueError):
    """A stored game or a job's ``gameRecord`` that is not a finished game."""


def game_to_item(game: FinishedGame) -> dict[str, Any]:
    """The ``games`` item of ``game`` (plain JSON values; the order is the original's)."""
    return {
        "game_id": game.game_id,
        "room_code": game.room_code,
        "white_player_id": game.white_id,
        "black_player_id": game.black_id,
        "white_username": game.white_username,
        "black_username": game.black_username,
        "winner": game.winner_id or DRAW,
        "result": game.reason.value,
        "outcome": game.outcome,
        "total_moves": game.ply,
        "duration_seconds": game.duration_s,
        "time_white_remaining": game.time_white_ms / 1000,
        "time_black_remaining": game.time_black_ms / 1000,
        "move_list_uci": list(game.moves),
        "move_list_san": list(game.sans),
        "fen_history": list(game.fens),
        "pgn_notation": game.pgn,
        "time_control": game.time_control,
        "increment_seconds": game.increment_ms / 1000,
        "started_at": utc_text(game.started_at_ms),
        "ended_at": utc_text(game.ended_at_ms),
    }


def game_from_item(item: Mapping[str, Any], where: str = "") -> FinishedGame:
    """The game an item holds. Attributes the original's items lack (``outcome``,
    ``time_control``, ``increment_seconds``, the usernames, ``room_code``) take the value
    they would have had.

    :raises MalformedItem: naming the first attribute that is wrong, after ``where``.
    """
    for name in REQUIRED_TEXT:
        if not isinstance(item.get(name), str) or not item[name]:
            raise MalformedItem(f"{where}{name} is missing or not a string")
    for name in REQUIRED_LISTS:
        if not isinstance(item.get(name), list):
            raise MalformedItem(f"{where}{name} is missing or not a list")
    white, black, winner = item["white_player_id"], item["black_player_id"], item["winner"]
    if white == black:
        raise MalformedItem("white and black are the same player")
    if winner not in (white, black, DRAW):
        raise MalformedItem(f"{where}winner is neither player nor 'draw'")
    try:
        reason = Reason(item["result"])
    except ValueError:
        raise MalformedItem(f"{where}result is not an ending this server knows") from None
    winner_id = None if winner == DRAW else winner
    moves, sans, fens = (_texts(item, name, where) for name in REQUIRED_LISTS)
    started_at_ms = _ms_of(item, "started_at", where)
    ended_at_ms = _ms_of(item, "ended_at", where)
    outcome = item.get("outcome", _outcome(reason, winner_id, white))
    if outcome not in OUTCOMES:
        raise MalformedItem(f"{where}outcome is not a PGN result")
    return FinishedGame(
        game_id=item["game_id"],
        room_code=_text(item, "room_code", where),
        white_id=white,
        black_id=black,
        white_username=_text(item, "white_username", where),
        black_username=_text(item, "black_username", where),
        winner_id=winner_id,
        reason=reason,
        outcome=outcome,
        ply=int(_number(item, "total_moves", where, len(moves))),
        duration_s=int(_number(item, "duration_seconds", where, max(0, (ended_at_ms - started_at_ms) // 1000))),
        time_white_ms=_seconds_as_ms(item, "time_white_remaining", where),
        time_black_ms=_seconds_as_ms(item, "time_black_remaining", where),
        moves=moves,
        sans=sans,
        fens=fens,
        pgn=item["pgn_notation"],
        time_control=_text(item, "time_control", where, "?"),
        increment_ms=_seconds_as_ms(item, "increment_seconds", where),
        started_at_ms=started_at_ms,
        ended_at_ms=ended_at_ms,
    )


def encode_job(game: FinishedGame, queued_at_ms: int) -> bytes:
    """The finalization job that records ``game``."""
    item = game_to_item(game)
    return orjson.dumps(
        {
            "gameId": game.game_id,
            "roomCode": game.room_code,
            "gameRecord": item,
            "whitePlayerId": game.white_id,
            "blackPlayerId": game.black_id,
            "winnerPlayerId": item["winner"],
            "queuedAt": queued_at_ms,
        }
    )


def decode_job(raw: bytes) -> FinishedGame:
    """The game a raw finalization job carries.

    :raises MalformedJob: the job is not JSON, or its record is incomplete.
    """
    try:
        job = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedJob(f"not JSON: {exc}") from None
    if not isinstance(job, dict):
        raise MalformedJob("job is not an object")
    record = job.get("gameRecord")
    if not isinstance(record, dict):
        raise MalformedJob("gameRecord is not an object")
    try:
        game = game_from_item(record, "gameRecord.")
    except MalformedItem as exc:
        raise MalformedJob(str(exc)) from None
    if job.get("gameId", game.game_id) != game.game_id:
        raise MalformedJob("gameId does not match gameRecord.game_id")
    return game


def ms_of_text(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 time (``Z`` or an offset; no offset is UTC).

    :raises ValueError: ``text`` is not such a time.
    """
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - EPOCH) // dt.timedelta(milliseconds=1)


def _outcome(reason: Reason, winner_id: str | None, white: str) -> str:
    if reason is Reason.ABORTED:
        return "*"
    if winner_id is None:
        return "1/2-1/2"
    return "1-0" if winner_id == white else "0-1"


def _text(item: Mapping[str, Any], name: str, where: str, default: str = "") -> str:
    value = item.get(name, default)
    if not isinstance(value, str):
        raise MalformedItem(f"{where}{name} is not a string")
    return value


def _texts(item: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    values = tuple(item[name])
    if not all(isinstance(value, str) for value in values):
        raise MalformedItem(f"{where}{name} holds something other than strings")
    return values


def _number(item: Mapping[str, Any], name: str, where: str, default: float = 0) -> float:
    value = item.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedItem(f"{where}{name} is not a number")
    return value


def _seconds_as_ms(item: Mapping[str, Any], name: str, where: str) -> int:
    return round(_number(item, name, where) * 1000)


def _ms_of(item: Mapping[str, Any], name: str, where: str) -> int:
    try:
        return ms_of_text(item[name])
    except ValueError:
        raise MalformedItem(f"{where}{name} is not an ISO 8601 time") from None
