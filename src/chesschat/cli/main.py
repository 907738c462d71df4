"""The ``chesschat`` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal

from chesschat.cli import bench, cost, ops, turn
from chesschat.cli.limits import raise_fd_limit
from chesschat.settings import load_settings


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from chesschat.adapters.embedded_redis import EmbeddedRedis
    from chesschat.observability import configure_logging
    from chesschat.web.app import create_app
    from chesschat.web.serving import uvicorn_config

    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = load_settings(**overrides)
    configure_logging(settings.log_level, settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    raise_fd_limit()
    embedded = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.data_dir)
        settings = settings.model_copy(update={"redis_url": embedded.start()})
    settings, turn_server = turn.start_embedded(settings)
    print(f"ChessChat is running: open {settings.url}", flush=True)
    # uvicorn shuts down gracefully on SIGTERM (systemd, docker stop, ECS) and then raises
    # the signal again under the handler that was in place before it; the default one
    # would end the process before the `finally` below stops the embedded Redis and TURN.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        server = uvicorn.Server(uvicorn_config(create_app(settings), settings))
        # After a graceful stop uvicorn raises the signal it caught again: Ctrl-C's
        # KeyboardInterrupt is the end of a normal run, not an error.
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
        if not server.started:
            return STARTUP_FAILURE
    finally:
        if turn_server is not None:
            turn_server.stop()
        if embedded is not None:
            embedded.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chesschat", description="Chess with a friend, face to face.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="run the server (starts an embedded Redis unless CHESSCHAT_REDIS_URL is set, "
        "and coturn unless CHESSCHAT_TURN_URLS is set or CHESSCHAT_TURN=off)",
    )
    serve.add_argument("--host", help="bind address (default 127.0.0.1; CHESSCHAT_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000; CHESSCHAT_PORT)")
    serve.set_defaults(run=_serve)
    ops.register(sub)
    turn.register(sub)
    bench.register(sub)
    cost.register(sub)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    os._exit(main())
