"""Operator commands: ``db init``, ``deadletter list|requeue|drop``, ``worker``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import Any

import orjson

from chesschat.settings import Settings, load_settings


@contextlib.contextmanager
def _redis_settings(settings: Settings) -> Iterator[Settings]:
    """The settings with a Redis URL: the configured one, or the data dir's embedded server
    (reused if ``chesschat serve`` runs it, else started for this command)."""
    if settings.redis_url:
        yield settings
        return
    from chesschat.adapters.embedded_redis import EmbeddedRedis

    embedded = EmbeddedRedis(settings.data_dir)
    url = embedded.start()
    try:
        yield settings.model_copy(update={"redis_url": url})
    finally:
        embedded.stop()


def _db_init(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.record_store == "sqlite":
        from chesschat.adapters.records import open_store

        open_store(settings).close()  # opening runs the migrations
        print(f"SQLite records ready in {settings.data_dir}")
        return 0
    from chesschat.adapters.records.dynamodb import TABLES, DynamoRecords

    store = DynamoRecords(settings.table_prefix, settings.aws_region, settings.dynamodb_endpoint_url)
    try:
        created = store.create_tables()
    finally:
        store.close()
    for table in TABLES:
        name = store.name(table)
        print(f"{name}\t{'created' if name in created else 'exists'}")
    return 0


def _entries(raw: list[bytes]) -> list[tuple[bytes, dict[str, Any]]]:
    entries = []
    for entry in raw:
        try:
            parsed = orjson.loads(entry)
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            parsed = {"id": "unreadable", "error": "not a dead-letter entry", "job": entry.decode(errors="replace")}
        entries.append((entry, parsed))
    return entries


async def _deadletter(settings: Settings, args: argparse.Namespace) -> int:
    from chesschat.adapters.redis_live import FinalizationQueue, connect

    client = connect(settings)
    try:
        queue = FinalizationQueue(client)
        entries = _entries(await queue.dead_letters())
        if args.action == "list":
            if args.json:
                for _, entry in entries:
                    print(orjson.dumps(entry).decode())
                return 0
            print("id\tattempts\tfailed_at\terror")
            for _, entry in entries:
                fields = (entry.get("id"), entry.get("attempts", ""), entry.get("failedAt", ""), entry.get("error"))
                print("\t".join(str(f) for f in fields))
            print(f"{len(entries)} dead letter(s)", file=sys.stderr)
            return 0
        chosen = entries if args.all else [(raw, e) for raw, e in entries if e.get("id") == args.id]
        if not chosen:
            print(f"no dead letter {args.id!r}", file=sys.stderr)
            return 1
        done = 0
        for raw, entry in chosen:
            if args.action == "requeue":
                job = str(entry.get("job", "")).encode()
                done += await queue.requeue(raw, job)
            else:
                done += await queue.drop(raw)
        verb = "requeued" if args.action == "requeue" else "dropped"
        print(f"{verb} {done} job(s)")
        return 0
    finally:
        await client.aclose()


def _deadletter_command(args: argparse.Namespace) -> int:
    if args.action == "requeue" and not (args.all or args.id):
        print("requeue needs an ID or --all", file=sys.stderr)
        return 2
    with _redis_settings(load_settings()) as settings:
        return asyncio.run(_deadletter(settings, args))


async def _run_worker(settings: Settings) -> None:
    """One finalization worker on its own until SIGTERM or SIGINT."""
    from chesschat.adapters.metrics import PrometheusMetrics
    from chesschat.adapters.records import open_store
    from chesschat.adapters.redis_live import FinalizationQueue, connect
    from chesschat.services.records import Records
    from chesschat.workers.finalizer import Finalizer, new_worker_id

    client = connect(settings)
    store = open_store(settings)
    finalizer = Finalizer(FinalizationQueue(client, new_worker_id()), Records(store), PrometheusMetrics(), settings)
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop_requested.set)
    await finalizer.start()
    try:
        await stop_requested.wait()
    finally:
        await finalizer.stop()
        await client.aclose()
        store.close()


def _worker(args: argparse.Namespace) -> int:
    from chesschat.observability import configure_logging

    with _redis_settings(load_settings()) as settings:
        configure_logging(settings.log_level, settings.log_json)
        asyncio.run(_run_worker(settings))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="record store administration")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    init = db_sub.add_parser(
        "init", help="create the DynamoDB tables (local or emulated use; on AWS Terraform owns them)"
    )
    init.set_defaults(run=_db_init)

    dead = sub.add_parser("deadletter", help="finished games that could not be recorded")
    dead_sub = dead.add_subparsers(dest="action", required=True)
    listing = dead_sub.add_parser("list", help="show the dead letters, newest first")
    listing.add_argument("--json", action="store_true", help="one JSON object a line, with the job")
    requeue = dead_sub.add_parser("requeue", help="put a dead letter's job back on the queue")
    requeue.add_argument("id", nargs="?", help="the entry's id (its game id)")
    requeue.add_argument("--all", action="store_true", help="every dead letter")
    drop = dead_sub.add_parser("drop", help="delete a dead letter for good")
    drop.add_argument("id", help="the entry's id (its game id)")
    drop.set_defaults(all=False)
    dead.set_defaults(run=_deadletter_command)

    worker = sub.add_parser("worker", help="run a finalization worker alone (serve runs one too)")
    worker.set_defaults(run=_worker)
