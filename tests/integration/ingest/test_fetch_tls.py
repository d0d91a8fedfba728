"""HTTPS through the pinned connect: the checked IP is dialled, the certificate is checked
against the host name (SNI), never against the IP."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.fetch import FetchError, SafeFetcher
from tests.httpserver import LocalHTTPServer, running_server
from tests.integration.ingest.conftest import make_settings

HOST = "news.sitrep.test"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for HOST, made with the openssl command."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed for the TLS tests"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}",
            "-addext", f"subjectAltName=DNS:{HOST}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[LocalHTTPServer]:
    """An HTTPS server on 127.0.0.1 presenting the certificate for HOST."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with running_server(tls=context) as server:
        yield server


def fetcher_trusting(cert: Path) -> SafeFetcher:
    """A fetcher whose resolver sends every name to 127.0.0.1 and that trusts ``cert``."""

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    context = ssl.create_default_context(cafile=str(cert))
    return SafeFetcher(make_settings(), resolver=resolver, ssl_context=context)


class TestPinnedTls:
    async def test_certificate_checked_against_the_host_name(
        self, tls_server: LocalHTTPServer, certificate: tuple[Path, Path]
    ) -> None:
        tls_server.route("/page", body=b"<p>secure hello</p>")
        result = await fetcher_trusting(certificate[0]).fetch(tls_server.url("/page", HOST))
        assert result.content == b"<p>secure hello</p>"
        (request,) = tls_server.requests_for("/page")
        assert request.headers["host"] == f"{HOST}:{tls_server.port}"

    async def test_other_name_on_the_same_address_fails_verification(
        self, tls_server: LocalHTTPServer, certificate: tuple[Path, Path]
    ) -> None:
        tls_server.route("/page", body=b"<p>hello</p>")
        with pytest.raises(FetchError) as info:
            await fetcher_trusting(certificate[0]).fetch(
                tls_server.url("/page", "other.sitrep.test")
            )
        assert info.value.kind == "network"
        assert tls_server.requests_for("/page") == []
