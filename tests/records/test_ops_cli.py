"""The operator commands, run as an operator would: ``chesschat db init`` and
``chesschat deadletter list | requeue | drop``."""

from __future__ import annotations

from pathlib import Path

import boto3
import orjson
import pytest
import redis

from chesschat.adapters.redis_live import FINALIZATION_DEADLETTER, FINALIZATION_QUEUE
from chesschat.cli.main import main
from chesschat.workers.finalizer import dead_letter_entry
from tests.records.conftest import MotoServer
from tests.records.games import finished_game, job_of


def test_db_init_creates_every_table_once(
    moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHESSCHAT_RECORD_STORE", "dynamodb")
    monkeypatch.setenv("CHESSCHAT_DYNAMODB_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("CHESSCHAT_ENV", "clitest")
    assert main(["db", "init"]) == 0
    first = capsys.readouterr().out.splitlines()
    tables = [
        "users",
        "usernames",
        "sessions",
        "games",
        "friendships",
        "friend_requests",
        "challenges",
        "notifications",
        "pair_rooms",
        "game_analyses",
    ]
    assert first == [f"chesschat-clitest-{t}\tcreated" for t in tables]
    assert main(["db", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"chesschat-clitest-{t}\texists" for t in tables]
    client = boto3.client("dynamodb", endpoint_url=moto_server.url, region_name="us-east-1")
    games = client.describe_table(TableName="chesschat-clitest-games")["Table"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in games["GlobalSecondaryIndexes"]}
    assert indexes == {
        "white-player-index": ["white_player_id", "ended_at"],
        "black-player-index": ["black_player_id", "ended_at"],
    }
    challenges = client.describe_table(TableName="chesschat-clitest-challenges")["Table"]
    assert {i["IndexName"] for i in challenges["GlobalSecondaryIndexes"]} == {"challenger-index", "challenged-index"}


def test_db_init_on_sqlite_prepares_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHESSCHAT_DATA_DIR", str(tmp_path))
    assert main(["db", "init"]) == 0
    assert (tmp_path / "chesschat.sqlite3").exists()


def test_deadletter_list_requeue_and_drop(
    clean_redis: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHESSCHAT_REDIS_URL", clean_redis)
    client = redis.Redis.from_url(clean_redis)
    games = [finished_game("w", "b", "draw", seed=i) for i in range(3)]
    for game in games:
        client.lpush(FINALIZATION_DEADLETTER, dead_letter_entry(job_of(game), "UnknownPlayer: b", 5, "w1"))
    first, second, third = (g.game_id for g in games)

    assert main(["deadletter", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id\tattempts\tfailed_at\terror"
    assert [line.split("\t")[0] for line in lines[1:]] == [third, second, first]
    assert all(line.endswith("\tUnknownPlayer: b") for line in lines[1:])

    assert main(["deadletter", "drop", first]) == 0
    assert main(["deadletter", "requeue", second]) == 0
    assert "requeued 1 job(s)" in capsys.readouterr().out
    assert client.lrange(FINALIZATION_QUEUE, 0, -1) == [job_of(games[1])]
    assert main(["deadletter", "requeue", "no-such-id"]) == 1
    assert main(["deadletter", "list", "--json"]) == 0
    listed = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry["id"] for entry in listed] == [third]
    assert main(["deadletter", "requeue", "--all"]) == 0
    assert client.llen(FINALIZATION_DEADLETTER) == 0 and client.llen(FINALIZATION_QUEUE) == 2
    client.close()
