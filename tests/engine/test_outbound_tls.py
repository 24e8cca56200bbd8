"""HTTPS through the outbound client: a pinned address still gets the host's certificate check."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from engine.outbound import OutboundClient, OutboundConnectionError
from tests.engine.local_http import LocalServer, Reply


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for hooks.test signed by it: (ca, cert, key) files."""
    folder = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("test CA"))
        .issuer_name(_name("test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("hooks.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hooks.test")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = (folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def tls_server(pki: tuple[Path, Path, Path]) -> Iterator[LocalServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki[1], pki[2])
    running = LocalServer(tls=context)
    try:
        yield running
    finally:
        running.close()


def trusting(pki: tuple[Path, Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(pki[0]))


def to_loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


def test_https_to_a_pinned_address_checks_the_certificate_of_the_url_host(
    tls_server: LocalServer, pki: tuple[Path, Path, Path]
) -> None:
    tls_server.route("GET", "/status", Reply(200, {"ok": True}))
    client = OutboundClient(resolver=to_loopback, tls_context=trusting(pki))
    response = client.request("GET", tls_server.url("/status", host="hooks.test"))
    assert response.json() == {"ok": True}
    assert tls_server.requests[0].header("Host") == f"hooks.test:{tls_server.port}"


def test_a_certificate_for_another_host_is_refused(
    tls_server: LocalServer, pki: tuple[Path, Path, Path]
) -> None:
    client = OutboundClient(resolver=to_loopback, tls_context=trusting(pki))
    with pytest.raises(OutboundConnectionError, match="certificate verify failed"):
        client.request("GET", tls_server.url("/status", host="other.test"))
    assert tls_server.requests == []


def test_an_untrusted_certificate_is_refused_by_default(tls_server: LocalServer) -> None:
    with pytest.raises(OutboundConnectionError, match="certificate verify failed"):
        OutboundClient(resolver=to_loopback).request("GET", tls_server.url("/", host="hooks.test"))
