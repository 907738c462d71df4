"""A terraform.tfvars read into a profile, so that the model and the infrastructure agree.

The reader takes the part of HCL a tfvars file uses: ``name = value`` with strings,
numbers, booleans, null, lists and objects, and comments. What the terraform does not
decide is this application's: its custom metrics, its alarms (five, two metrics per
DynamoDB table's throttle alarm, one per cache node), its secrets and its image store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from chesschat.cost.profiles import Profile

DEFAULTS: Mapping[str, Any] = {
    "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "nat_gateway_mode": "single",
    "nat_instance_type": "t4g.nano",
    "interface_endpoints": ["ecr.api", "ecr.dkr", "logs", "secretsmanager"],
    "interface_endpoint_az_count": 3,
    "redis_node_type": "cache.t4g.micro",
    "redis_replica_count": 1,
    "task_cpu": 256,
    "task_memory": 512,
    "desired_count": 1,
    "autoscaling_max_capacity": 4,
    "video_provider": "webrtc",
    "coturn_enabled": False,
    "identity_provider": "local",
    "google_oauth_secret_name": None,
}
"""The defaults of terraform/variables.tf for the variables the bill depends on."""

APP_CUSTOM_METRICS = 11
SINGLE_METRIC_ALARMS = 5
DYNAMODB_TABLES = 10
TURN_INSTANCE_TYPE = "t4g.small"
"""The coturn module's instance type."""
KMS_KEYS = 1
"""The monitoring module's key, for the logs, the secrets, the alarm topic and the trail."""
IMAGE_STORE_GB = 1.0
DEPLOY_OVERLAP_TASK_HOURS = 18.0


class TfvarsError(ValueError):
    """The text is not a tfvars file this reader understands."""


_TOKEN = re.compile(
    r"""(?P<skip>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<word>[A-Za-z_][\w-]*)
      | (?P<punct>[=\[\]{},:])""",
    re.VERBOSE | re.DOTALL,
)
_WORDS = {"true": True, "false": False, "null": None}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            line = text.count("\n", 0, at) + 1
            raise TfvarsError(f"line {line}: unexpected {text[at : at + 20]!r}")
        kind = match.lastgroup or ""
        if kind != "skip":
            tokens.append((kind, match.group()))
        at = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise TfvarsError("unexpected end of file")
        self.at += 1
        return token

    def expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            raise TfvarsError(f"expected {punct!r}")

    def key(self) -> str:
        kind, text = self.take()
        if kind == "word":
            return text
        if kind == "string":
            return str(json.loads(text))
        raise TfvarsError(f"expected a name, got {text!r}")

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if kind == "word" and text in _WORDS:
            return _WORDS[text]
        if (kind, text) == ("punct", "["):
            items = []
            while self.peek() != ("punct", "]"):
                items.append(self.value())
                if self.peek() == ("punct", ","):
                    self.take()
            self.take()
            return items
        if (kind, text) == ("punct", "{"):
            entries = {}
            while self.peek() != ("punct", "}"):
                name = self.key()
                if self.take() not in (("punct", "="), ("punct", ":")):
                    raise TfvarsError(f"expected '=' after {name!r}")
                entries[name] = self.value()
                if self.peek() == ("punct", ","):
                    self.take()
            self.take()
            return entries
        raise TfvarsError(f"expected a value, got {text!r}")


def parse(text: str) -> dict[str, Any]:
    """The assignments of a tfvars file, as Python values."""
    parser = _Parser(text)
    values: dict[str, Any] = {}
    while parser.peek() is not None:
        name = parser.key()
        parser.expect("=")
        values[name] = parser.value()
    return values


def profile(values: Mapping[str, Any], name: str) -> Profile:
    """The profile a set of tfvars values deploys (unset variables take their defaults)."""
    v = {**DEFAULTS, **values}
    azs = len(v["availability_zones"])
    cache_nodes = 1 + int(v["redis_replica_count"])
    turn = bool(v["coturn_enabled"])
    secrets = 1 + int(turn) + int(v["identity_provider"] == "cognito") + int(v["google_oauth_secret_name"] is not None)
    return Profile(
        name=name,
        summary=f"read from {name}",
        azs=azs,
        nat=v["nat_gateway_mode"],
        nat_instance_type=v["nat_instance_type"],
        interface_endpoints=len(v["interface_endpoints"]),
        endpoint_azs=min(int(v["interface_endpoint_az_count"]), azs),
        cache_node_type=v["redis_node_type"],
        cache_nodes=cache_nodes,
        task_vcpu=v["task_cpu"] / 1024,
        task_memory_gib=v["task_memory"] / 1024,
        tasks=int(v["desired_count"]),
        max_tasks=int(v["autoscaling_max_capacity"]),
        video=v["video_provider"],
        turn_instance_type=TURN_INSTANCE_TYPE if turn else None,
        custom_metrics=APP_CUSTOM_METRICS,
        alarm_metrics=SINGLE_METRIC_ALARMS + 2 * DYNAMODB_TABLES + cache_nodes,
        secrets=secrets,
        kms_keys=KMS_KEYS,
        image_store_gb=IMAGE_STORE_GB,
        deploy_overlap_task_hours=DEPLOY_OVERLAP_TASK_HOURS,
    )
