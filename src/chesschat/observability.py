"""JSON logs through structlog, for our code and for uvicorn's own messages.

Every line, whoever logged it (our code, uvicorn, websockets, a traceback), passes through
:func:`redact_secrets` just before it is rendered: the query string of ``/ws`` (it may
carry the session token), token, password, cookie and authorization values never reach the
log.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"

# A field whose name ends like this is dropped whole (``token``, ``accessToken``,
# ``password``, ``cookie``); ``sessionId`` and ``connectionId`` are ids kept for tracing.
_SENSITIVE_KEY = re.compile(r"(token|password|passwd|secret|cookie|authorization)$", re.IGNORECASE)
_SENSITIVE_NAME = r"[\w.-]*(?:token|password|passwd|secret|session|cookie|auth)[\w.-]*"
_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # /ws?token=…, ws://host/ws?…: the whole query string of the socket's URL.
    (re.compile(r"(/ws)\?[^\s\"'`<>\\]*"), r"\1"),
    # Headers as text: "Cookie: a=b; c=d", "authorization: Bearer …".
    (
        re.compile(r"\b((?:set-)?cookie|(?:proxy-)?authorization)(\s*:\s*)[^\r\n\"']+", re.IGNORECASE),
        rf"\1\2{REDACTED}",
    ),
    (re.compile(r"\b(bearer)\s+[\w.~+/=-]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    # name=value in query strings, cookies and messages: token=…, chesschat_session=….
    (re.compile(rf"\b({_SENSITIVE_NAME})=[^&\s;,\"'<>\\]+", re.IGNORECASE), rf"\1={REDACTED}"),
    # Quoted mappings, as a repr or JSON shows them: {'password': 'correct horse'}.
    (
        re.compile(rf"(([\"']){_SENSITIVE_NAME}\2\s*:\s*)([\"'])(?:\\.|(?!\3).)*\3", re.IGNORECASE),
        rf"\1\3{REDACTED}\3",
    ),
)


def redact_text(text: str) -> str:
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


def _sensitive(key: object) -> bool:
    return isinstance(key, str) and _SENSITIVE_KEY.search(key) is not None


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {k: REDACTED if _sensitive(k) else _redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    # Anything else is rendered by its repr (as the renderers would): redact that.
    return redact_text(repr(value))


def redact_secrets(logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: every string in the event (the message, each field, the
    formatted traceback) with its secrets replaced by ``[redacted]``."""
    for key, value in event_dict.items():
        event_dict[key] = REDACTED if _sensitive(key) else _redact(value)
    return event_dict


def configure_logging(level: str = "info", json: bool = True) -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # The one formatter every record reaches, ours and everyone else's: redaction here
    # covers the lines of libraries we do not control.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_secrets,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's and websockets' loggers keep no handler of their own, so their lines
    # (startup, shutdown, errors, "WebSocket /ws" [accepted]) reach the root's.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi", "websockets"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our middleware writes the HTTP access log (without query strings).
    logging.getLogger("uvicorn.access").disabled = True
