"""TURN for real: Debian's coturn started as ``chesschat serve`` starts it, the credentials
the server hands out in ``video_ready``, and what coturn does with them."""

from __future__ import annotations

import re
import stat
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chesschat.adapters.embedded_turn import EmbeddedTurn, coturn_config, listening_ip, turn_host, turn_urls
from chesschat.adapters.video_webrtc import turn_credentials
from chesschat.cli.main import main
from chesschat.cli.turn import start_embedded
from chesschat.settings import Settings
from tests.server.rooms import open_room
from tests.support import Client, ServerThread, signup
from tests.video.turn_client import TurnClient, allocate

TurnApp = Callable[..., tuple[ServerThread, EmbeddedTurn]]


async def video_ready_pair(app: ServerThread) -> tuple[tuple[Client, dict[str, Any]], tuple[Client, dict[str, Any]]]:
    """Two players seated in one room, each with the video_ready they were sent."""
    host = await Client.connect(app.ws_url, signup(app.base_url))
    guest = await Client.connect(app.ws_url, signup(app.base_url))
    await open_room(host, guest)
    ready = [next(f for f in reversed(c.seen) if f["type"] == "video_ready") for c in (host, guest)]
    return (host, ready[0]), (guest, ready[1])


def turn_entry(ready: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = next(s for s in ready["iceServers"] if "credential" in s)
    return entry


def host_port(url: str) -> tuple[str, int]:
    match = re.fullmatch(r"turn:([\d.]+):(\d+)\?transport=udp", url)
    assert match, url
    return match.group(1), int(match.group(2))


async def test_a_client_allocates_a_relay_with_the_credentials_video_ready_carries(turn_app: TurnApp) -> None:
    app, _ = turn_app(room_ttl_seconds=600, turn_credential_ttl_seconds=3600)
    (host, host_ready), (guest, guest_ready) = await video_ready_pair(app)
    port = app.settings.turn_port
    for client, ready in ((host, host_ready), (guest, guest_ready)):
        assert ready["iceServers"][0] == {"urls": [f"stun:127.0.0.1:{port}"]}
        assert ready["iceTransportPolicy"] == "all"
        entry = turn_entry(ready)
        assert entry["urls"] == [f"turn:127.0.0.1:{port}?transport=udp", f"turn:127.0.0.1:{port}?transport=tcp"]
        expiry, user_id = entry["username"].split(":", 1)
        assert user_id == client.user_id
        # Valid no longer than the room: its TTL (600 s) is shorter than the credential's.
        assert time.time() + 590 < int(expiry) <= time.time() + 600
        allocation = allocate(*host_port(entry["urls"][0]), entry["username"], entry["credential"])
        assert allocation.error is None and allocation.relayed is not None
        address, relay_port = allocation.relayed
        assert address == "127.0.0.1"
        assert app.settings.turn_relay_min_port <= relay_port <= app.settings.turn_relay_max_port
    assert app.wiring.metrics.value("TurnCredentialsIssued") == 2
    await host.close()
    await guest.close()


async def test_allocation_takes_milliseconds(turn_app: TurnApp) -> None:
    app, _ = turn_app()
    (host, ready), (guest, _) = await video_ready_pair(app)
    entry = turn_entry(ready)
    times = [allocate(*host_port(entry["urls"][0]), entry["username"], entry["credential"]).seconds for _ in range(20)]
    median = statistics.median(times)
    print(f"TURN allocation (challenge and Allocate): median {median * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
    assert median < 0.1
    await host.close()
    await guest.close()


def test_expired_credentials_are_refused(turn_app: TurnApp) -> None:
    app, turn = turn_app()
    secret = turn.secret()
    username, password = turn_credentials(secret, "alice", int(time.time()) - 5)
    assert allocate("127.0.0.1", app.settings.turn_port, username, password).error == 401
    username, password = turn_credentials(secret, "alice", int(time.time()) + 60)
    assert allocate("127.0.0.1", app.settings.turn_port, username, password).relayed is not None


def test_a_relay_outlives_its_credential(turn_app: TurnApp) -> None:
    """coturn checks a credential's expiry when a relay is allocated, not when it is kept:
    a call through TURN goes on past the credential's end; only a new relay needs a new one."""
    app, turn = turn_app()
    username, password = turn_credentials(turn.secret(), "alice", int(time.time()) + 2)
    client = TurnClient("127.0.0.1", app.settings.turn_port, username, password)
    try:
        assert client.allocate().relayed is not None
        time.sleep(3)
        assert client.refresh() is None
    finally:
        client.close()
    assert allocate("127.0.0.1", app.settings.turn_port, username, password).error == 401


async def test_a_call_whose_credentials_ran_out_gets_fresh_ones_for_both_players(turn_app: TurnApp) -> None:
    """A relay outlives its credential, but a new one (an ICE restart an hour into a game)
    needs a fresh credential: ``video_refresh`` gives both players one, wherever they are."""
    app, _ = turn_app(turn_credential_ttl_seconds=1)
    (host, host_ready), (guest, guest_ready) = await video_ready_pair(app)
    old = turn_entry(host_ready)
    assert host_ready["credentialsExpireAt"] == int(old["username"].split(":")[0]) * 1000
    where = host_port(old["urls"][0])
    deadline = time.monotonic() + 10
    while allocate(*where, old["username"], old["credential"]).error != 401:  # until it has run out
        assert time.monotonic() < deadline, "the credential never expired"
        time.sleep(0.2)
    await guest.send({"type": "video_refresh", "roomCode": host_ready["roomCode"]})
    for client, before in ((host, host_ready), (guest, guest_ready)):
        fresh = await client.expect("video_ready")
        assert (fresh["polite"], fresh["peerUserId"]) == (before["polite"], before["peerUserId"])
        assert fresh["credentialsExpireAt"] > before["credentialsExpireAt"]
        entry = turn_entry(fresh)
        assert entry["username"].endswith(f":{client.user_id}")
        assert allocate(*host_port(entry["urls"][0]), entry["username"], entry["credential"]).relayed is not None
    stranger = await Client.connect(app.ws_url, signup(app.base_url))
    refused = await stranger.error({"type": "video_refresh", "roomCode": host_ready["roomCode"]})
    assert refused["code"] == "NOT_IN_ROOM"
    for client in (host, guest, stranger):
        await client.close()


def test_forged_credentials_are_refused(turn_app: TurnApp) -> None:
    app, turn = turn_app()
    port = app.settings.turn_port
    expiry = int(time.time()) + 600
    username, _ = turn_credentials(turn.secret(), "alice", expiry)
    _, forged = turn_credentials("not the secret", "alice", expiry)
    assert allocate("127.0.0.1", port, username, forged).error == 401
    # Alice's valid password with a later expiry or with Bob's name is no password at all.
    _, alices = turn_credentials(turn.secret(), "alice", expiry)
    assert allocate("127.0.0.1", port, f"{expiry + 3600}:alice", alices).error == 401
    assert allocate("127.0.0.1", port, f"{expiry}:bob", alices).error == 401


def test_coturn_relays_between_two_allocations_with_issued_credentials(turn_app: TurnApp) -> None:
    """coturn's own test client: two allocations send each other packets through the relay."""
    app, turn = turn_app()
    username, password = turn_credentials(turn.secret(), "alice", int(time.time()) + 600)
    port = str(app.settings.turn_port)
    result = subprocess.run(
        ["turnutils_uclient", "-y", "-n", "10", "-z", "5", "-u", username, "-w", password, "-p", port, "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sent, received = map(int, re.findall(r"tot_send_msgs=(\d+), tot_recv_msgs=(\d+)$", result.stdout, re.M)[-1])
    assert sent == received > 0
    assert "Total lost packets 0 (" in result.stdout


async def test_relay_only_tells_the_browsers_to_use_nothing_but_turn(turn_app: TurnApp) -> None:
    app, _ = turn_app(turn_relay_only=True)
    (host, host_ready), (guest, guest_ready) = await video_ready_pair(app)
    assert host_ready["iceTransportPolicy"] == guest_ready["iceTransportPolicy"] == "relay"
    await host.close()
    await guest.close()


def test_no_embedded_coturn_when_turn_is_off_or_external_or_video_is_chime(tmp_path: Path) -> None:
    off = Settings(data_dir=tmp_path, turn="off")
    assert start_embedded(off) == (off, None)
    external = Settings(data_dir=tmp_path, turn_urls=["turn:turn.example.com:3478?transport=udp"], turn_secret="s")
    assert start_embedded(external) == (external, None)
    chime = Settings(data_dir=tmp_path, video="chime")
    assert start_embedded(chime) == (chime, None)
    assert not (tmp_path / "turn").exists()


def test_the_configuration_refuses_loopback_and_private_peers_unless_tests_allow_loopback() -> None:
    production = coturn_config(Settings(), "s").splitlines()
    assert "allow-loopback-peers" not in production
    for denied in ("127.0.0.0-127.255.255.255", "::1", "10.0.0.0-10.255.255.255", "192.168.0.0-192.168.255.255"):
        assert f"denied-peer-ip={denied}" in production
    assert {"use-auth-secret", "static-auth-secret=s", "no-cli", "fingerprint", "no-multicast-peers"} <= set(production)
    tests = coturn_config(Settings(turn_allow_loopback_peers=True), "s").splitlines()
    assert "allow-loopback-peers" in tests
    assert "denied-peer-ip=127.0.0.0-127.255.255.255" not in tests
    assert "denied-peer-ip=10.0.0.0-10.255.255.255" in tests


def test_the_urls_name_the_public_host_else_the_listening_address() -> None:
    assert turn_urls(turn_host(Settings(public_url="https://chess.example.com")), 3478) == (
        ["stun:chess.example.com:3478"],
        ["turn:chess.example.com:3478?transport=udp", "turn:chess.example.com:3478?transport=tcp"],
    )
    assert turn_host(Settings(host="192.0.2.10")) == "192.0.2.10"
    assert turn_host(Settings(host="0.0.0.0")) not in ("0.0.0.0", "")
    assert turn_urls("::1", 3478)[0] == ["stun:[::1]:3478"]
    assert (listening_ip("0.0.0.0"), listening_ip("localhost"), listening_ip("::1")) == (None, "127.0.0.1", "::1")


def test_chesschat_turn_prints_the_data_dirs_secret_when_none_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHESSCHAT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHESSCHAT_TURN_PORT", "3479")
    assert main(["turn"]) == 0
    printed = capsys.readouterr()
    secret = (tmp_path / "turn" / "secret").read_text()
    assert stat.S_IMODE((tmp_path / "turn" / "secret").stat().st_mode) == 0o600
    assert f"static-auth-secret={secret}" in printed.out.splitlines()
    assert "listening-port=3479" in printed.out.splitlines()
    assert str(tmp_path / "turn" / "secret") in printed.err
    assert main(["turn"]) == 0
    assert f"static-auth-secret={secret}" in capsys.readouterr().out.splitlines()  # kept, not remade
