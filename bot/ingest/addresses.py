"""Which IP addresses Sitrep may connect to: ordinary global unicast only, deny by default.

An address is allowed only when it is globally routable unicast (``is_global``; for IPv6,
inside 2000::/3) AND outside every block of the IANA IPv4 and IPv6 Special-Purpose Address
Registries, including the blocks IANA marks globally reachable (anycast services such as PCP,
TURN or AS112: a news fetcher never needs them). Addresses that carry an IPv4 address inside
an IPv6 one are unwrapped: IPv4-mapped (``::ffff:a.b.c.d``) and the well-known NAT64 prefix
(``64:ff9b::/96``) are judged by the embedded address; 6to4, Teredo and the local-use NAT64
prefix are refused outright, and the reason names the embedded address when it is special.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# (block, what it is). Order matters only for the wording: the narrowest name comes first.
_V4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("169.254.169.254/32", "cloud metadata"),
    ("0.0.0.0/8", '"this network"'),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (carrier-grade NAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignment"),
    ("192.0.2.0/24", "documentation"),
    ("192.31.196.0/24", "AS112 anycast"),
    ("192.52.193.0/24", "multicast tunneling (AMT)"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("192.175.48.0/24", "AS112 anycast"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
_V6_BLOCKS: tuple[tuple[str, str], ...] = (
    ("fd00:ec2::254/128", "cloud metadata"),
    ("::/96", "IPv4-compatible (deprecated)"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("100:0:0:1::/64", "dummy"),
    ("2001::/32", "Teredo"),
    ("2001::/23", "IETF protocol assignment"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("2620:4f:8000::/48", "AS112 anycast"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing (SRv6)"),
    ("fc00::/7", "unique local (private)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
)
_V4_SPECIAL = tuple((ipaddress.IPv4Network(block), label) for block, label in _V4_BLOCKS)
_V6_SPECIAL = tuple((ipaddress.IPv6Network(block), label) for block, label in _V6_BLOCKS)
_V6_UNICAST = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def address_problem(address: str) -> str | None:
    """Why an IP address must not be contacted, or None when it is ordinary global unicast."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_problem(ip)
    return _v6_problem(ip)


def _v4_problem(ip: ipaddress.IPv4Address) -> str | None:
    for network, label in _V4_SPECIAL:
        if ip in network:
            return f"{label} address {ip} (in {network}) is not allowed"
    if not ip.is_global:
        return f"non-public address {ip} is not allowed"
    return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, in any of the forms the guard knows."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client; the server half is a relay
    if ip in _NAT64 or ip in ipaddress.IPv6Network("64:ff9b:1::/48"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _v6_problem(ip: ipaddress.IPv6Address) -> str | None:
    if ip in _MAPPED or ip in _NAT64:
        # Connecting here reaches the embedded IPv4 address: judge that one.
        inner = _v4_problem(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return None if inner is None else f"{ip} wraps an IPv4 address: {inner}"
    if ip.is_unspecified:
        return f"unspecified address {ip} is not allowed"
    if ip.is_loopback:
        return f"loopback address {ip} is not allowed"
    for network, label in _V6_SPECIAL:
        if ip in network:
            reason = f"{label} address {ip} (in {network}) is not allowed"
            embedded = _embedded_v4(ip)
            if embedded is not None and _v4_problem(embedded) is not None:
                reason += f"; it also wraps {embedded}, which is not public"
            return reason
    if ip not in _V6_UNICAST or not ip.is_global:
        return f"non-public address {ip} is not allowed"
    return None
