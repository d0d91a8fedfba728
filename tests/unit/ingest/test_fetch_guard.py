"""The SSRF guard on its own: URL forms and addresses refused before any connection."""

from __future__ import annotations

import pytest

from bot.ingest.addresses import address_problem
from bot.ingest.fetch import (
    FetchError,
    GuardedBackend,
    check_url,
    system_resolver,
)


class TestCheckUrl:
    @pytest.mark.parametrize(
        ("url", "kind"),
        [
            ("http://127.0.0.1/", "blocked"),
            ("http://[::1]/", "blocked"),
            ("http://10.0.0.1/", "blocked"),
            ("http://192.168.1.10/", "blocked"),
            ("http://172.16.5.5/", "blocked"),
            ("http://169.254.169.254/latest/meta-data/", "blocked"),
            ("http://100.64.0.7/", "blocked"),
            ("http://0.0.0.0/", "blocked"),
            ("http://224.0.0.1/", "blocked"),
            ("http://0x7f000001/", "blocked"),
            ("http://2130706433/", "blocked"),
            ("http://0177.0.0.1/", "blocked"),
            ("http://127.1/", "blocked"),
            ("http://[::ffff:127.0.0.1]/", "blocked"),
            ("http://[::ffff:a9fe:a9fe]/", "blocked"),
            ("http://[fe80::1]/", "blocked"),
            ("http://[fc00::1]/", "blocked"),
            ("http://[2002:7f00:1::]/", "blocked"),
            ("http://localhost/", "blocked"),
            ("http://api.localhost/", "blocked"),
            ("file:///etc/passwd", "scheme"),
            ("gopher://example.com/", "scheme"),
            ("ftp://example.com/", "scheme"),
            ("javascript:alert(1)", "scheme"),
            ("https://example.com:8443/", "port"),
            ("http://example.com:22/", "port"),
            ("http://user:secret@example.com/", "url"),
            ("http://exa mple.com/", "url"),
            ("http:///nohost", "url"),
            ("", "url"),
        ],
    )
    def test_refused(self, url: str, kind: str) -> None:
        with pytest.raises(FetchError) as info:
            check_url(url)
        assert info.value.kind == kind
        assert info.value.reason

    @pytest.mark.parametrize(
        "url", ["https://example.com/a", "http://8.8.8.8/", "https://example.com:443/x"]
    )
    def test_public_allowed(self, url: str) -> None:
        assert check_url(url)[0] in {"http", "https"}

    def test_allow_private_lifts_address_and_port_rules_only(self) -> None:
        assert check_url("http://127.0.0.1:8080/", allow_private=True)[2] == 8080
        with pytest.raises(FetchError):
            check_url("file:///etc/passwd", allow_private=True)


class TestAddressProblem:
    @pytest.mark.parametrize(
        "address",
        ["127.0.0.1", "::1", "10.1.1.1", "169.254.169.254", "100.100.100.100", "::", "0.0.0.0"],
    )
    def test_non_global(self, address: str) -> None:
        assert address_problem(address) is not None

    @pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"])
    def test_global(self, address: str) -> None:
        assert address_problem(address) is None


class TestBackendResolution:
    async def test_every_address_checked(self) -> None:
        async def resolver(host: str, port: int) -> list[str]:
            return ["93.184.216.34", "::1"]

        backend = GuardedBackend(allow_private=False, resolver=resolver)
        with pytest.raises(FetchError) as info:
            await backend.addresses_for("two-faced.example", 443)
        assert info.value.kind == "blocked"

    async def test_public_addresses_returned(self) -> None:
        async def resolver(host: str, port: int) -> list[str]:
            return ["93.184.216.34"]

        backend = GuardedBackend(allow_private=False, resolver=resolver)
        assert await backend.addresses_for("fine.example", 443) == ["93.184.216.34"]

    async def test_unix_sockets_refused(self) -> None:
        backend = GuardedBackend(allow_private=True)
        with pytest.raises(FetchError):
            await backend.connect_unix_socket("/var/run/docker.sock")


class TestSystemResolver:
    async def test_localhost_resolves_from_the_hosts_file(self) -> None:
        addresses = await system_resolver("localhost", 80)
        assert addresses
        assert all(address_problem(address) is not None for address in addresses)

    async def test_backend_refuses_localhost_after_resolution(self) -> None:
        backend = GuardedBackend(allow_private=False)
        with pytest.raises(FetchError) as info:
            await backend.addresses_for("localhost", 80)
        assert info.value.kind == "blocked"
