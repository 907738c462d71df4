"""The app as the container image and the ECS task run it, end to end, without a cloud.

The environment is the one the Dockerfile and `terraform/main.tf` give the container (each
setting terraform passes gets a local stand-in below, and the test fails if terraform
starts passing one it does not know). AWS is moto's server: DynamoDB for the records and
Secrets Manager for the Redis AUTH token, reached through boto3's standard
``AWS_ENDPOINT_URL``. Redis is a real redis-server that requires that token. Metrics go to
stdout as CloudWatch Embedded Metric Format, as the ECS log driver would ship them.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import chess.pgn
import httpx
import pytest
import redis

from chesschat.adapters.embedded_redis import EmbeddedRedis
from tests.records.moto import MotoServer
from tests.server.rooms import open_room, start
from tests.support import Client, answers, eventually, free_port, play, signup

REPO = Path(__file__).resolve().parents[2]


def image_environment() -> dict[str, str]:
    """The CHESSCHAT_* settings of the Dockerfile's final stage."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    runtime = text[text.rindex("\nFROM ") :]
    return dict(re.findall(r"\b(CHESSCHAT_[A-Z_]+)=(\S+)", runtime))


def task_setting_names() -> set[str]:
    """The CHESSCHAT_* settings terraform puts in the task definition."""
    main = (REPO / "terraform" / "main.tf").read_text(encoding="utf-8")
    block = main[main.index("app_environment = merge(") : main.index("app_secret_arns")]
    return set(re.findall(r'\b(CHESSCHAT_[A-Z_]+)"?\s*(?:=|=>)', block))


@pytest.fixture
def auth_redis(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A redis-server that refuses clients without the AUTH token; (url, token)."""
    server = EmbeddedRedis(tmp_path / "auth-redis", port=free_port())
    url = server.start()
    token = secrets.token_urlsafe(24)
    client = redis.Redis.from_url(url)
    client.config_set("requirepass", token)
    client.close()
    yield url, token
    server.stop()


@pytest.fixture
def aws_app(moto_server: MotoServer, auth_redis: tuple[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    redis_url, token = auth_redis
    region = "us-east-1"
    secret = boto3.client("secretsmanager", region_name=region, endpoint_url=moto_server.url).create_secret(
        Name=f"chesschat/test-{secrets.token_hex(4)}/redis-auth", SecretString=token
    )
    port = free_port()
    prefix = f"chesschat-t{secrets.token_hex(4)}-"
    # What each setting terraform passes becomes here.
    task = {
        "CHESSCHAT_ENV": "dev",
        "CHESSCHAT_HOST": "127.0.0.1",
        "CHESSCHAT_PORT": str(port),
        "CHESSCHAT_DATA_DIR": str(tmp_path / "data"),
        "CHESSCHAT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CHESSCHAT_COOKIE_SECURE": "true",
        "CHESSCHAT_AWS_REGION": region,
        "CHESSCHAT_REDIS_URL": redis_url,
        "CHESSCHAT_REDIS_AUTH_SECRET_ARN": secret["ARN"],
        "CHESSCHAT_RECORD_STORE": "dynamodb",
        "CHESSCHAT_DYNAMODB_TABLE_PREFIX": prefix,
        "CHESSCHAT_IDENTITY": "local",
        "CHESSCHAT_VIDEO": "webrtc",
        "CHESSCHAT_METRICS": "cloudwatch",
        "CHESSCHAT_TURN_URLS": "[]",
        "CHESSCHAT_HTTP_KEEP_ALIVE_SECONDS": "130",
        "CHESSCHAT_TRUSTED_PROXY_HOPS": "1",
    }
    # Only with the coturn server, or only with identity_provider = "cognito" (tested apart).
    optional = {
        "CHESSCHAT_TURN_SECRET_ARN",
        "CHESSCHAT_COGNITO_USER_POOL_ID",
        "CHESSCHAT_COGNITO_CLIENT_ID",
        "CHESSCHAT_COGNITO_REGION",
        "CHESSCHAT_COGNITO_DOMAIN",
        "CHESSCHAT_SESSION_KEY_ARN",
    }
    assert task_setting_names() - optional == set(task), "terraform passes settings this test does not stand in for"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CHESSCHAT_")},
        **image_environment(),
        **task,
        "AWS_ENDPOINT_URL": moto_server.url,
    }
    # The tables exist before the service starts (terraform creates them on AWS).
    subprocess.run([sys.executable, "-m", "chesschat.cli.main", "db", "init"], env=env, check=True, timeout=120)
    stdout = tmp_path / "stdout.log"
    with stdout.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "chesschat.cli.main", "serve"], env=env, stdout=out)
        base = f"http://127.0.0.1:{port}"
        try:
            assert eventually(lambda: answers(f"{base}/readyz"), timeout=60), stdout.read_text()
            yield {"base": base, "ws": f"ws://127.0.0.1:{port}/ws", "prefix": prefix, "stdout": str(stdout)}
        finally:
            process.terminate()
            process.wait(timeout=20)


async def test_the_image_in_its_aws_mode_plays_a_game_and_keeps_it(
    aws_app: dict[str, str], moto_server: MotoServer
) -> None:
    alice = await Client.connect(aws_app["ws"], signup(aws_app["base"]))
    bob = await Client.connect(aws_app["ws"], signup(aws_app["base"]))
    code = await open_room(alice, bob)
    white, black, started = await start(alice, bob, code)
    await play(white, black, code, ["f2f3", "e7e5", "g2g4"])
    await black.send({"type": "make_move", "roomCode": code, "move": "d8h4"})
    for player in (white, black):
        ended = await player.expect("game_ended")
        assert ended["result"] == "checkmate" and ended["winner"] == black.user_id

    # The record lands in DynamoDB and both players' counters move, once.
    dynamodb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=moto_server.url)
    games = f"{aws_app['prefix']}games"

    def stored() -> list[dict[str, object]]:
        items: list[dict[str, object]] = dynamodb.scan(TableName=games)["Items"]
        return items

    assert eventually(lambda: len(stored()) == 1, timeout=20)
    (record,) = stored()
    assert record["game_id"] == {"S": started["gameId"]}
    me = httpx.get(f"{aws_app['base']}/api/me", headers={"authorization": f"Bearer {black.account['token']}"})
    assert me.json()["user"]["wins"] == 1
    pgn = httpx.get(
        f"{aws_app['base']}/api/games/{started['gameId']}.pgn",
        headers={"authorization": f"Bearer {white.account['token']}"},
    )
    game = chess.pgn.read_game(io.StringIO(pgn.text))
    assert game is not None and game.headers["Result"] == "0-1"
    assert [move.uci() for move in game.mainline_moves()] == ["f2f3", "e7e5", "g2g4", "d8h4"]

    # Sessions of local accounts live in DynamoDB too (with the TTL attribute set).
    sessions = dynamodb.scan(TableName=f"{aws_app['prefix']}sessions")["Items"]
    assert len(sessions) == 2 and all("expires_at" in s for s in sessions)

    # The metrics went out as CloudWatch EMF in the environment's namespace.
    def emitted() -> set[str]:
        names = set()
        for line in Path(aws_app["stdout"]).read_text(encoding="utf-8").splitlines():
            if '"_aws"' in line:
                emf = json.loads(line)
                (directive,) = emf["_aws"]["CloudWatchMetrics"]
                assert directive["Namespace"] == "Chesschat/Dev"
                names |= {m["Name"] for m in directive["Metrics"]}
        return names

    expected = {"WsConnectionsOpened", "GamesStarted", "GamesEnded", "GamePersistSucceeded"}
    assert eventually(lambda: expected <= emitted(), timeout=10)
