"""The delivery layer and the application agree: tables, metric names, settings."""

from __future__ import annotations

import importlib
import os
import re
import typing
from types import ModuleType

import pytest

from tests.infra import hcl


def app_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{name} is not importable; install the application (pip install -e .)")


def test_app_creates_the_same_tables_terraform_creates() -> None:
    app_tables = app_module("chesschat.adapters.records.dynamodb").TABLES
    app = {
        name: (
            {k["AttributeName"]: k["KeyType"] for k in spec["KeySchema"]},
            {
                index["IndexName"]: {k["AttributeName"]: k["KeyType"] for k in index["KeySchema"]}
                for index in spec.get("GlobalSecondaryIndexes", [])
            },
        )
        for name, spec in app_tables.items()
    }
    terraform = {}
    for name, table in hcl.module("dynamodb").locals["tables"].items():
        keys = {table["hash_key"]: "HASH"} | ({table["range_key"]: "RANGE"} if table["range_key"] else {})
        indexes = {i: {x["hash_key"]: "HASH", x["range_key"]: "RANGE"} for i, x in table["indexes"].items()}
        terraform[name] = (keys, indexes)
    assert app == terraform


def test_sessions_expire_by_the_attribute_the_app_writes() -> None:
    source = (hcl.REPO / "src" / "chesschat" / "adapters" / "records" / "dynamodb.py").read_text(encoding="utf-8")
    app_ttl = re.search(r'"AttributeName": "(\w+)"\}', source)
    assert app_ttl, "the app no longer turns on TTL for sessions"
    ttls = {name: table["ttl"] for name, table in hcl.module("dynamodb").locals["tables"].items()}
    assert ttls.pop("sessions") == app_ttl.group(1)
    assert set(ttls.values()) == {None}


def accepted_values(variable: str) -> set[str]:
    condition = hcl.root().variables[variable]["validation"][0]["condition"]
    listed = re.search(r"contains\(\[([^\]]*)\]", condition)
    assert listed, condition
    return set(re.findall(r'"(\w+)"', listed.group(1)))


@pytest.mark.parametrize(("variable", "setting"), [("identity_provider", "identity"), ("video_provider", "video")])
def test_terraform_accepts_only_modes_the_app_starts_with(variable: str, setting: str) -> None:
    """A plan fails on a mode the app would refuse, instead of a service that never starts."""
    settings = app_module("chesschat.settings").Settings
    startable = set(typing.get_args(settings.model_fields[setting].annotation))
    accepted = accepted_values(variable)
    assert accepted == startable
    assert hcl.root().variables[variable]["default"] in accepted
    tfvars = (hcl.TERRAFORM / "environments" / "dev" / "terraform.tfvars").read_text(encoding="utf-8")
    chosen = re.search(rf'^{variable}\s*=\s*"(\w+)"', tfvars, flags=re.M)
    assert chosen is None or chosen.group(1) in accepted
    image = re.search(rf"CHESSCHAT_{setting.upper()}=(\w+)", (hcl.REPO / "Dockerfile").read_text(encoding="utf-8"))
    assert image is None or image.group(1) in startable


def test_dashboard_shows_the_metrics_the_app_emits() -> None:
    names = app_module("chesschat.adapters.metrics").NAMES
    assert list(names) == hcl.module("monitoring").variables["app_metric_names"]["default"]


def test_task_and_image_environment_name_only_settings_the_app_reads() -> None:
    fields = set(app_module("chesschat.settings").Settings.model_fields)
    environment = hcl.root().locals["app_environment"]
    names = set(re.findall(r"\b(CHESSCHAT_[A-Z_]+)\b", environment))
    assert len(names) >= 15
    names |= set(re.findall(r"\b(CHESSCHAT_[A-Z_]+)=", (hcl.REPO / "Dockerfile").read_text(encoding="utf-8")))
    unknown = {n for n in names if n.removeprefix("CHESSCHAT_").lower() not in fields}
    assert not unknown, f"the task sets settings the app does not have: {unknown}"


def test_generated_config_js_has_every_key_the_web_client_reads() -> None:
    static = hcl.REPO / "src" / "chesschat" / "web" / "static" / "js"
    read = {m for js in static.glob("*.js") for m in re.findall(r"\bconfig\.(\w+)", js.read_text(encoding="utf-8"))}
    assert read, "the web client reads no deployment setting"
    deploy = (hcl.REPO / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    written = set(re.findall(r'^\s*"(\w+)":', deploy, flags=re.M))
    assert read <= written, read - written


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def cdn_policy(chime: bool) -> dict[str, str]:
    """The CDN's policy as Terraform writes it, with ``var.chime`` set and the API's origin
    left as its expression."""
    source = (hcl.MODULES / "static_edge" / "main.tf").read_text(encoding="utf-8")
    block = source[source.index("content_security_policy {") :]
    block = block[: block.index("])")]
    chosen = 1 if chime else 2
    block = re.sub(r'\$\{var\.chime \? "([^"]*)" : "([^"]*)"\}', lambda m: m.group(chosen), block)
    block = re.sub(r'var\.chime \? "([^"]*)" : "([^"]*)"', lambda m: f'"{m.group(chosen)}"', block)
    listed = re.findall(r'^\s*"([a-z-]+ [^"]*(?:\$\{[^}]*\}[^"]*)*)",?$', block, flags=re.M)
    return directives("; ".join(listed))


@pytest.mark.parametrize("chime", [False, True])
def test_the_cdn_sends_the_apps_content_security_policy_plus_the_api(chime: bool) -> None:
    middleware = app_module("chesschat.web.middleware")
    app_policy = directives(middleware.CHIME_CONTENT_SECURITY_POLICY if chime else middleware.CONTENT_SECURITY_POLICY)
    cdn = cdn_policy(chime)
    api = '${var.api_origin} ${replace(var.api_origin, "https://", "wss://")}'
    app_connect = app_policy.pop("connect-src")
    assert cdn.pop("connect-src") == app_connect.replace("'self'", f"'self' {api}", 1)
    if not chime:
        assert cdn.pop("worker-src") == "'self'"  # as default-src would give
    assert cdn == app_policy
    assert hcl.root().module_calls["static_edge"]["chime"] == '${var.video_provider == "chime"}'
