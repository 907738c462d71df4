"""A minimal TURN client (RFC 8656 over UDP): Allocate with the long-term credential
mechanism, enough to ask a real coturn for a relayed address and read its answer."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import time
from dataclasses import dataclass

MAGIC = 0x2112A442
ALLOCATE, ALLOCATE_SUCCESS, ALLOCATE_ERROR = 0x0003, 0x0103, 0x0113
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, REALM, NONCE = 0x0006, 0x0008, 0x0009, 0x0014, 0x0015
XOR_RELAYED_ADDRESS, REQUESTED_TRANSPORT = 0x0016, 0x0019
UDP = struct.pack("!B3x", 17)


@dataclass(frozen=True)
class Allocation:
    """coturn's answer to an authenticated Allocate: a relayed address, or an error code."""

    relayed: tuple[str, int] | None
    error: int | None
    seconds: float  # both round trips: the challenge and the authenticated request


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _header(kind: int, length: int, transaction: bytes) -> bytes:
    return struct.pack("!HHI", kind, length, MAGIC) + transaction


def _parse(data: bytes) -> tuple[int, bytes, dict[int, bytes]]:
    kind, length, magic = struct.unpack("!HHI", data[:8])
    assert magic == MAGIC, "not a STUN message"
    attributes: dict[int, bytes] = {}
    at = 20
    while at < 20 + length:
        attr, size = struct.unpack("!HH", data[at : at + 4])
        attributes.setdefault(attr, data[at + 4 : at + 4 + size])
        at += 4 + size + (-size % 4)
    return kind, data[8:20], attributes


def _exchange(sock: socket.socket, server: tuple[str, int], message: bytes) -> tuple[int, dict[int, bytes]]:
    sock.sendto(message, server)
    while True:
        kind, transaction, attributes = _parse(sock.recv(4096))
        if transaction == message[8:20]:
            return kind, attributes


def _error_code(attributes: dict[int, bytes]) -> int:
    value = attributes[ERROR_CODE]
    return (value[2] & 0x7) * 100 + value[3]


def _xor_address(value: bytes) -> tuple[str, int]:
    port = struct.unpack("!H", value[2:4])[0] ^ (MAGIC >> 16)
    address = struct.unpack("!I", value[4:8])[0] ^ MAGIC
    return str(ipaddress.IPv4Address(address)), port


def allocate(host: str, port: int, username: str, password: str, timeout_s: float = 3.0) -> Allocation:
    """Allocate a UDP relay: the unauthenticated request draws coturn's realm and nonce,
    the second carries USERNAME and MESSAGE-INTEGRITY keyed by MD5(user:realm:password)."""
    server = (host, port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        started = time.perf_counter()
        plain = _attribute(REQUESTED_TRANSPORT, UDP)
        kind, challenge = _exchange(sock, server, _header(ALLOCATE, len(plain), os.urandom(12)) + plain)
        assert kind == ALLOCATE_ERROR and _error_code(challenge) == 401, "coturn allocated without credentials"
        realm, nonce = challenge[REALM], challenge[NONCE]
        key = hashlib.md5(f"{username}:{realm.decode()}:{password}".encode()).digest()
        body = (
            _attribute(USERNAME, username.encode())
            + _attribute(REALM, realm)
            + _attribute(NONCE, nonce)
            + _attribute(REQUESTED_TRANSPORT, UDP)
        )
        header = _header(ALLOCATE, len(body) + 24, os.urandom(12))
        integrity = hmac.new(key, header + body, hashlib.sha1).digest()
        kind, answer = _exchange(sock, server, header + body + _attribute(MESSAGE_INTEGRITY, integrity))
        seconds = time.perf_counter() - started
    if kind == ALLOCATE_SUCCESS:
        return Allocation(_xor_address(answer[XOR_RELAYED_ADDRESS]), None, seconds)
    return Allocation(None, _error_code(answer), seconds)
