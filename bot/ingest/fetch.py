"""SSRF-safe HTTP fetching: checked addresses, pinned connects, manual redirects, hard caps.

Every URL (the first one and every redirect hop) is checked before a request is made: http or
https only, ports 80/443 only, no numeric host tricks. The connection itself goes through a
network backend that resolves the host once, rejects the whole name if ANY address is not
globally routable, and connects to the address it checked, so DNS cannot be re-bound between
the check and the connect. TLS still uses the host name for SNI and certificate checks.

Bodies are read as raw bytes and decompressed here, with the DECODED size capped while
streaming, so a small gzip bomb cannot blow up memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import re
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot.config import Settings
from bot.ingest.addresses import address_problem

DEFAULT_ACCEPT: tuple[str, ...] = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "text/plain",
)
FEED_ACCEPT: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/html",  # many servers label feeds wrongly; the parser decides
    "text/plain",
)
HTML_ACCEPT: tuple[str, ...] = ("text/html", "application/xhtml+xml", "text/plain")

MAX_REDIRECTS = 5
ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOWED_PORTS = frozenset({80, 443})
USER_AGENT = "Sitrep/0.1 (+https://github.com/sitrep; news reader bot)"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 16_384

# Hosts made only of digits, dots and hex parts ("2130706433", "0x7f.1", "0177.0.0.1") are
# read as IP addresses by inet_aton in surprising ways; only canonical dotted quads are allowed.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*\.?$", re.IGNORECASE)

Resolver = Callable[[str, int], Awaitable[list[str]]]


class FetchError(Exception):
    """A fetch failed; ``reason`` is plain text safe to show to the user."""

    def __init__(self, reason: str, *, kind: str = "error", url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # blocked, scheme, port, too_large, timeout, status, content_type, ...
        self.url = url


class BlockedAddressError(FetchError):
    """The host resolves to an address Sitrep must not connect to."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason, kind="blocked", url=url)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch returned: the final URL, the (decoded) body and caching headers."""

    url: str
    status: int
    content: bytes
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: tuple[str, ...] = field(default_factory=tuple)
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8, bad bytes replaced."""
        return decode_body(self.content, self.charset)


def decode_body(content: bytes, charset: str | None) -> str:
    """Decode bytes leniently: declared charset if known, else UTF-8; never raises."""
    if charset:
        try:
            return content.decode(charset, errors="replace")
        except LookupError:
            pass
    return content.decode("utf-8", errors="replace")


def check_url(url: str, *, allow_private: bool = False) -> tuple[str, str, int]:
    """Check a URL's scheme, port and host form; return (scheme, host, port) or raise."""
    if not isinstance(url, str) or not url.strip():
        raise FetchError("no URL given", kind="url")
    url = url.strip()
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise FetchError("the URL contains spaces or control characters", kind="url", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("that is not a valid URL", kind="url", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "no scheme"
        raise FetchError(
            f"only http:// and https:// links can be fetched (got {shown})",
            kind="scheme",
            url=url,
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchError("the URL has no host name", kind="url", url=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError("URLs with user names or passwords are not allowed", kind="url", url=url)
    if port is None:
        port = 443 if scheme == "https" else 80
    if not allow_private and port not in ALLOWED_PORTS:
        raise FetchError(f"only ports 80 and 443 are allowed (got {port})", kind="port", url=url)
    literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is None and _NUMERIC_HOST.match(host):
        raise BlockedAddressError(
            f"numeric host {host!r} is not a normal IP address or host name", url=url
        )
    if literal is not None and not allow_private:
        problem = address_problem(host)
        if problem:
            raise BlockedAddressError(problem, url=url)
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise BlockedAddressError("localhost is not allowed", url=url)
    return scheme, host, port


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host name to its IP addresses with the system resolver."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}", kind="dns") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that resolves, checks every address, and connects to a checked one."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        allowed_endpoints: Collection[tuple[str, int]] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._allowed = frozenset(allowed_endpoints)
        self._inner = inner or httpcore.AnyIOBackend()

    async def addresses_for(self, host: str, port: int) -> list[str]:
        """The checked addresses to try for host:port; raise if any address is not allowed."""
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            addresses = await self._resolver(host, port)
        if not addresses:
            raise FetchError(f"host {host!r} has no addresses", kind="dns")
        if self._allow_private:
            return addresses
        if port not in ALLOWED_PORTS and not all((a, port) in self._allowed for a in addresses):
            raise FetchError(f"only ports 80 and 443 are allowed (got {port})", kind="port")
        for address in addresses:
            if (address, port) in self._allowed:
                continue
            problem = address_problem(address)
            if problem is not None:
                # One bad address poisons the name: a resolver could hand it out next time.
                raise BlockedAddressError(f"{host} resolves to a blocked address: {problem}")
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address of ``host``."""
        addresses = await self.addresses_for(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never used for fetching."""
        raise FetchError("unix sockets are not allowed", kind="blocked")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the inner backend."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend`."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False, retries=0)
        # httpx does not expose network_backend; the pool is rebuilt with the same defaults
        # (httpx is pinned below 0.29 in pyproject, and a test proves the backend is used).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=10,
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )


class _Decoder:
    """Streaming Content-Encoding decoder with a hard cap on the decoded size."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        names = [part.strip().lower() for part in encoding.split(",") if part.strip()]
        names = [name for name in names if name != "identity"]
        if len(names) > 1:
            raise FetchError("the server used a stacked content encoding", kind="encoding")
        self.encoding = names[0] if names else "identity"
        self._deflate_raw_tried = False
        if self.encoding in ("gzip", "x-gzip"):
            self._obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
        elif self.encoding == "identity":
            self._obj = None
        else:
            raise FetchError(
                f"the server used an unsupported content encoding ({self.encoding})",
                kind="encoding",
            )

    def _emit(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                f"the response is larger than {self.limit:,} bytes once decompressed",
                kind="too_large",
            )
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk, never producing more than the remaining allowance at once."""
        if self._obj is None:
            self._emit(chunk)
            return
        data = chunk
        while data:
            room = self.limit - self.size + 1
            try:
                out = self._obj.decompress(data, room)
            except zlib.error:
                if self.encoding == "deflate" and not self._deflate_raw_tried and self.size == 0:
                    # Some servers send raw deflate without the zlib header.
                    self._deflate_raw_tried = True
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchError("the compressed response is corrupt", kind="encoding") from None
            self._emit(out)
            if self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data:
                # Concatenated gzip members: start a fresh decompressor on the rest.
                data = self._obj.unused_data
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = b""

    def finish(self) -> bytes:
        """The whole decoded body."""
        if self._obj is not None:
            self._emit(self._obj.flush())
        return b"".join(self.parts)


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    main, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return main.strip().lower() or None, charset


def _type_allowed(media_type: str | None, accept: Sequence[str]) -> bool:
    if media_type is None:
        return True  # no header: let the parser judge the bytes
    for allowed in accept:
        if allowed == media_type:
            return True
        if allowed.endswith("/*") and media_type.startswith(allowed[:-1]):
            return True
    # Vendor XML/JSON types (application/vnd.x+xml) parse like their base types.
    return media_type.endswith(("+xml", "+json")) and any(
        a in accept for a in ("application/xml", "application/json")
    )


class SafeFetcher:
    """Fetch one URL safely: SSRF guard, manual redirects, size cap, timeouts, type check."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver = system_resolver,
        allowed_endpoints: Collection[tuple[str, int]] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.user_agent = user_agent
        self.allow_private = settings.sitrep_allow_private_fetch
        self.max_bytes = settings.sitrep_fetch_max_bytes
        self.timeout = settings.sitrep_fetch_timeout_seconds
        self._allowed_endpoints = frozenset(allowed_endpoints)
        self._backend = GuardedBackend(
            allow_private=self.allow_private,
            resolver=resolver,
            allowed_endpoints=self._allowed_endpoints,
        )
        self._transport = transport
        self._ssl_context = ssl_context  # default: the system's CA bundle, via httpx

    def check(self, url: str) -> str:
        """Pre-check a URL without connecting (scheme, port, literal address); return it."""
        check_url(url, allow_private=self._allows_port_anyway(url))
        return url.strip()

    async def precheck(self, url: str) -> str:
        """Check a URL and resolve its host now, refusing blocked addresses; return the URL.

        Only an early, friendly refusal: the connect itself checks again (DNS may change).
        """
        url = url.strip()
        _, host, port = check_url(url, allow_private=self._allows_port_anyway(url))
        await self._backend.addresses_for(host, port)
        return url

    def _allows_port_anyway(self, url: str) -> bool:
        if self.allow_private:
            return True
        if not self._allowed_endpoints:
            return False
        try:
            parts = urlsplit(url.strip())
            host, port = (parts.hostname or ""), parts.port
        except ValueError:
            return False
        return port is not None and (host, port) in self._allowed_endpoints

    def _client(self) -> httpx.AsyncClient:
        if self._transport is None:
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context()
            transport: httpx.AsyncBaseTransport = GuardedTransport(
                self._backend, self._ssl_context
            )
        else:
            transport = self._transport
        return httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Sequence[str] = DEFAULT_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` safely; a 304 answer gives ``not_modified=True`` and an empty body.

        The timeout is one deadline for the whole fetch (connect, redirects, the whole body):
        the per-read timeouts alone cannot stop a server that drips one byte at a time.
        """
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch(url, etag, last_modified, accept)
        except TimeoutError:
            raise FetchError(
                f"the server did not send the page within {self.timeout:g} seconds",
                kind="timeout",
                url=url,
            ) from None

    async def _fetch(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: Sequence[str],
    ) -> FetchResult:
        redirects: list[str] = []
        current = url.strip()
        async with self._client() as client:
            for _hop in range(MAX_REDIRECTS + 1):
                self.check(current)
                headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
                # Validators belong to the URL they came from; only send them on the first hop.
                if not redirects:
                    if etag:
                        headers["If-None-Match"] = etag
                    if last_modified:
                        headers["If-Modified-Since"] = last_modified
                try:
                    request = client.build_request("GET", current, headers=headers)
                    response = await client.send(request, stream=True)
                except FetchError as exc:
                    exc.url = exc.url or current
                    raise
                except httpx.TimeoutException:
                    raise FetchError(
                        f"the server did not answer within {self.timeout:g} seconds",
                        kind="timeout",
                        url=current,
                    ) from None
                except (httpx.HTTPError, httpx.InvalidURL, ssl.SSLError, OSError) as exc:
                    raise FetchError(
                        f"could not connect ({type(exc).__name__})", kind="network", url=current
                    ) from None
                try:
                    if response.status_code in _REDIRECT_STATUSES:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(
                                "the server redirected without a location", kind="status"
                            )
                        redirects.append(current)
                        current = urljoin(current, location.strip())
                        continue
                    return await self._read(response, current, redirects, accept)
                finally:
                    await response.aclose()
        raise FetchError(
            f"too many redirects (more than {MAX_REDIRECTS})", kind="redirects", url=url
        )

    async def _body(self, response: httpx.Response, url: str) -> bytes:
        """The decoded body, refused past ``max_bytes`` (declared or read) or on a failed read."""
        declared = response.headers.get("content-length")
        if declared is not None:
            try:
                declared_size = int(declared)
            except ValueError:
                declared_size = -1
            if declared_size > self.max_bytes:
                raise FetchError(
                    f"the response is larger than {self.max_bytes:,} bytes",
                    kind="too_large",
                    url=url,
                )
        decoder = _Decoder(response.headers.get("content-encoding", ""), self.max_bytes)
        raw_size = 0
        try:
            async for chunk in response.aiter_raw(_CHUNK):
                raw_size += len(chunk)
                if raw_size > self.max_bytes:
                    raise FetchError(
                        f"the response is larger than {self.max_bytes:,} bytes", kind="too_large"
                    )
                decoder.feed(chunk)
            content = decoder.finish()
        except FetchError as exc:
            exc.url = url
            raise
        except httpx.TimeoutException:
            raise FetchError(
                f"the server did not answer within {self.timeout:g} seconds",
                kind="timeout",
                url=url,
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(
                f"the connection failed while reading ({type(exc).__name__})",
                kind="network",
                url=url,
            ) from None
        return content

    async def _read(
        self,
        response: httpx.Response,
        url: str,
        redirects: list[str],
        accept: Sequence[str],
    ) -> FetchResult:
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if response.status_code == 304:
            return FetchResult(
                url=url,
                status=304,
                content=b"",
                etag=etag,
                last_modified=last_modified,
                not_modified=True,
                redirects=tuple(redirects),
            )
        if not 200 <= response.status_code < 300:
            phrase = response.reason_phrase or ""
            raise FetchError(
                f"the server answered {response.status_code} {phrase}".strip(),
                kind="status",
                url=url,
            )
        media_type, charset = _media_type(response.headers.get("content-type"))
        if not _type_allowed(media_type, accept):
            raise FetchError(
                f"the server sent {media_type}, not a web page or feed",
                kind="content_type",
                url=url,
            )
        content = await self._body(response, url)
        return FetchResult(
            url=url,
            status=response.status_code,
            content=content,
            content_type=media_type,
            charset=charset,
            etag=etag,
            last_modified=last_modified,
            redirects=tuple(redirects),
        )
