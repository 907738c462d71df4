"""The reference docs name everything a client or an operator can meet.

docs/configuration.md has a ``CHESSCHAT_<NAME>`` table row for every setting (and none for
a setting that does not exist); docs/protocol.md names every client tag, server tag and
error code as `` `tag` `` in a heading or a table row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chesschat.protocol.catalogue import CATALOGUE
from chesschat.protocol.inbound import CLIENT_TAGS
from chesschat.protocol.outbound import SERVER_TAGS
from chesschat.settings import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"
CODE_SPAN = re.compile(r"`([^`\n]+)`")
SETTING_ROW = re.compile(r"^\|\s*`(CHESSCHAT_[A-Z0-9_]+)`")


def _named_in_headings_and_tables(text: str) -> set[str]:
    """Every `` `name` `` in a Markdown heading or table row (outside fenced code)."""
    names: set[str] = set()
    fenced = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
            continue
        if not fenced and (stripped.startswith("#") or stripped.startswith("|")):
            names.update(CODE_SPAN.findall(stripped))
    return names


def _setting_rows(text: str) -> list[str]:
    return [m.group(1) for line in text.splitlines() if (m := SETTING_ROW.match(line.strip()))]


@pytest.fixture(scope="module")
def protocol_names() -> set[str]:
    return _named_in_headings_and_tables((DOCS / "protocol.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def setting_rows() -> list[str]:
    return _setting_rows((DOCS / "configuration.md").read_text(encoding="utf-8"))


def test_every_setting_has_a_row(setting_rows: list[str]) -> None:
    expected = {f"CHESSCHAT_{name.upper()}" for name in Settings.model_fields}
    missing = sorted(expected - set(setting_rows))
    assert not missing, f"docs/configuration.md has no row for: {', '.join(missing)}"


def test_no_row_for_a_setting_that_does_not_exist(setting_rows: list[str]) -> None:
    expected = {f"CHESSCHAT_{name.upper()}" for name in Settings.model_fields}
    stale = sorted(set(setting_rows) - expected)
    assert not stale, f"docs/configuration.md documents settings the app does not read: {', '.join(stale)}"


def test_each_setting_has_one_row(setting_rows: list[str]) -> None:
    repeated = sorted({name for name in setting_rows if setting_rows.count(name) > 1})
    assert not repeated, f"docs/configuration.md repeats rows for: {', '.join(repeated)}"


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("client tag", sorted(CLIENT_TAGS)),
        ("server tag", list(SERVER_TAGS)),
        ("error code", list(CATALOGUE)),
    ],
)
def test_protocol_names_everything(protocol_names: set[str], kind: str, names: list[str]) -> None:
    missing = [name for name in names if name not in protocol_names]
    assert not missing, f"docs/protocol.md has no heading or table row naming the {kind}s: {', '.join(missing)}"


def test_the_scanner_reads_headings_and_tables_only() -> None:
    text = "# `a` and `b`\n| `c` | x |\nprose `d`\n```\n| `e` |\n```\n"
    assert _named_in_headings_and_tables(text) == {"a", "b", "c"}
    assert _setting_rows("| `CHESSCHAT_PORT` | `8000` |\n`CHESSCHAT_HOST`\n") == ["CHESSCHAT_PORT"]
