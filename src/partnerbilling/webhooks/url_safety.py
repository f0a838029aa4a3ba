"""Outbound safety: webhooks go to public ``https`` addresses only, unless the setting
``webhook_allow_private_urls`` allows ``http`` and private, loopback or link-local hosts (tests, dev).

A URL is checked twice: when an endpoint is created or changed (its literal address, or what its
name resolves to then), and at every connection, on the address actually dialled. The second check
is the one that matters: a name may resolve elsewhere later (DNS rebinding), so the worker connects
only to an address it has just checked. A host that is an address (also written ``127.1``,
``2130706433``, ``0x7f.1`` or with a trailing dot, which the system resolver would dial) is parsed
here and never handed to the resolver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Iterable

import httpcore
import httpx

from partnerbilling.errors import Unprocessable, ValidationFailed
from partnerbilling.settings import Settings

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_RESOLVE_TIMEOUT = 5.0
_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
# A label of an IPv4 number as inet_aton and the WHATWG URL standard read it: decimal, octal
# (leading 0) or hex (0x). A host whose last label is one is an address, never a name.
_IPV4_PART = re.compile(r"0[xX][0-9A-Fa-f]*|[0-9]+")


def _networks(*blocks: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(block) for block in blocks)


# The IANA IPv4 Special-Purpose Address Registry's blocks that are not globally reachable, and
# multicast. Listed here rather than left to ``is_global``, whose tables change between Python
# versions (3.11 takes 192.0.0.8, in 192.0.0.0/24 but not its /29, for global).
_NOT_PUBLIC_V4 = _networks(
    "0.0.0.0/8",  # this network
    "10.0.0.0/8",
    "100.64.0.0/10",  # shared address space (carrier-grade NAT)
    "127.0.0.0/8",
    "169.254.0.0/16",  # link-local: the cloud metadata service
    "172.16.0.0/12",
    "192.0.0.0/24",  # IETF protocol assignments: DS-Lite, dummy, NAT64 discovery, anycast relays
    "192.0.2.0/24",
    "192.88.99.0/24",  # the deprecated 6to4 relay anycast
    "192.168.0.0/16",
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and the limited broadcast address
)
# IPv6: only global unicast is public, less the blocks of the IANA IPv6 Special-Purpose Address
# Registry inside it that are not globally reachable. Outside it lie loopback, unspecified,
# IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96) addresses, the local-use NAT64
# prefix 64:ff9b:1::/48, discard-only, SRv6, unique-local, site-local, link-local, multicast.
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NOT_PUBLIC_V6 = _networks(
    # IETF protocol assignments. Their few globally reachable anycast and ORCHID blocks are no
    # webhook receivers; Teredo (2001::/32) is obsolete, and its relay would deliver to the
    # client address (the bit-inverted last 32 bits), which the address's owner picks freely.
    "2001::/23",
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation
)
# IPv6 forms whose packets end up at the IPv4 address they embed: judged by that address.
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known NAT64 prefix (DNS64 answers)
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


class WebhookUrlNotHttps(Unprocessable):
    code, title = "webhook_url_not_https", "Webhook URLs must use https"


class WebhookUrlPrivate(Unprocessable):
    code, title = "webhook_url_private", "Webhook URLs may not point at a private address"


class UnsafeDestination(Exception):
    """Refused at send time: the host is, or resolves to, a non-public address."""


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast only: no loopback, private, link-local (the cloud metadata
    service at 169.254.169.254), shared, reserved, multicast or unspecified address, also when
    an IPv6 address embeds it (IPv4-mapped, NAT64, 6to4)."""
    if isinstance(address, ipaddress.IPv4Address):
        return address.is_global and not any(address in block for block in _NOT_PUBLIC_V4)
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return (
        address in _GLOBAL_UNICAST_V6
        and address.is_global
        and not any(address in block for block in _NOT_PUBLIC_V6)
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in _IPV4_MAPPED or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return None


def _literal(host: str) -> IPAddress | None:
    """The address a host is, as the system resolver would read it: an IPv6 or IPv4 literal,
    with or without a trailing dot, or an IPv4 number in another form (``127.1``,
    ``2130706433``, ``0x7f.0.0.1``, ``0177.0.0.1``). None for a name; ValueError for a host
    whose last label is a number but which is no address (``1.2.3.4.5``, ``08.1``)."""
    name = host[:-1] if host.endswith(".") else host
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    labels = name.split(".")
    if not _IPV4_PART.fullmatch(labels[-1]):
        return None
    if len(labels) > 4 or not all(_IPV4_PART.fullmatch(label) for label in labels):
        raise ValueError(f"{host} is not an IPv4 address")
    *head, last = [_ipv4_part(label) for label in labels]
    if any(part > 255 for part in head) or last >= 256 ** (4 - len(head)):
        raise ValueError(f"{host} is not an IPv4 address")
    value = last
    for index, part in enumerate(head):
        value |= part << (24 - 8 * index)
    return ipaddress.IPv4Address(value)


def _ipv4_part(label: str) -> int:
    if label[:2] in ("0x", "0X"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)  # ValueError for 08 and 09, as inet_aton refuses them
    return int(label)


def _is_local_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _first_blocked(addresses: Iterable[str]) -> str | None:
    for address in addresses:
        try:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return address
        if not is_public(parsed):
            return address
    return None


async def check_url(url: str, settings: Settings) -> str:
    """Validate an endpoint URL for creation or update; returns it normalised."""
    try:
        parsed = httpx.URL(url)
        host, raw_host = parsed.host, parsed.raw_host.decode("ascii")  # IDNA errors show here
    except (httpx.InvalidURL, ValueError) as exc:
        raise _invalid(f"The URL is not valid: {exc}.") from exc
    if parsed.scheme not in ("http", "https") or not host:
        raise _invalid("The URL must be an absolute https URL, such as https://example.com/hooks.")
    try:
        literal = _literal(raw_host)
    except ValueError as exc:
        raise _invalid(f"The host {host!r} is not a valid address.") from exc
    if literal is None and not _HOSTNAME.fullmatch(raw_host):
        raise _invalid(f"The host {host!r} is not a valid host name or address.")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise _invalid(f"The port {parsed.port} is not valid.")
    if settings.webhook_allow_private_urls:
        return str(parsed)
    if parsed.scheme != "https":
        raise WebhookUrlNotHttps(
            "Webhook URLs must use https.", errors=[{"loc": ["body", "url"], "msg": "must be https"}]
        )
    port = parsed.port or 443
    if _is_local_name(raw_host) or (literal is not None and not is_public(literal)):
        raise _private(host)
    if literal is None:
        try:
            async with asyncio.timeout(_RESOLVE_TIMEOUT):
                addresses = await _resolve(raw_host, port)
        except (OSError, TimeoutError, ValueError) as exc:
            # A name that does not resolve now may later; the send-time check still guards it.
            log.info("webhook host %s does not resolve at creation: %r", host, exc)
            return str(parsed)
        if (blocked := _first_blocked(addresses)) is not None:
            raise _private(host, blocked)
    return str(parsed)


def _invalid(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[{"loc": ["body", "url"], "msg": "invalid URL"}])


def _private(host: str, address: str | None = None) -> WebhookUrlPrivate:
    via = f" (it resolves to {address})" if address else ""
    return WebhookUrlPrivate(
        f"The host {host}{via} is a loopback, private, link-local or otherwise non-public address.",
        errors=[{"loc": ["body", "url"], "msg": "non-public address"}],
    )


async def public_address(host: str, port: int) -> str:
    """The address to dial for ``host``, refusing it unless every address it resolves to is public."""
    if _is_local_name(host):
        raise UnsafeDestination(f"refused: {host} is a local name")
    try:
        literal = _literal(host)
    except ValueError:
        raise UnsafeDestination(f"refused: {host} is not a valid address") from None
    # An address is dialled as parsed here, never resolved: the resolver may read it otherwise.
    addresses = [str(literal)] if literal is not None else await _resolve(host, port)
    if (blocked := _first_blocked(addresses)) is not None:
        raise UnsafeDestination(f"refused: {host} resolves to the non-public address {blocked}")
    return addresses[0]


class PublicOnlyNetwork(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, dialling only the public address it has just checked."""

    def __init__(self) -> None:
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await public_address(host, port)
        return await self._network.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeDestination("refused: unix sockets are not webhook destinations")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def webhook_transport(settings: Settings) -> httpx.AsyncHTTPTransport:
    """The worker's HTTP transport: no proxies from the environment and, unless private URLs are
    allowed, connections to public addresses only. The worker calls it directly rather than
    through an ``httpx.AsyncClient``: no redirects are followed and no cookie jar is kept (a
    receiver's cookie must never reach another organisation's endpoint on the same host), and
    it skips the client's per-request work."""
    limits = httpx.Limits(
        max_connections=settings.worker_concurrency,
        max_keepalive_connections=settings.worker_concurrency,
    )
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if not settings.webhook_allow_private_urls:
        # httpx does not expose httpcore's network backend, so the pool is rebuilt with ours.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PublicOnlyNetwork(),
        )
    return transport
