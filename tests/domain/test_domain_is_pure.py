"""The domain does no I/O: no module under chesschat.domain imports a network, storage or
web library, or the layers that sit outside it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chesschat.domain

DOMAIN = Path(chesschat.domain.__file__).parent
MODULES = sorted(DOMAIN.rglob("*.py"))
FORBIDDEN = {
    "asyncio",
    "redis",
    "boto3",
    "botocore",
    "starlette",
    "fastapi",
    "socket",
    "sqlite3",
    "uvicorn",
    "websockets",
    "chesschat.adapters",
    "chesschat.services",
    "chesschat.web",
}


def _imported(tree: ast.AST, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names.update(arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant))
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN)


def test_domain_has_modules_to_check() -> None:
    assert {path.name for path in MODULES} >= {"game.py", "room.py", "serde.py"}


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_domain_module_imports_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = sorted(name for name in _imported(tree, "chesschat.domain") if _forbidden(name))
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "source",
    [
        "import asyncio",
        "import redis.asyncio as redis",
        "from botocore.exceptions import ClientError",
        "from starlette.websockets import WebSocket",
        "from chesschat.services import room_commands",
        "from chesschat import web",
        "from ..adapters import redis_live",
        "import sqlite3, json",
        "__import__('socket')",
    ],
)
def test_domain_purity_check_catches_an_io_import(source: str) -> None:
    names = _imported(ast.parse(source), "chesschat.domain")
    assert any(_forbidden(name) for name in names), names
