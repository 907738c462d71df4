"""Server frames are declared once, in ``protocol/outbound``, each with its own tag."""

from __future__ import annotations

import re
from pathlib import Path

from chesschat.protocol import outbound

SRC = Path(__file__).resolve().parents[2] / "src" / "chesschat"
FRAME_LITERAL = re.compile(r"""["']type["']\s*:\s*["']([a-z_]+)["']""")


def test_outbound_each_frame_class_has_its_own_tag() -> None:
    tags = [frame.TYPE for frame in outbound.SERVER_FRAMES]
    assert len(tags) == len(set(tags))
    assert set(outbound.SERVER_TAGS) == set(tags)


def test_outbound_a_frame_renders_its_own_tag() -> None:
    samples: list[outbound.ServerFrame] = [
        outbound.RoomLeft("ABCD2345"),
        outbound.RoomClosed("ABCD2345", None),
        outbound.HeartbeatAck(1),
        outbound.SignalRelayed("ABCD2345", "u1", {"sdp": "x"}),
        outbound.VideoUnavailable("ABCD2345", "no camera"),
        outbound.Error("ROOM_FULL"),
    ]
    for frame in samples:
        assert frame.wire()["type"] == frame.TYPE


def test_outbound_error_frames_take_the_catalogue_message_and_retry_flag() -> None:
    assert outbound.Error("RATE_LIMITED").wire() == {
        "type": "error",
        "code": "RATE_LIMITED",
        "message": "Too many messages; slow down.",
        "retryable": True,
        "context": None,
    }


def test_outbound_no_server_frame_is_spelled_as_a_dict_outside_the_protocol_package() -> None:
    """A frame built by hand elsewhere is a second way of writing it (the load generator, a
    client, may spell the frames it sends)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "protocol" or path.name == "bench.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(tag in outbound.SERVER_TAGS for tag in FRAME_LITERAL.findall(line)):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []
