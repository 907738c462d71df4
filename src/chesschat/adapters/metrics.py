"""The application metrics (the seed's eight), exposed for Prometheus on ``/metrics``."""

from __future__ import annotations

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
