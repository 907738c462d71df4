"""The coturn module's boot script writes what ``chesschat turn`` prints for the same
settings, and its security group opens exactly the ports that configuration uses."""

from __future__ import annotations

import re

import pytest

from tests.infra import hcl
from tests.infra.test_app_contract import app_module

SCRIPT = hcl.MODULES / "coturn" / "user_data.sh.tftpl"


def boot_config(values: dict[str, object]) -> str:
    """The configuration the boot script writes, with the template's values filled in."""
    script = SCRIPT.read_text(encoding="utf-8")
    body = re.search(r"cat > /etc/turnserver\.conf <<CONF\n(.*?)^CONF$", script, re.S | re.M)
    assert body, "the boot script no longer writes /etc/turnserver.conf from a heredoc"
    return re.sub(r"\$\{(\w+)\}", lambda m: str(values[m.group(1)]), body.group(1))


def test_the_boot_script_writes_what_chesschat_turn_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = app_module("chesschat.cli.main")
    coturn = hcl.module("coturn").variables
    ports = coturn["relay_port_range"]["default"]
    values = {
        "listening_port": coturn["listening_port"]["default"],
        "min_port": ports["min"],
        "max_port": ports["max"],
        "realm": "turn.chess-chat.example",
    }
    # The script's own shell variables stand for the secret and the addresses it reads at boot.
    monkeypatch.setenv("CHESSCHAT_TURN_SECRET", "$secret")
    monkeypatch.setenv("CHESSCHAT_TURN_PORT", str(values["listening_port"]))
    monkeypatch.setenv("CHESSCHAT_TURN_RELAY_MIN_PORT", str(values["min_port"]))
    monkeypatch.setenv("CHESSCHAT_TURN_RELAY_MAX_PORT", str(values["max_port"]))
    monkeypatch.setenv("CHESSCHAT_TURN_REALM", str(values["realm"]))
    assert cli.main(["turn", "--external-ip", "$public_ip/$private_ip"]) == 0
    assert capsys.readouterr().out == boot_config(values)


def test_the_app_and_the_module_default_to_the_same_ports() -> None:
    settings = app_module("chesschat.settings").Settings()
    coturn = hcl.module("coturn").variables
    assert settings.turn_port == coturn["listening_port"]["default"]
    ports = coturn["relay_port_range"]["default"]
    assert (settings.turn_relay_min_port, settings.turn_relay_max_port) == (ports["min"], ports["max"])


def test_the_security_group_opens_the_listening_port_and_the_relay_range() -> None:
    rules = hcl.module("coturn").resources("aws_vpc_security_group_ingress_rule")
    listen, relay = rules["listen"], rules["relay"]
    assert listen["from_port"] == listen["to_port"] == "${var.listening_port}"
    assert set(re.findall(r'"(\w+)"', listen["for_each"])) == {"udp", "tcp"}
    assert listen["ip_protocol"] == "${each.key}"
    assert (relay["ip_protocol"], relay["from_port"], relay["to_port"]) == (
        "udp",
        "${var.relay_port_range.min}",
        "${var.relay_port_range.max}",
    )
    # No TLS listener (the configuration says no-tls), so no 5349.
    assert set(rules) == {"listen", "relay"}
