"""Outbound safety: only public https destinations, at creation and at send time."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from partnerbilling.webhooks import url_safety
from partnerbilling.webhooks.delivery import deliver_due
from partnerbilling.webhooks.url_safety import UnsafeDestination, is_public, public_address
from tests.support import Api
from tests.webhooks.flows import add_endpoint, deliveries, emit_event, quick
from tests.webhooks.peers import Receiver

# Non-public destinations in disguise: IPv6 forms embedding an IPv4 address, special-purpose
# blocks that Python 3.11's ``is_global`` takes for global, trailing dots, IPv4 numbers.
DISGUISED = [
    "https://[::127.0.0.1]/",  # IPv4-compatible
    "https://[::ffff:0:127.0.0.1]/",  # IPv4-translated
    "https://[::ffff:a9fe:a9fe]/",  # IPv4-mapped metadata service
    "https://[64:ff9b::7f00:1]/",  # NAT64, well-known prefix
    "https://[64:ff9b:1::a9fe:a9fe]/",  # NAT64, local-use prefix
    "https://[2002:7f00:1::]/",  # 6to4
    "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    "https://[fec0::1]/",  # site-local
    "https://192.0.0.8/",  # IPv4 dummy address
    "https://192.0.0.170/",  # NAT64 discovery
    "https://169.254.169.254./",  # trailing dot
    "https://0x7f.1/",
    "https://127.1/",
    "https://2130706433./",
    "https://0xA9.0xFE.0xA9.0xFE:8443/latest/meta-data/",
]


@pytest.fixture
async def strict_api(api: Api, db: AsyncEngine, settings: Settings) -> AsyncIterator[Api]:
    """The application with private webhook URLs refused (the production default)."""
    app = create_app(settings.model_copy(update={"webhook_allow_private_urls": False}), engine=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Api(client)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/hook", "webhook_url_not_https"),
        ("http://example.com/hook", "webhook_url_not_https"),
        ("https://10.0.0.1/hook", "webhook_url_private"),
        ("https://192.168.1.20/hook", "webhook_url_private"),
        ("https://169.254.169.254/latest/meta-data/", "webhook_url_private"),
        ("https://localhost/hook", "webhook_url_private"),
        ("https://LOCALHOST./hook", "webhook_url_private"),
        ("https://api.localhost:8443/hook", "webhook_url_private"),
        ("https://127.0.0.1/hook", "webhook_url_private"),
        ("https://0.0.0.0/hook", "webhook_url_private"),
        ("https://[::1]/hook", "webhook_url_private"),
        ("https://[::ffff:127.0.0.1]/hook", "webhook_url_private"),
        ("https://[fd00:ec2::254]/hook", "webhook_url_private"),
        ("https://100.64.0.1/hook", "webhook_url_private"),
        ("https://2130706433/hook", "webhook_url_private"),
        ("ftp://example.com/hook", "validation_error"),
        ("not a url", "validation_error"),
    ],
)
async def test_a_private_or_insecure_url_is_refused_when_the_setting_is_off(
    strict_api: Api, url: str, code: str
) -> None:
    acme = await strict_api.org("Acme")
    response = await strict_api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": url})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["errors"][0]["loc"] == ["body", "url"]
    assert (await strict_api.ok(acme, "GET", "/v1/webhook-endpoints"))["data"] == []


@pytest.mark.parametrize("url", DISGUISED)
async def test_a_disguised_private_address_is_refused_at_save(strict_api: Api, url: str) -> None:
    acme = await strict_api.org("Acme")
    response = await strict_api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": url})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "webhook_url_private"


@pytest.mark.parametrize("url", DISGUISED)
async def test_a_disguised_private_address_is_refused_at_send(
    api: Api, db: AsyncEngine, settings: Settings, url: str
) -> None:
    """Saved while private URLs were allowed, refused on the address the worker would dial,
    before any connection is attempted."""
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, url)
    await emit_event(db, acme.id)
    assert await deliver_due(db, quick(settings, webhook_allow_private_urls=False)) == 1
    [delivery] = await deliveries(api, acme, endpoint["id"])
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] is None
    assert attempt["error"].startswith("refused: ") and "non-public address" in attempt["error"], attempt


async def test_public_addresses_embedded_in_ipv6_are_accepted(strict_api: Api) -> None:
    """NAT64 (what DNS64 answers on an IPv6-only network) and 6to4 reach the IPv4 address they
    embed: 8.8.8.8 here."""
    acme = await strict_api.org("Acme")
    for url in ("https://[64:ff9b::808:808]/", "https://[2002:808:808::]/", "https://[::ffff:8.8.8.8]/"):
        await strict_api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": url})


async def test_the_address_dialled_is_the_one_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name is resolved once per connection and every answer checked; an address is parsed,
    never resolved."""
    answers = {"mixed.example": ["93.184.215.14", "64:ff9b::a9fe:a9fe"], "fine.example": ["93.184.215.14"]}

    async def resolve(host: str, port: int) -> list[str]:
        return answers[host]

    monkeypatch.setattr(url_safety, "_resolve", resolve)
    assert await public_address("fine.example", 443) == "93.184.215.14"
    with pytest.raises(UnsafeDestination, match="non-public address 64:ff9b::a9fe:a9fe"):
        await public_address("mixed.example", 443)
    assert await public_address("0x5d.0xb8.0xd7.0x0e.", 443) == "93.184.215.14"
    with pytest.raises(UnsafeDestination, match="not a valid address"):
        await public_address("1.2.3.4.5", 443)


async def test_a_public_https_url_is_accepted_when_the_setting_is_off(strict_api: Api) -> None:
    acme = await strict_api.org("Acme")
    for url in ("https://93.184.215.14/hook", "https://[2606:4700::1111]/hook"):
        created = await strict_api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": url})
        assert created["url"] == url


async def test_changing_the_url_is_checked_too(strict_api: Api) -> None:
    acme = await strict_api.org("Acme")
    created = await strict_api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": "https://1.1.1.1/"})
    response = await strict_api.call(
        acme, "PATCH", f"/v1/webhook-endpoints/{created['id']}", json={"url": "https://10.1.2.3/"}
    )
    assert response.status_code == 422 and response.json()["code"] == "webhook_url_private"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/", "https://localhost/"],
)
async def test_private_urls_are_accepted_when_the_setting_is_on(api: Api, url: str) -> None:
    acme = await api.org("Acme")
    created = await api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": url})
    assert created["url"] == url


async def test_the_send_time_check_refuses_a_private_destination(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    """Endpoints registered while private URLs were allowed are refused once they are not:
    the address actually dialled is checked, whatever was checked at creation."""
    acme = await api.org("Acme")
    plain = await add_endpoint(api, acme, receiver.url())
    secure = await add_endpoint(api, acme, f"https://127.0.0.1:{receiver.port}/hook")
    named = await add_endpoint(api, acme, f"https://localhost:{receiver.port}/hook")
    await emit_event(db, acme.id)

    strict = quick(settings, webhook_allow_private_urls=False, webhook_retry_schedule=(60,))
    assert await deliver_due(db, strict) == 3

    assert receiver.receipts == []
    errors = {}
    for endpoint in (plain, secure, named):
        [delivery] = await deliveries(api, acme, endpoint["id"])
        [attempt] = delivery["attempts"]
        assert attempt["status_code"] is None and delivery["status"] == "pending"
        errors[endpoint["id"]] = attempt["error"]
    assert errors[plain["id"]] == "refused: webhook URLs must use https"
    assert errors[secure["id"]] == "refused: 127.0.0.1 resolves to the non-public address 127.0.0.1"
    assert errors[named["id"]] == "refused: localhost is a local name"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("ff0e::1", False),
        ("192.0.0.8", False),
        ("192.0.0.9", False),
        ("192.0.0.171", False),
        ("192.88.99.1", False),
        ("198.18.0.1", False),
        ("240.0.0.1", False),
        ("::127.0.0.1", False),
        ("::8.8.8.8", False),
        ("::ffff:0:8.8.8.8", False),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::808:808", False),
        ("2002:7f00:1::", False),
        ("2002:a00:1::", False),
        ("2002:808:808::", True),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),
        ("2001:0:4136:e378::f7f7:f7f7", False),
        ("2001:db8::1", False),
        ("3fff::1", False),
        ("5f00::1", False),
        ("100::1", False),
        ("100:0:0:1::1", False),
        ("fec0::1", False),
        ("fe80::1%eth0", False),
        ("4000::1", False),
        ("2620:4f:8000::1", True),
    ],
)
def test_only_globally_routable_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    [
        "https://exa mple.com/hook",
        "https://a..example.com/hook",
        "https://-bad.example.com/hook",
        "https://example.com:99999/hook",
        "https://xn--/hook",
        "https:///hook",
        "https://[::1/hook",
        "https://example.com/\x00",
        "https://1.2.3.4.5/hook",
        "https://08.1/hook",
        "https://www.123/hook",
        "https://1.16777216/hook",
    ],
)
async def test_malformed_urls_are_refused_whatever_the_setting(api: Api, strict_api: Api, url: str) -> None:
    for app in (api, strict_api):
        acme = await app.org("Acme")
        response = await app.call(acme, "POST", "/v1/webhook-endpoints", json={"url": url})
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"


async def test_international_host_names_are_accepted(api: Api) -> None:
    acme = await api.org("Acme")
    created = await api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": "https://münchen.example/h"})
    assert created["url"] == "https://xn--mnchen-3ya.example/h"
