"""The OpenAPI document is true: schemathesis drives the live API from ``/openapi.json``,
and every answer must be one the document declares (status, media type, body, headers); no
valid request may be refused, no undeclared method answered without a proper 405, nothing
may fail on the server. The run is bounded and derandomized: the same cases every time.

It is schemathesis's own command, as a developer runs it, with the configuration below.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.records.games import finished_game
from tests.support import ServerThread, signup

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
)
# What a valid request may be answered with besides success: no such game, refused
# credentials, a taken name, a throttled sign-in.
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
# The run ends when each operation has had its examples (about half a second each); this
# is a bound.
MAX_SECONDS = 60


def _toml(value: object) -> str:
    """Strings, numbers, booleans and lists in TOML (JSON's forms of them are TOML's)."""
    return json.dumps(value)


def config(token: str, logout_token: str, deleted_token: str, game_id: str, opponent_id: str) -> str:
    checks = "\n".join(f"{name}.enabled = true" for name in CHECKS)
    return f"""
workers = 1
headers = {{ Authorization = {_toml(f"Bearer {token}")} }}

# The same cases on every run.
[generation]
max-examples = 15
database = "none"
deterministic = true

[checks]
enabled = false
{checks}
positive_data_acceptance.expected-statuses = {_toml(ACCEPTED)}

# A cursor is opaque: one the server did not issue is refused with the documented 422, and
# no schema can tell it from one it did.
[[operations]]
include-path = "/api/history"
checks.positive_data_acceptance.expected-statuses = {_toml([*ACCEPTED, "422"])}

# A challenge's time and increment are bounded by the server's settings, below the widest
# bounds the document can state: one beyond them is refused with the documented 422.
[[operations]]
include-name = "POST /api/challenges"
checks.positive_data_acceptance.expected-statuses = {_toml([*ACCEPTED, "422"])}

# Signing out ends the session it is called with: it gets one of its own.
[[operations]]
include-path = "/api/auth/logout"
headers = {{ Authorization = {_toml(f"Bearer {logout_token}")} }}

# Deleting an account ends it: it gets one of its own.
[[operations]]
include-name = "DELETE /api/me"
headers = {{ Authorization = {_toml(f"Bearer {deleted_token}")} }}

# A game the player has, so that the game operations answer with one too.
[[operations]]
include-path-regex = "^/api/games/"
parameters = {{ game_id = {_toml(game_id)} }}

# A player the caller has played, so that the score answers with one too.
[[operations]]
include-path-regex = "/head-to-head$"
parameters = {{ user_id = {_toml(opponent_id)} }}
"""


def test_api_answers_as_its_openapi_document_says(server: ServerThread, tmp_path: Path) -> None:
    player, opponent, deleted = signup(server.base_url), signup(server.base_url), signup(server.base_url)
    game = finished_game(player["user"]["user_id"], opponent["user"]["user_id"], "resign")
    server.run(server.wiring.records.finalize(game))
    config_file = tmp_path / "schemathesis.toml"
    tokens = (player["token"], opponent["token"], deleted["token"])
    config_file.write_text(config(*tokens, game.game_id, opponent["user"]["user_id"]), encoding="utf-8")
    openapi = f"{server.base_url}/openapi.json"

    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_file), "--no-color", "run", openapi],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    operations = sum(len(methods) for methods in server.app.api.openapi()["paths"].values())
    assert f"Tested: {operations}" in run.stdout, run.stdout[-5_000:]
    # The game operations reached a game, and the score a player, so their bodies were held
    # to the document too.
    missing = run.stdout.partition("Missing test data:")[2].partition("SUMMARY")[0]
    assert "/api/games/" not in missing and "/head-to-head" not in missing, missing
