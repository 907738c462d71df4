"""The product as a user installs it: a brand-new venv, ``pip install .`` with no extras.

Every other test runs with the test extras installed, which would hide a runtime import of
a test-only package (the server would then die at start on a user's machine or in the
container image). This one builds the package from a copy of the source tree into a fresh
venv, imports every module, and starts ``chesschat serve``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import eventually, free_port

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(".git", ".chesschat", "*.egg-info", "__pycache__", ".*_cache", "results")


def ignored(directory: str, names: list[str]) -> set[str]:
    """What a checkout would not have: caches and, at the top only, a previous ``build``
    (npm packages ship their code in ``build`` directories of their own)."""
    skipped = set(NOT_SOURCE(directory, names))
    if Path(directory) == ROOT and "build" in names:
        skipped.add("build")
    return skipped


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    scratch = tmp_path_factory.mktemp("clean-install")
    source = scratch / "source"
    shutil.copytree(ROOT, source, ignore=ignored)
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _env()
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", str(source)],
        check=True,
        env=env,
        timeout=900,
    )
    yield venv


def _env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no CHESSCHAT_* settings, and nothing pointing at
    this checkout's sources."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHESSCHAT_") and k != "PYTHONPATH"}
    return env | extra


def test_the_installed_command_lists_its_commands(venv: Path) -> None:
    done = subprocess.run(
        [venv / "bin" / "chesschat", "--help"], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    for command in ("serve", "bench", "deadletter", "db", "cost", "turn"):
        assert command in done.stdout


def test_every_module_imports_without_the_test_extras(venv: Path) -> None:
    script = (
        "import importlib, pkgutil, chesschat\n"
        "assert 'site-packages' in chesschat.__file__, chesschat.__file__\n"
        "for module in pkgutil.walk_packages(chesschat.__path__, 'chesschat.'):\n"
        "    importlib.import_module(module.name)\n"
        "for extra in ('httpx', 'pytest', 'moto', 'playwright', 'hypothesis', 'matplotlib'):\n"
        "    try:\n"
        "        importlib.import_module(extra)\n"
        "    except ImportError:\n"
        "        continue\n"
        "    raise SystemExit(f'{extra} is installed: this venv is not clean')\n"
    )
    done = subprocess.run(
        [venv / "bin" / "python", "-c", script], capture_output=True, text=True, env=_env(), timeout=120, cwd=venv
    )
    assert done.returncode == 0, done.stderr


def test_the_installed_server_starts_and_serves_the_client(venv: Path, tmp_path: Path) -> None:
    port = free_port()
    env = _env(CHESSCHAT_DATA_DIR=str(tmp_path), CHESSCHAT_PORT=str(port))
    server = subprocess.Popen(
        [venv / "bin" / "chesschat", "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert eventually(lambda: _status(f"{base}/healthz") == 200, timeout=60), _output(server)
        with urllib.request.urlopen(f"{base}/", timeout=5) as response:
            page = response.read().decode()
        assert response.status == 200 and "<html" in page.lower()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert f"open {base}" in _output(server)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status)
    except OSError:
        return 0


def _output(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None or process.stdout is None:
        return "(server still running)"
    return process.stdout.read().decode(errors="replace")
