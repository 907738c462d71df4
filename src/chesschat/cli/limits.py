"""Process limits for commands that hold many sockets."""

from __future__ import annotations

import resource


def raise_fd_limit() -> None:
    """Lift the soft open-file limit to the hard one: each WebSocket is a descriptor."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
