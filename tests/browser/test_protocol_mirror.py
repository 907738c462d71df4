"""The client's protocol module mirrors what the server publishes at ``/api/protocol``: the
tags of its inbound and outbound frame classes and its error catalogue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from chesschat.protocol import inbound, outbound
from chesschat.protocol.catalogue import CATALOGUE
from tests.support import ServerThread

STATIC = Path(__file__).resolve().parents[2] / "src" / "chesschat" / "web" / "static"
SOURCE = (STATIC / "js" / "protocol.js").read_text()


def _block(name: str) -> str:
    match = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\n\}}\)", SOURCE, re.S)
    assert match, name
    return match.group(1)


def _tags(name: str) -> set[str]:
    return set(re.findall(r':\s*"([a-z_]+)"', _block(name)))


@pytest.fixture
def published(server: ServerThread) -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}/api/protocol", timeout=5)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def test_published_tags_are_those_of_the_frame_classes(published: dict[str, Any]) -> None:
    assert set(published["clientTags"]) == set(inbound.CLIENT_TAGS)
    assert published["serverTags"] == [frame.TYPE for frame in outbound.SERVER_FRAMES]
    assert {code: (e["message"], e["retryable"]) for code, e in published["errors"].items()} == CATALOGUE


def test_client_tags_are_the_published_client_tags(published: dict[str, Any]) -> None:
    assert _tags("CLIENT") == set(published["clientTags"])


def test_server_tags_are_the_published_server_tags(published: dict[str, Any]) -> None:
    assert _tags("SERVER") == set(published["serverTags"])


def test_error_catalogue_matches_the_published_messages_and_retryable_flags(published: dict[str, Any]) -> None:
    entries = re.findall(r'^\s+([A-Z_]+): \["(.*)", (true|false)\],$', _block("ERRORS"), re.M)
    client = {code: (message, flag == "true") for code, message, flag in entries}
    assert client == {code: (e["message"], e["retryable"]) for code, e in published["errors"].items()}


def test_every_published_error_code_has_plain_words_in_the_client(published: dict[str, Any]) -> None:
    words = dict(re.findall(r'^\s+([A-Z_]+): "(.+)",$', _block("MESSAGES"), re.M))
    missing = sorted(set(published["errors"]) - set(words))
    assert not missing, f"error codes without words in protocol.js MESSAGES: {missing}"
    assert set(words) == set(published["errors"])
