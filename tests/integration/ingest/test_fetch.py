"""SafeFetcher against a real local HTTP server: caps, redirects, conditional requests, guard."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import pytest

from bot.ingest.fetch import FetchError, SafeFetcher
from tests.httpserver import LocalHTTPServer, running_server
from tests.integration.ingest.conftest import make_settings

PAGE = b"<html><head><title>Market reopens</title></head><body><p>Stalls open.</p></body></html>"


class TestPlainFetch:
    async def test_returns_body_type_and_charset(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/page", body=PAGE, content_type="text/html; charset=iso-8859-1")
        result = await fetcher.fetch(http_server.url("/page"))
        assert result.status == 200
        assert result.content == PAGE
        assert result.content_type == "text/html"
        assert result.charset == "iso-8859-1"
        assert not result.not_modified

    async def test_sends_user_agent_and_no_brotli(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/page", body=PAGE)
        await fetcher.fetch(http_server.url("/page"))
        (request,) = http_server.requests_for("/page")
        assert request.headers["user-agent"].startswith("Sitrep/")
        assert "br" not in request.headers["accept-encoding"]

    async def test_gzip_body_is_decoded(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/gz", body=gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
        result = await fetcher.fetch(http_server.url("/gz"))
        assert result.content == PAGE

    async def test_raw_deflate_body_is_decoded(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        raw = compressor.compress(PAGE) + compressor.flush()
        http_server.route("/deflate", body=raw, headers={"Content-Encoding": "deflate"})
        result = await fetcher.fetch(http_server.url("/deflate"))
        assert result.content == PAGE

    async def test_invalid_utf8_is_fetched_and_decoded_leniently(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/bad", body=b"<p>caf\xe9 \xff\xfe ok</p>", content_type="text/html")
        result = await fetcher.fetch(http_server.url("/bad"))
        assert "ok" in result.text()
        assert "\ufffd" in result.text()


class TestConditionalRequests:
    async def test_etag_gives_not_modified(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/feed", body=PAGE, etag='"v1"')
        first = await fetcher.fetch(http_server.url("/feed"))
        assert first.etag == '"v1"'
        second = await fetcher.fetch(http_server.url("/feed"), etag=first.etag)
        assert second.not_modified
        assert second.content == b""
        assert http_server.requests_for("/feed")[1].headers["if-none-match"] == '"v1"'

    async def test_last_modified_gives_not_modified(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        stamp = "Mon, 02 Mar 2026 10:00:00 GMT"
        http_server.route("/feed", body=PAGE, last_modified=stamp)
        first = await fetcher.fetch(http_server.url("/feed"))
        second = await fetcher.fetch(http_server.url("/feed"), last_modified=first.last_modified)
        assert second.not_modified
        assert http_server.requests_for("/feed")[1].headers["if-modified-since"] == stamp


class TestRefusals:
    @pytest.mark.parametrize(
        ("route", "kind", "reason"),
        [
            pytest.param({"body": b"x" * 300_000}, "too_large", "larger than",
                         id="announced-oversize"),
            # No Content-Length at all: the body runs until the server closes the connection.
            pytest.param({"body": b"y" * 300_000, "content_length": -1}, "too_large",
                         "larger than", id="oversize-while-streaming"),
            pytest.param({"body": b"\x89PNG....", "content_type": "image/png"}, "content_type",
                         "image/png", id="wrong-content-type"),
            pytest.param(None, "status", "404", id="error-status"),
            pytest.param({"body": b"....", "headers": {"Content-Encoding": "br"}}, "encoding",
                         "unsupported content encoding (br)", id="unknown-encoding"),
        ],
    )  # fmt: skip
    async def test_refused_with_its_kind_and_reason(
        self,
        http_server: LocalHTTPServer,
        fetcher: SafeFetcher,
        route: dict[str, Any] | None,
        kind: str,
        reason: str,
    ) -> None:
        if route is not None:
            http_server.route("/page", **route)
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(http_server.url("/page"))
        assert info.value.kind == kind
        assert reason in info.value.reason

    async def test_gzip_bomb_refused(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
        assert len(bomb) < 200_000  # small on the wire, 50 MB once decoded
        http_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(http_server.url("/bomb"))
        assert info.value.kind == "too_large"
        assert "decompressed" in info.value.reason

    async def test_slow_server_times_out(self, http_server: LocalHTTPServer) -> None:
        fetcher = SafeFetcher(make_settings(SITREP_FETCH_TIMEOUT_SECONDS=0.3))
        http_server.route("/slow", body=PAGE, delay=1.5)
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(http_server.url("/slow"))
        assert info.value.kind == "timeout"

    async def test_one_deadline_for_the_whole_fetch(self, http_server: LocalHTTPServer) -> None:
        # Each piece comes well within the timeout, but the body takes twice as long as it:
        # the fetch is cut at the timeout, and the message names that real deadline.
        fetcher = SafeFetcher(make_settings(SITREP_FETCH_TIMEOUT_SECONDS=0.5))
        http_server.route("/drip", body=PAGE * 8, drip=0.15, pieces=8)
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(http_server.url("/drip"))
        assert info.value.kind == "timeout"
        assert "within 0.5 seconds" in info.value.reason

    async def test_a_dripping_server_within_the_deadline_is_read(
        self, http_server: LocalHTTPServer
    ) -> None:
        fetcher = SafeFetcher(make_settings(SITREP_FETCH_TIMEOUT_SECONDS=30))
        http_server.route("/drip", body=PAGE * 4, drip=0.05, pieces=4)
        result = await fetcher.fetch(http_server.url("/drip"))
        assert result.content == PAGE * 4


class TestRedirects:
    async def test_redirect_followed(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/old", status=301, headers={"Location": "/new"}, body=b"")
        http_server.route("/new", body=PAGE)
        result = await fetcher.fetch(http_server.url("/old"))
        assert result.content == PAGE
        assert result.url == http_server.url("/new")
        assert result.redirects == (http_server.url("/old"),)

    async def test_redirect_loop_stops(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/a", status=302, headers={"Location": "/b"}, body=b"")
        http_server.route("/b", status=302, headers={"Location": "/a"}, body=b"")
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(http_server.url("/a"))
        assert info.value.kind == "redirects"
        assert len(http_server.requests) == 6  # the first request and five hops

    async def test_strict_fetcher_reaches_its_allowed_endpoint(
        self, http_server: LocalHTTPServer, strict_fetcher: SafeFetcher
    ) -> None:
        http_server.route("/page", body=PAGE)
        result = await strict_fetcher.fetch(http_server.url("/page"))
        assert result.content == PAGE

    @pytest.mark.parametrize(
        "target",
        [
            "http://127.0.0.1/",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
            "file:///etc/passwd",
            "gopher://127.0.0.1:70/",
        ],
    )
    async def test_redirect_to_private_target_refused(
        self, http_server: LocalHTTPServer, strict_fetcher: SafeFetcher, target: str
    ) -> None:
        http_server.route("/jump", status=302, headers={"Location": target}, body=b"")
        with pytest.raises(FetchError) as info:
            await strict_fetcher.fetch(http_server.url("/jump"))
        assert info.value.kind in {"blocked", "scheme"}

    async def test_redirect_to_other_local_server_never_reaches_it(
        self, http_server: LocalHTTPServer, strict_fetcher: SafeFetcher
    ) -> None:
        with running_server() as internal:
            internal.route("/secret", body=b"admin panel")
            http_server.route(
                "/jump", status=307, headers={"Location": internal.url("/secret")}, body=b""
            )
            with pytest.raises(FetchError):
                await strict_fetcher.fetch(http_server.url("/jump"))
            assert internal.requests == []

    async def test_redirect_allowed_when_private_fetch_on(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        with running_server() as other:
            other.route("/landing", body=PAGE)
            http_server.route(
                "/jump", status=302, headers={"Location": other.url("/landing")}, body=b""
            )
            result = await fetcher.fetch(http_server.url("/jump"))
            assert result.content == PAGE

    async def test_validators_not_sent_after_a_redirect(
        self, http_server: LocalHTTPServer, fetcher: SafeFetcher
    ) -> None:
        http_server.route("/old", status=302, headers={"Location": "/new"}, body=b"")
        http_server.route("/new", body=PAGE)
        await fetcher.fetch(http_server.url("/old"), etag='"e"')
        (request,) = http_server.requests_for("/new")
        assert "if-none-match" not in request.headers


class TestPinnedConnect:
    async def test_connect_uses_resolved_address_and_keeps_host_header(
        self, http_server: LocalHTTPServer
    ) -> None:
        async def resolver(host: str, port: int) -> list[str]:
            assert host == "news.sitrep.test"
            return ["127.0.0.1"]

        fetcher = SafeFetcher(make_settings(), resolver=resolver)
        http_server.route("/page", body=PAGE)
        result = await fetcher.fetch(f"http://news.sitrep.test:{http_server.port}/page")
        assert result.content == PAGE
        (request,) = http_server.requests_for("/page")
        assert request.headers["host"] == f"news.sitrep.test:{http_server.port}"

    async def test_name_resolving_to_loopback_refused_before_connecting(
        self, http_server: LocalHTTPServer
    ) -> None:
        async def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        fetcher = SafeFetcher(make_settings(SITREP_ALLOW_PRIVATE_FETCH=False), resolver=resolver)
        with pytest.raises(FetchError) as info:
            await fetcher.fetch("http://rebind.sitrep.test/page")
        assert info.value.kind == "blocked"
        assert http_server.requests == []

    async def test_one_private_address_among_public_ones_refused(self) -> None:
        async def resolver(host: str, port: int) -> list[str]:
            return ["93.184.216.34", "10.1.2.3"]

        fetcher = SafeFetcher(make_settings(SITREP_ALLOW_PRIVATE_FETCH=False), resolver=resolver)
        with pytest.raises(FetchError) as info:
            await fetcher.precheck("https://mixed.sitrep.test/")
        assert "10.1.2.3" in info.value.reason
