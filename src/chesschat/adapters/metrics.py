"""The application metrics: the seed's eight, and video's.

Always exposed for Prometheus on ``/metrics``. With ``CHESSCHAT_METRICS=cloudwatch`` each
count is also written to stdout as a CloudWatch Embedded Metric Format record in the
namespace ``Chesschat/<Env>``; the ECS log driver ships stdout to CloudWatch Logs, which
turns the records into metrics with no API call and no extra IAM permission.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

NAMES = (
    "WsConnectionsOpened",
    "WsConnectionsClosed",
    "GamesStarted",
    "GamesEnded",
    "GamePersistSucceeded",
    "GamePersistRetried",
    "GamePersistFailed",
    "AppErrors",
    "VideoSessionsStarted",
    "VideoFailures",
    "TurnCredentialsIssued",
)


class PrometheusMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.counters = {name: Counter(name, f"ChessChat {name}", registry=self.registry) for name in NAMES}
        self.open_connections = Gauge(
            "WsConnectionsOpen", "WebSocket connections open in this process", registry=self.registry
        )

    def incr(self, name: str, value: int = 1) -> None:
        self.counters[name].inc(value)

    def value(self, name: str) -> float:
        return self.registry.get_sample_value(f"{name}_total") or 0.0

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class CloudWatchMetrics(PrometheusMetrics):
    def __init__(self, env: str, out: TextIO | None = None) -> None:
        super().__init__()
        self.namespace = f"Chesschat/{env.capitalize()}"
        self.out = out or sys.stdout

    def incr(self, name: str, value: int = 1) -> None:
        super().incr(name, value)
        record = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {"Namespace": self.namespace, "Dimensions": [[]], "Metrics": [{"Name": name, "Unit": "Count"}]}
                ],
            },
            name: value,
        }
        self.out.write(orjson.dumps(record).decode() + "\n")
        self.out.flush()


def metrics_for(kind: str, env: str) -> PrometheusMetrics:
    return CloudWatchMetrics(env) if kind == "cloudwatch" else PrometheusMetrics()
