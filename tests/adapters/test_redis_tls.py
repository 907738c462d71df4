"""The app speaks TLS to Redis, as it does to ElastiCache: rediss:// with the server's
certificate verified against a CA and its name, and the AUTH token read from Secrets
Manager. A redis-server with ``tls-port`` and a CA made here stands in for ElastiCache."""

from __future__ import annotations

import datetime
import ipaddress
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from moto import mock_aws

from chesschat.adapters.redis_live import connect
from tests.server.rooms import open_room, start
from tests.support import Client, FakeClock, ServerThread, free_port, play, settings_for, signup

# Debian's redis-server (scripts/test installs it) is built with TLS; the embedded one is not.
REDIS_SERVER = "/usr/bin/redis-server"
TOKEN = "auth-token-from-secrets-manager"


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    path: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _validity(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return builder.not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(
        now + datetime.timedelta(days=1)
    )


def make_authority(directory: Path, name: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
    builder = _validity(builder.public_key(key.public_key()).serial_number(x509.random_serial_number()))
    builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    builder = builder.add_extension(
        x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
    )
    cert = builder.sign(key, hashes.SHA256())
    path = directory / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Authority(key, cert, path)


def issue(authority: Authority, directory: Path, host: str) -> tuple[Path, Path]:
    """A server certificate for ``host`` signed by ``authority``: (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = x509.CertificateBuilder().subject_name(_name(host)).issuer_name(authority.cert.subject)
    builder = _validity(builder.public_key(key.public_key()).serial_number(x509.random_serial_number()))
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    builder = builder.add_extension(x509.SubjectAlternativeName([alt]), critical=False)
    cert = builder.sign(authority.key, hashes.SHA256())
    stem = directory / f"{host}-{authority.path.stem}"
    cert_path, key_path = stem.with_suffix(".crt"), stem.with_suffix(".key")
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[Callable[[Path, Path, Path], int]]:
    """Start redis-servers that speak only TLS (no plain port), with AUTH; returns their ports."""
    started: list[subprocess.Popen[bytes]] = []

    def run(cert: Path, key: Path, ca: Path) -> int:
        port = free_port()
        server = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port", "0",
                "--tls-port", str(port),
                "--tls-cert-file", str(cert),
                "--tls-key-file", str(key),
                "--tls-ca-cert-file", str(ca),
                "--tls-auth-clients", "no",
                "--requirepass", TOKEN,
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(server)
        deadline = time.monotonic() + 10
        while True:
            try:
                probe = redis.Redis(
                    host="127.0.0.1",
                    port=port,
                    password=TOKEN,
                    ssl=True,
                    ssl_ca_certs=str(ca),
                    ssl_check_hostname=False,
                )
                probe.ping()
                probe.close()
                return port
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)

    yield run
    for server in started:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def auth_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The AUTH token in (moto's) Secrets Manager, as terraform keeps ElastiCache's; its ARN."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        yield client.create_secret(Name="chesschat/redis-auth-token", SecretString=TOKEN)["ARN"]


async def test_the_app_plays_over_tls_with_the_token_from_secrets_manager(
    tls_redis: Callable[[Path, Path, Path], int], auth_secret: str, tmp_path: Path
) -> None:
    ca = make_authority(tmp_path, "chesschat-test-ca")
    port = tls_redis(*issue(ca, tmp_path, "127.0.0.1"), ca.path)
    url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={ca.path}"
    server = ServerThread(
        settings_for(url, tmp_path / "app", redis_auth_secret_arn=auth_secret, aws_region="us-east-1"), FakeClock()
    ).start()
    try:
        host = await Client.connect(server.ws_url, signup(server.base_url))
        guest = await Client.connect(server.ws_url, signup(server.base_url))
        code = await open_room(host, guest)
        white, black, _ = await start(host, guest, code)
        last = await play(white, black, code, ["e2e4", "e7e5", "g1f3"])
        assert last["move"] == "g1f3"
        await host.close()
        await guest.close()
    finally:
        server.stop()
    # The room really is in the TLS server.
    check = redis.Redis(host="127.0.0.1", port=port, password=TOKEN, ssl=True, ssl_ca_certs=str(ca.path))
    try:
        assert check.exists(f"room:{code}")
    finally:
        check.close()


@pytest.mark.parametrize("case", ["another authority", "another name"])
async def test_the_app_refuses_a_server_whose_certificate_does_not_verify(
    case: str, tls_redis: Callable[[Path, Path, Path], int], auth_secret: str, tmp_path: Path
) -> None:
    trusted = make_authority(tmp_path, "chesschat-test-ca")
    if case == "another authority":
        rogue = make_authority(tmp_path, "someone-elses-ca")
        port = tls_redis(*issue(rogue, tmp_path, "127.0.0.1"), rogue.path)
    else:
        port = tls_redis(*issue(trusted, tmp_path, "redis.elsewhere.example"), trusted.path)
    url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={trusted.path}"
    client = connect(settings_for(url, tmp_path, redis_auth_secret_arn=auth_secret, aws_region="us-east-1"))
    try:
        with pytest.raises(redis.exceptions.ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.ping()
    finally:
        await client.aclose()
