"""Package build hook: bundles the web client's npm dependencies before the static files
are collected, so ``pip install`` (editable or not) always ships a working board.

Needs Node.js and npm (``client/package-lock.json`` pins every package). Without them the
build fails with a message saying so; ``CHESSCHAT_SKIP_CLIENT_BUILD=1`` installs the
server without the bundle (the web client then cannot draw its board).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CLIENT = ROOT / "client"


def build_client() -> None:
    if os.environ.get("CHESSCHAT_SKIP_CLIENT_BUILD") == "1":
        print("chesschat: CHESSCHAT_SKIP_CLIENT_BUILD=1, web client bundle not built")
        return
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        raise SystemExit(
            "chesschat: building the web client needs Node.js (>= 18) and npm on PATH "
            "(e.g. `apt-get install nodejs npm`); set CHESSCHAT_SKIP_CLIENT_BUILD=1 to "
            "install the server without it."
        )
    lock = CLIENT / "package-lock.json"
    installed = CLIENT / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True)
    subprocess.run([node, "build.mjs"], cwd=CLIENT, check=True)


class BuildPyWithClient(build_py):
    def run(self) -> None:
        build_client()
        super().run()


setup(cmdclass={"build_py": BuildPyWithClient})
