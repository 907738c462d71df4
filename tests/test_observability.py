"""The redaction every log line passes through: the line stays readable, the secret goes."""

from __future__ import annotations

import pytest

from chesschat.observability import REDACTED, redact_secrets, redact_text


@pytest.mark.parametrize(
    ("line", "kept", "secret"),
    [
        ('127.0.0.1:5 - "WebSocket /ws?token=abc.DEF-1" [accepted]', '"WebSocket /ws" [accepted]', "abc.DEF-1"),
        ("GET /api/me?token=s3cr3t&x=1", "/api/me?token=[redacted]&x=1", "s3cr3t"),
        ("< Cookie: chesschat_session=c00k1e; theme=dark", "< Cookie: [redacted]", "c00k1e"),
        ("(b'cookie', b'chesschat_session=c00k1e')", "chesschat_session=[redacted]", "c00k1e"),
        ("< Authorization: Bearer t0ken", "< Authorization: [redacted]", "t0ken"),
        ("[('authorization', 'Bearer t0ken')]", "Bearer [redacted]", "t0ken"),
        ("input_value={'username': 'ann', 'password': 'correct horse'}", "'password': '[redacted]'", "correct horse"),
        ('b\'{"username":"ann","password":"correct horse"}\'', '"password":"[redacted]"', "correct horse"),
    ],
)
def test_redaction_keeps_the_line_and_drops_the_secret(line: str, kept: str, secret: str) -> None:
    redacted = redact_text(line)
    assert kept in redacted
    assert secret not in redacted


def test_fields_named_for_secrets_are_dropped_and_tracing_ids_kept() -> None:
    event = {
        "event": "signed_in",
        "token": "t0ken",
        "accessToken": "t0ken",
        "password": "correct horse",
        "sessionId": "3f2a",
        "connectionId": "n1-c2",
        "context": {"cookie": "c00k1e", "path": "/ws?token=t0ken"},
    }
    assert redact_secrets(None, "info", event) == {
        "event": "signed_in",
        "token": REDACTED,
        "accessToken": REDACTED,
        "password": REDACTED,
        "sessionId": "3f2a",
        "connectionId": "n1-c2",
        "context": {"cookie": REDACTED, "path": "/ws"},
    }
