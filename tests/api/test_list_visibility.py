"""Lists never leak: each list holds only what its caller may see of each object (SPEC §3)."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Org

LISTS = (
    "/v1/orders",
    "/v1/invoices",
    "/v1/subscriptions",
    "/v1/partnerships",
    "/v1/cashback/entries",
)


async def _ids(api: Api, who: Org, path: str) -> set[str]:
    page: dict[str, Any] = await api.ok(who, "GET", path, params={"limit": 100})
    assert page["next_cursor"] is None
    return {item["id"] for item in page["data"]}


async def test_lists_hold_only_what_the_caller_may_see(api: Api) -> None:
    await api.gold_catalogue()
    acme = await api.org("Acme")
    agency = await api.org("WebAgency", reseller_tier="gold")
    stranger = await api.org("Stranger", reseller_tier="gold")
    p = await api.partnership(acme, agency)
    by_partner = await api.order(agency, acme, "web-hosting-pro")  # Acme pays
    await api.ok(acme, "PATCH", f"/v1/partnerships/{p['id']}", json={"billing_mode": "partner"})
    partner_paid = await api.order(acme, acme, "domain-ch", 3)  # WebAgency pays
    acme_invoice = (await api.ok(acme, "GET", f"/v1/orders/{by_partner['id']}"))["invoice_id"]
    agency_invoice = (await api.ok(agency, "GET", f"/v1/orders/{partner_paid['id']}"))["invoice_id"]

    for path in LISTS:
        assert await _ids(api, stranger, path) == set(), path
    assert (await api.ok(stranger, "GET", "/v1/cashback/balance"))["balances"] == []

    orders = {by_partner["id"], partner_paid["id"]}
    subscriptions = {by_partner["subscription_id"], partner_paid["subscription_id"]}
    assert await _ids(api, acme, "/v1/orders") == orders
    assert await _ids(api, agency, "/v1/orders") == orders
    assert await _ids(api, acme, "/v1/invoices") == {acme_invoice}
    assert await _ids(api, agency, "/v1/invoices") == {agency_invoice}
    assert await _ids(api, acme, "/v1/subscriptions") == subscriptions
    assert await _ids(api, agency, "/v1/subscriptions") == subscriptions
    assert await _ids(api, acme, "/v1/cashback/entries") == set()
    assert len(await _ids(api, agency, "/v1/cashback/entries")) == 2
    # Within a list, each item is redacted as its single GET is.
    for who in (acme, agency):
        listed = (await api.ok(who, "GET", "/v1/orders"))["data"]
        for order in listed:
            assert order == await api.ok(who, "GET", f"/v1/orders/{order['id']}")

    # The stranger's own customer: its lists hold that, and nothing of Acme's; and the reverse.
    beta = await api.org("Beta")
    await api.partnership(beta, stranger)
    beta_order = await api.order(stranger, beta, "web-hosting-pro")
    assert await _ids(api, stranger, "/v1/orders") == {beta_order["id"]}
    assert await _ids(api, stranger, "/v1/subscriptions") == {beta_order["subscription_id"]}
    assert await _ids(api, stranger, "/v1/invoices") == set()  # Beta pays
    assert len(await _ids(api, stranger, "/v1/cashback/entries")) == 1
    for who in (acme, agency):
        assert beta_order["id"] not in await _ids(api, who, "/v1/orders")
        assert beta_order["subscription_id"] not in await _ids(api, who, "/v1/subscriptions")

    # After the partnership ends, the partner keeps the orders charged in it, not the subscriptions.
    await api.ok(agency, "POST", f"/v1/partnerships/{p['id']}/end")
    assert await _ids(api, agency, "/v1/orders") == orders
    assert await _ids(api, agency, "/v1/subscriptions") == set()
    assert await _ids(api, agency, "/v1/invoices") == {agency_invoice}
