"""The client's protocol module mirrors the server's tags and error catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from chesschat.protocol import inbound, outbound
from chesschat.protocol.catalogue import CATALOGUE

STATIC = Path(__file__).resolve().parents[2] / "src" / "chesschat" / "web" / "static"
SOURCE = (STATIC / "js" / "protocol.js").read_text()


def _block(name: str) -> str:
    match = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\n\}}\)", SOURCE, re.S)
    assert match, name
    return match.group(1)


def _tags(name: str) -> set[str]:
    return set(re.findall(r':\s*"([a-z_]+)"', _block(name)))


def test_client_tags_are_the_servers_inbound_tags() -> None:
    assert _tags("CLIENT") == set(inbound.CLIENT_TAGS)


def test_server_tags_are_the_servers_outbound_tags() -> None:
    assert _tags("SERVER") == set(outbound.SERVER_TAGS)


def test_error_catalogue_matches_messages_and_retryable_flags() -> None:
    entries = re.findall(r'^\s+([A-Z_]+): \["(.*)", (true|false)\],$', _block("ERRORS"), re.M)
    client = {code: (message, flag == "true") for code, message, flag in entries}
    assert client == CATALOGUE
