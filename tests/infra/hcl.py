"""The terraform/ tree as Python data, parsed with python-hcl2 (no terraform binary).

Strings come back unquoted; expressions come back as "${...}" strings; a comment inside a
block is kept under "__comments__". Blocks of one kind (resource, variable, ...) are
merged across the files of a module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

try:
    import hcl2
    from hcl2.utils import SerializationOptions
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI"):
        raise  # CI must run these tests: scripts/test-infra installs python-hcl2.
    pytest.skip("python-hcl2 is not installed; scripts/test-infra installs it", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULES = TERRAFORM / "modules"

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
_REFERENCE = re.compile(r"\b(module|var|local)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?")


@dataclass
class Module:
    """One Terraform module directory (the root, or one under modules/)."""

    path: Path
    blocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def text(self, filename: str = "main.tf") -> str:
        return (self.path / filename).read_text(encoding="utf-8")

    def _named(self, kind: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for block in self.blocks.get(kind, []):
            for key, value in block.items():
                if kind in ("resource", "data"):
                    # resource "type" "name": two labels, merged by type then by name.
                    merged.setdefault(key, {}).update(value)
                else:
                    merged[key] = value
        return merged

    @property
    def variables(self) -> dict[str, dict[str, Any]]:
        return self._named("variable")

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        return self._named("output")

    @property
    def module_calls(self) -> dict[str, dict[str, Any]]:
        return self._named("module")

    @property
    def locals(self) -> dict[str, Any]:
        return self._named("locals")

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        return self._named("resource").get(rtype, {})

    def resource(self, rtype: str, name: str) -> dict[str, Any]:
        found = self.resources(rtype)
        assert name in found, f"{self.name}: no {rtype}.{name}"
        return found[name]

    def all_resources(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for rtype, by_name in self._named("resource").items():
            for name, body in by_name.items():
                yield rtype, name, body

    def data(self, dtype: str, name: str) -> dict[str, Any]:
        found = self._named("data").get(dtype, {})
        assert name in found, f"{self.name}: no data.{dtype}.{name}"
        return found[name]


@cache
def load(path: Path) -> Module:
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        with tf.open(encoding="utf-8") as f:
            parsed = hcl2.load(f, serialization_options=_OPTIONS)
        for kind, blocks in parsed.items():
            if not kind.startswith("__"):
                module.blocks.setdefault(kind, []).extend(blocks)
    return module


def root() -> Module:
    return load(TERRAFORM)


def module(name: str) -> Module:
    return load(MODULES / name)


def module_names() -> list[str]:
    return sorted(p.name for p in MODULES.iterdir() if p.is_dir())


def references(value: Any) -> set[tuple[str, str, str | None]]:
    """Every module.X.Y, var.X and local.X that an expression (or nested value) names."""
    found: set[tuple[str, str, str | None]] = set()
    if isinstance(value, str):
        for kind, name, attr in _REFERENCE.findall(value):
            found.add((kind, name, attr or None))
    elif isinstance(value, dict):
        for v in value.values():
            found |= references(v)
    elif isinstance(value, list):
        for v in value:
            found |= references(v)
    return found


def statements(policy_document: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements of an aws_iam_policy_document, static and dynamic alike."""
    result = list(policy_document.get("statement", []))
    for dynamic in policy_document.get("dynamic", []):
        for content in dynamic.get("statement", {}).get("content", []):
            result.append(content)
    return result


def comments(block: dict[str, Any]) -> str:
    return " ".join(c["value"] for c in block.get("__comments__", []))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def unwrap(value: Any) -> Any:
    """ "${var.x}" -> "var.x"; other values unchanged."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value
