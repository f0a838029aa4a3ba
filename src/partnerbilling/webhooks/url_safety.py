"""Outbound safety: webhooks go to public ``https`` addresses only, unless the setting
``webhook_allow_private_urls`` allows ``http`` and private, loopback or link-local hosts (tests, dev).

A URL is checked twice: when an endpoint is created or changed (its literal address, or what its
name resolves to then), and at every connection, on the address actually dialled. The second check
is the one that matters: a name may resolve elsewhere later (DNS rebinding), so the worker connects
only to an address it has just checked.
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


class WebhookUrlNotHttps(Unprocessable):
    code, title = "webhook_url_not_https", "Webhook URLs must use https"


class WebhookUrlPrivate(Unprocessable):
    code, title = "webhook_url_private", "Webhook URLs may not point at a private address"


class UnsafeDestination(Exception):
    """Refused at send time: the host is, or resolves to, a non-public address."""


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast only: no loopback, private, link-local (the cloud metadata
    service at 169.254.169.254), shared, reserved, multicast or unspecified address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_local_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _first_blocked(addresses: Iterable[str]) -> str | None:
    for address in addresses:
        parsed = _literal(address.split("%", 1)[0])
        if parsed is None or not is_public(parsed):
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
    if not (_HOSTNAME.fullmatch(raw_host) or _literal(host)):
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
    literal = _literal(host)
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
    literal = _literal(host)
    addresses = [host] if literal is not None else await _resolve(host, port)
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
