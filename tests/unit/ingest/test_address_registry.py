"""Every IANA special-purpose block is refused by the address guard, in every wrapping.

The blocks are copied by hand from the IANA IPv4 and IPv6 Special-Purpose Address Registries
(RFC 6890 and its updates) plus the multicast and unallocated ranges next to them. A block that
IANA marks "globally reachable" (anycast services such as PCP, TURN or AS112) is still refused:
a news fetcher never needs it, and the guard allows only ordinary unicast addresses. Nothing
here opens a connection; the checks run on the addresses alone.
"""

from __future__ import annotations

import ipaddress

import pytest

from bot.ingest.addresses import address_problem
from bot.ingest.fetch import FetchError, check_url

IPV4_SPECIAL = [
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8",  # private
    "100.64.0.0/10",  # shared address space (carrier-grade NAT)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link local
    "172.16.0.0/12",  # private
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.0.0/29",  # IPv4 service continuity prefix
    "192.0.0.8/32",  # IPv4 dummy address
    "192.0.0.9/32",  # port control protocol anycast
    "192.0.0.10/32",  # traversal using relays around NAT anycast
    "192.0.0.170/32",  # NAT64/DNS64 discovery
    "192.0.0.171/32",  # NAT64/DNS64 discovery
    "192.0.2.0/24",  # documentation (TEST-NET-1)
    "192.31.196.0/24",  # AS112-v4
    "192.52.193.0/24",  # automatic multicast tunneling
    "192.88.99.0/24",  # deprecated 6to4 relay anycast
    "192.168.0.0/16",  # private
    "192.175.48.0/24",  # direct delegation AS112 service
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation (TEST-NET-2)
    "203.0.113.0/24",  # documentation (TEST-NET-3)
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved
    "255.255.255.255/32",  # limited broadcast
]

IPV6_SPECIAL = [
    "::/128",  # unspecified
    "::1/128",  # loopback
    "::/96",  # deprecated IPv4-compatible addresses
    "::ffff:0:0/96",  # IPv4-mapped: judged by the embedded address, covered below
    "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation
    "100::/64",  # discard-only
    "100:0:0:1::/64",  # dummy IPv6 prefix
    "2001::/23",  # IETF protocol assignments
    "2001::/32",  # Teredo
    "2001:1::1/128",  # port control protocol anycast
    "2001:1::2/128",  # TURN anycast
    "2001:1::3/128",  # DNS-SD service registration protocol anycast
    "2001:2::/48",  # benchmarking
    "2001:3::/32",  # automatic multicast tunneling
    "2001:4:112::/48",  # AS112-v6
    "2001:10::/28",  # deprecated ORCHID
    "2001:20::/28",  # ORCHIDv2
    "2001:30::/28",  # drone remote ID
    "2001:db8::/32",  # documentation
    "2002::/16",  # 6to4
    "2620:4f:8000::/48",  # direct delegation AS112 service
    "3fff::/20",  # documentation
    "5f00::/16",  # segment routing (SRv6) SIDs
    "fc00::/7",  # unique local
    "fe80::/10",  # link local
    "fec0::/10",  # deprecated site local
    "ff00::/8",  # multicast
    "4000::/3",  # not allocated for unicast (only 2000::/3 is)
    "8000::/1",  # not allocated for unicast
]


def _samples(block: str) -> list[str]:
    """The first, a middle and the last address of a block."""
    network = ipaddress.ip_network(block)
    first = int(network.network_address)
    last = int(network.broadcast_address)
    middle = first + (last - first) // 2 + 1 if last > first else first
    kind = type(network.network_address)
    return [str(kind(value)) for value in sorted({first, min(middle, last), last})]


def _v4_to_mapped(address: str) -> str:
    return f"::ffff:{address}"


def _v4_to_nat64(address: str) -> str:
    return str(
        ipaddress.IPv6Address(
            int(ipaddress.IPv6Address("64:ff9b::")) | int(ipaddress.IPv4Address(address))
        )
    )


def _v4_to_6to4(address: str) -> str:
    return str(
        ipaddress.IPv6Address((0x2002 << 112) | (int(ipaddress.IPv4Address(address)) << 80))
    )


def _v4_to_teredo_client(address: str) -> str:
    # Teredo keeps the client's address inverted in the last 32 bits; the server is public.
    server = int(ipaddress.IPv4Address("65.54.227.120"))
    client = int(ipaddress.IPv4Address(address)) ^ 0xFFFFFFFF
    return str(ipaddress.IPv6Address((0x20010000 << 96) | (server << 64) | client))


SPECIAL_ADDRESSES = [
    pytest.param(address, id=f"{block}:{address}")
    for block in IPV4_SPECIAL + IPV6_SPECIAL
    if block != "::ffff:0:0/96"
    for address in _samples(block)
]

WRAPPERS = [_v4_to_mapped, _v4_to_nat64, _v4_to_6to4, _v4_to_teredo_client]
WRAPPED_SPECIAL = [
    pytest.param(wrap(address), id=f"{wrap.__name__}:{block}:{address}")
    for block in IPV4_SPECIAL
    for address in _samples(block)
    for wrap in WRAPPERS
]


class TestSpecialPurposeBlocks:
    @pytest.mark.parametrize("address", SPECIAL_ADDRESSES)
    def test_refused(self, address: str) -> None:
        assert address_problem(address) is not None

    @pytest.mark.parametrize("address", WRAPPED_SPECIAL)
    def test_refused_inside_ipv6_wrappings(self, address: str) -> None:
        assert address_problem(address) is not None

    @pytest.mark.parametrize(
        "url",
        [
            "http://192.0.0.8/",
            "http://192.0.0.9/",
            "http://192.0.0.10/",
            "http://192.88.99.1/",
            "http://[fec0::1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[64:ff9b:1::a00:1]/",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        ],
    )
    def test_literal_urls_refused(self, url: str) -> None:
        with pytest.raises(FetchError) as info:
            check_url(url)
        assert info.value.kind == "blocked"

    def test_the_reason_names_the_block(self) -> None:
        reason = address_problem("192.88.99.1")
        assert reason is not None
        assert "192.88.99.1" in reason
        assert "192.88.99.0/24" in reason


class TestOrdinaryAddresses:
    @pytest.mark.parametrize(
        "address",
        [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "192.0.1.1",  # just past 192.0.0.0/24
            "192.0.3.1",  # just past TEST-NET-1
            "198.20.0.1",  # just past the benchmarking block
            "223.255.255.254",  # the last unicast /8
            "2606:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2001:4860:4860::8888",  # inside 2001::/16 but outside 2001::/23
            "::ffff:8.8.8.8",  # IPv4-mapped public address
            "64:ff9b::808:808",  # well-known NAT64 prefix around a public address
        ],
    )
    def test_allowed(self, address: str) -> None:
        assert address_problem(address) is None
