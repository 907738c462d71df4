"""coturn for the WebRTC video path: its configuration, and a server started in the data dir.

The app and coturn share a ``static-auth-secret`` (coturn's ``use-auth-secret`` REST
scheme, see video_webrtc.py). :func:`coturn_config` is the one configuration both the
embedded server and ``chesschat turn`` (for an operator's coturn) are written from.

The embedded server keeps its secret, configuration and log in ``<data dir>/turn``. One
app at a time owns it (an advisory lock on ``owner.lock``, as for the embedded Redis); an
app that finds it owned uses the running server and its secret. The server ends with its
owner, even a killed one (util-linux ``setpriv --pdeathsig``); one found running anyway is
stopped by the next owner before it starts its own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

import psutil

from chesschat.adapters.embedded_redis import owner_lock, stop_child
from chesschat.settings import Settings

# Peers a relay may never send to: this host, the private networks it may sit in, and
# addresses no peer has. Loopback is let through only where the settings allow it (tests).
DENIED_PEERS = (
    "0.0.0.0-0.255.255.255",
    "10.0.0.0-10.255.255.255",
    "100.64.0.0-100.127.255.255",
    "127.0.0.0-127.255.255.255",
    "169.254.0.0-169.254.255.255",
    "172.16.0.0-172.31.255.255",
    "192.168.0.0-192.168.255.255",
    "::1",
    "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
)
LOOPBACK_PEERS = {"127.0.0.0-127.255.255.255", "::1"}
STUN_MAGIC = 0x2112A442


def coturn_config(
    settings: Settings, secret: str, addresses: Sequence[str] = (), files: Sequence[str] = ("log-file=syslog",)
) -> str:
    """coturn's configuration for the settings: ``addresses`` are its address lines
    (``external-ip=``, ``listening-ip=``), ``files`` where it logs and keeps state."""
    loopback = settings.turn_allow_loopback_peers
    lines = [
        f"listening-port={settings.turn_port}",
        *addresses,
        f"min-port={settings.turn_relay_min_port}",
        f"max-port={settings.turn_relay_max_port}",
        f"realm={settings.turn_realm}",
        "use-auth-secret",
        f"static-auth-secret={secret}",
        "fingerprint",
        "no-cli",
        "no-tls",
        "no-dtls",
        "no-rfc5780",
        "no-software-attribute",
        "no-multicast-peers",
        "stale-nonce=600",
        *(["allow-loopback-peers"] if loopback else []),
        *(f"denied-peer-ip={peers}" for peers in DENIED_PEERS if not (loopback and peers in LOOPBACK_PEERS)),
        *files,
    ]
    return "\n".join(lines) + "\n"


def turn_host(settings: Settings) -> str:
    """The host browsers reach the embedded server at: the public URL's, else the one the
    app listens on (this machine's outward address when that is every interface)."""
    host = urlsplit(settings.public_url).hostname if settings.public_url else None
    host = host or settings.host
    if host in ("0.0.0.0", "::", ""):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(("192.0.2.1", 9))  # no packet is sent; the kernel picks the interface
                host = str(probe.getsockname()[0])
            except OSError:  # no route out: only this machine can reach it
                host = "127.0.0.1"
    return host


def turn_urls(host: str, port: int) -> tuple[list[str], list[str]]:
    """The STUN and TURN URLs of a server at ``host``."""
    if ":" in host:
        host = f"[{host}]"
    return [f"stun:{host}:{port}"], [f"turn:{host}:{port}?transport=udp", f"turn:{host}:{port}?transport=tcp"]


def listening_ip(host: str) -> str | None:
    """The address coturn listens and relays on for an app bound to ``host``; ``None``: all."""
    if host in ("0.0.0.0", "::", ""):
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return socket.gethostbyname(host)  # a name (localhost): its IPv4 address


def stun_answers(host: str, port: int, timeout_s: float = 0.2) -> bool:
    """Whether a STUN server at ``host:port`` (UDP) answers a binding request."""
    transaction = os.urandom(12)
    request = struct.pack("!HHI", 0x0001, 0, STUN_MAGIC) + transaction
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as client:
        client.settimeout(timeout_s)
        try:
            client.sendto(request, (host, port))
            answer = client.recv(2048)
        except OSError:
            return False
    return answer[:2] == b"\x01\x01" and answer[8:20] == transaction


def port_taken(port: int) -> bool:
    """Whether a socket of this machine listens on ``port`` (TCP) or holds it (UDP). coturn
    shares its ports with any other coturn (SO_REUSEPORT), so a second one would split the
    traffic between two secrets."""
    return any(
        c.laddr and c.laddr.port == port and (c.type == socket.SOCK_DGRAM or c.status == psutil.CONN_LISTEN)
        for c in psutil.net_connections("inet")
    )


def exited(process: psutil.Process) -> bool:
    """Whether ``process`` has ended (a zombie has: only its reaper is left to act)."""
    try:
        return bool(process.status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def turnserver_binary() -> str | None:
    return shutil.which("turnserver")


class EmbeddedTurn:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dir = settings.data_dir.resolve() / "turn"
        self.secret_file = self.dir / "secret"
        self.config_file = self.dir / "turnserver.conf"
        self.pid_file = self.dir / "turnserver.pid"
        self.log_file = self.dir / "turnserver.log"
        self.ip = listening_ip(settings.host)
        self.process: subprocess.Popen[bytes] | None = None
        self._lock: int | None = None

    @property
    def owned(self) -> bool:
        """Whether this instance runs the server (and stops it on ``stop()``)."""
        return self._lock is not None

    def secret(self) -> str:
        """The data dir's secret, made on first use; only its owner may read the file."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32))
        os.chmod(self.secret_file, 0o600)
        return self.secret_file.read_text().strip()

    def _take_ownership(self) -> bool:
        self._lock = owner_lock(self.dir)
        return self._lock is not None

    def _stop_left_behind(self) -> None:
        """Stop a server whose owner crashed: its pid file names a live turnserver. It has
        stopped once it is gone (or a zombie: its reaper is not us) and its port is free: a
        zombie's other threads may hold the port a moment longer."""
        try:
            process = psutil.Process(int(self.pid_file.read_text().strip()))
            if process.name() != "turnserver":
                return
            process.terminate()
        except (FileNotFoundError, ValueError, psutil.Error):
            return
        deadline = time.monotonic() + 10
        while not (exited(process) and not port_taken(self.settings.turn_port)):
            if time.monotonic() > deadline:
                with contextlib.suppress(psutil.Error):
                    process.kill()
                return
            time.sleep(0.02)

    def start(self, timeout_s: float = 10.0) -> str:
        """Start the data dir's coturn, or use the one its owner runs; returns the secret.
        Call it from a thread that lives as long as the app (serve's main thread): coturn
        ends with that thread.

        :raises RuntimeError: the port is taken or coturn did not start.
        """
        secret = self.secret()
        if not self._take_ownership():
            return secret
        self._stop_left_behind()
        probe = self.ip or "127.0.0.1"
        if port_taken(self.settings.turn_port):
            self.stop()
            raise RuntimeError(f"port {self.settings.turn_port} is taken (CHESSCHAT_TURN_PORT)")
        addresses = [f"listening-ip={self.ip}", f"relay-ip={self.ip}"] if self.ip else []
        files = [
            f"log-file={self.log_file}",
            "simple-log",
            f"pidfile={self.pid_file}",
            f"userdb={self.dir / 'turndb'}",
        ]
        fd = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(coturn_config(self.settings, secret, addresses, files))
        command = [turnserver_binary() or "turnserver", "-c", str(self.config_file)]
        setpriv = shutil.which("setpriv")
        if setpriv:
            # coturn gets SIGTERM when the thread that started it ends, however the app ends.
            command = [setpriv, "--pdeathsig", "TERM", *command]
        # Own session: a Ctrl+C in the terminal reaches the app, which then stops coturn.
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"turnserver exited; see {self.log_file}")
            if stun_answers(probe, self.settings.turn_port):
                return secret
        self.stop()
        raise RuntimeError(f"turnserver did not answer in time; see {self.log_file}")

    def stop(self) -> None:
        """Stop the server if this instance runs it; one its owner runs goes on."""
        if self.process is not None:
            stop_child(self.process)
            self.process = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
