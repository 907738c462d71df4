"""A minimal TURN client (RFC 8656 over UDP): Allocate and Refresh with the long-term
credential mechanism, enough to ask a real coturn for a relayed address and read its answer."""

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
XOR_RELAYED_ADDRESS, REQUESTED_TRANSPORT, LIFETIME = 0x0016, 0x0019, 0x000D
REFRESH, REFRESH_SUCCESS = 0x0004, 0x0104
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


class TurnClient:
    """One client 5-tuple to a TURN server: the unauthenticated Allocate draws coturn's realm
    and nonce, later requests carry USERNAME and MESSAGE-INTEGRITY keyed by
    MD5(user:realm:password)."""

    def __init__(self, host: str, port: int, username: str, password: str, timeout_s: float = 3.0) -> None:
        self.server = (host, port)
        self.username, self.password = username, password
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout_s)
        self.realm = self.nonce = self.key = b""

    def close(self) -> None:
        self.sock.close()

    def _signed(self, kind: int, attributes: bytes) -> tuple[int, dict[int, bytes]]:
        body = (
            _attribute(USERNAME, self.username.encode())
            + _attribute(REALM, self.realm)
            + _attribute(NONCE, self.nonce)
            + attributes
        )
        header = _header(kind, len(body) + 24, os.urandom(12))
        integrity = hmac.new(self.key, header + body, hashlib.sha1).digest()
        return _exchange(self.sock, self.server, header + body + _attribute(MESSAGE_INTEGRITY, integrity))

    def allocate(self) -> Allocation:
        started = time.perf_counter()
        plain = _attribute(REQUESTED_TRANSPORT, UDP)
        kind, challenge = _exchange(self.sock, self.server, _header(ALLOCATE, len(plain), os.urandom(12)) + plain)
        assert kind == ALLOCATE_ERROR and _error_code(challenge) == 401, "coturn allocated without credentials"
        self.realm, self.nonce = challenge[REALM], challenge[NONCE]
        self.key = hashlib.md5(f"{self.username}:{self.realm.decode()}:{self.password}".encode()).digest()
        kind, answer = self._signed(ALLOCATE, plain)
        seconds = time.perf_counter() - started
        if kind == ALLOCATE_SUCCESS:
            return Allocation(_xor_address(answer[XOR_RELAYED_ADDRESS]), None, seconds)
        return Allocation(None, _error_code(answer), seconds)

    def refresh(self, lifetime_s: int = 600) -> int | None:
        """Refresh the allocation; ``None`` when coturn agrees, else its error code."""
        kind, answer = self._signed(REFRESH, _attribute(LIFETIME, struct.pack("!I", lifetime_s)))
        return None if kind == REFRESH_SUCCESS else _error_code(answer)


def allocate(host: str, port: int, username: str, password: str) -> Allocation:
    """Allocate a UDP relay on a client socket of its own."""
    client = TurnClient(host, port, username, password)
    try:
        return client.allocate()
    finally:
        client.close()
