"""TURN for ``chesschat serve`` (the embedded coturn) and ``chesschat turn`` (a coturn
configuration for an operator's own server)."""

from __future__ import annotations

import argparse
import sys

import structlog
from pydantic import SecretStr

from chesschat.adapters import aws
from chesschat.adapters.embedded_turn import EmbeddedTurn, coturn_config, turn_host, turn_urls, turnserver_binary
from chesschat.settings import Settings, load_settings

log = structlog.get_logger("chesschat.turn")


def start_embedded(settings: Settings) -> tuple[Settings, EmbeddedTurn | None]:
    """Start the data dir's coturn unless TURN is off or external, or video is not the
    browsers' own; returns the settings that hand it to browsers, and the server to stop on
    exit. Without coturn the app runs on without TURN."""
    if settings.turn == "off" or settings.turn_urls or settings.video != "webrtc":
        return settings, None
    if turnserver_binary() is None:
        log.warning("turn_unavailable", reason="turnserver is not installed (Debian: apt-get install coturn)")
        return settings, None
    server = EmbeddedTurn(settings)
    try:
        secret = server.start()
    except RuntimeError as failed:
        log.warning("turn_unavailable", reason=str(failed))
        return settings, None
    stun, turn = turn_urls(turn_host(settings), settings.turn_port)
    log.info("turn_started", urls=[*stun, *turn], owned=server.owned)
    update = {"stun_urls": [*settings.stun_urls, *stun], "turn_urls": turn, "turn_secret": SecretStr(secret)}
    return settings.model_copy(update=update), server


def _print_config(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.turn_secret is not None:
        secret = settings.turn_secret.get_secret_value()
    elif settings.turn_secret_arn:
        secret = aws.secret_value(settings.turn_secret_arn, settings.aws_region) or ""
    else:
        server = EmbeddedTurn(settings)
        secret = server.secret()
        print(f"static-auth-secret from {server.secret_file}", file=sys.stderr)
    addresses = [f"external-ip={args.external_ip}"] if args.external_ip else []
    sys.stdout.write(coturn_config(settings, secret, addresses))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    turn = sub.add_parser(
        "turn",
        help="print a coturn configuration matching the settings (secret: CHESSCHAT_TURN_SECRET, "
        "_SECRET_ARN, else the data dir's)",
    )
    turn.add_argument(
        "--external-ip", help="the server's public address, or PUBLIC/PRIVATE behind a one-to-one NAT (EC2)"
    )
    turn.set_defaults(run=_print_config)
