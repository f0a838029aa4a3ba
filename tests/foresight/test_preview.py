"""GET /v1/partnerships/{id}/billing-mode-preview (SPEC §11): SPEC §2's worked examples, each side's
redacted view, which subscriptions it shows, the twelve-month rule, and its refusals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from tests.asserts import assert_problem
from tests.renewals.support import backdate
from tests.support import CHARGE_TABLES, Api, Org, World, build_world, counts

WATCHED = (*CHARGE_TABLES, "partnerships", "partnership_changes", "outbox_mails", "account_entries")
# What only the partner may know of A–D's renewals: its rates, its cashback, what it would pay.
PARTNER_ONLY = {
    "0.2",
    "0.05",
    "24.00",
    "2.02",
    "26.02",
    "96.00",
    "7.78",
    "103.78",
    "136.35",
    "11.05",
    "147.4",
}


def _path(partnership_id: str, mode: str) -> str:
    return f"/v1/partnerships/{partnership_id}/billing-mode-preview?billing_mode={mode}"


async def _preview(api: Api, who: Org, world: World, mode: str = "partner") -> dict[str, Any]:
    preview: dict[str, Any] = await api.ok(who, "GET", _path(world.partnership["id"], mode))
    return preview


def _by_subscription(preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["subscription_id"]: row for row in preview["subscriptions"]}


def _by_payer(preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["payer_id"]: row for row in preview["twelve_months"]}


def _leaves(value: Any) -> set[str]:
    """Every string in a JSON document, keys aside."""
    if isinstance(value, dict):
        return set().union(*(_leaves(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_leaves(v) for v in value))
    return {value} if isinstance(value, str) else set()


def _charge(payer: Org, channel: str, public: str, price: tuple[str, ...] | None, cashback: Any) -> Any:
    discount, net, tax, total = price or (None, None, None, None)
    return {
        "payer_id": payer.id,
        "channel": channel,
        "currency": "CHF",
        "public_amount": public,
        "discount": discount,
        "net_amount": net,
        "tax_rate": "0.081" if price else None,
        "tax": tax,
        "total": total,
        "cashback": cashback,
        "invoiced": "at_once" if price else None,
        "invoiced_at": None,
    }


def _totals(renewals: int, public: str, price: tuple[str, ...] | None, cashback: str | None) -> Any:
    discount, net, tax, total = price or (None, None, None, None)
    return {
        "renewals": renewals,
        "public_amount": public,
        "discount": discount,
        "net_amount": net,
        "tax": tax,
        "total": total,
        "cashback": cashback,
    }


async def _examples(api: Api) -> tuple[World, str, str]:
    """Cases A and C charged (mode customer): the renewals the preview shows are A/B and C/D."""
    world = await build_world(api)
    hosting = await api.order(world.agency, world.acme, "web-hosting-pro")
    domains = await api.order(world.acme, world.acme, "domain-ch", 3)
    return world, hosting["subscription_id"], domains["subscription_id"]


async def test_the_customer_sees_its_own_prices_and_nothing_of_the_partners(api: Api) -> None:
    world, hosting, domains = await _examples(api)

    preview = await _preview(api, world.acme, world)

    acme, agency = world.acme, world.agency
    assert (preview["billing_mode_now"], preview["billing_mode_after"]) == ("customer", "partner")
    rows = _by_subscription(preview)
    assert rows[hosting]["now"] == _charge(
        acme, "partner", "120.00", ("0.00", "120.00", "9.72", "129.72"), None
    )
    assert rows[hosting]["after"] == _charge(agency, "partner", "120.00", None, None)
    assert rows[domains]["now"] == _charge(acme, "direct", "40.35", ("0.00", "40.35", "3.27", "43.62"), None)
    assert rows[domains]["after"] == _charge(agency, "direct", "40.35", None, None)
    payers = _by_payer(preview)
    assert payers[acme.id]["now"] == _totals(2, "160.35", ("0.00", "160.35", "12.99", "173.34"), None)
    assert payers[acme.id]["after"] == _totals(0, "0.00", ("0.00", "0.00", "0.00", "0.00"), None)
    assert payers[agency.id]["now"] == _totals(0, "0.00", None, None)
    assert payers[agency.id]["after"] == _totals(2, "160.35", None, None)
    assert _leaves(preview) & PARTNER_ONLY == set()


async def test_the_partner_sees_its_cashback_and_what_it_would_pay(api: Api) -> None:
    world, hosting, domains = await _examples(api)

    preview = await _preview(api, world.agency, world)

    acme, agency = world.acme, world.agency
    rows = _by_subscription(preview)
    gold_hosting, gold_domain = {"rate": "0.2", "amount": "24.00"}, {"rate": "0.05", "amount": "2.02"}
    assert rows[hosting]["now"] == _charge(acme, "partner", "120.00", None, gold_hosting)
    # Case B: it initiates and pays, so it takes its rate as a rebate, no cashback.
    assert rows[hosting]["after"] == _charge(
        agency, "partner", "120.00", ("24.00", "96.00", "7.78", "103.78"), None
    )
    assert rows[domains]["now"] == _charge(acme, "direct", "40.35", None, gold_domain)
    assert rows[domains]["after"] == _charge(
        agency, "direct", "40.35", ("0.00", "40.35", "3.27", "43.62"), gold_domain
    )
    payers = _by_payer(preview)
    assert payers[acme.id]["now"] == _totals(2, "160.35", None, "26.02")
    assert payers[agency.id]["after"] == _totals(2, "160.35", ("24.00", "136.35", "11.05", "147.40"), "2.02")
    assert payers[agency.id]["now"] == _totals(0, "0.00", ("0.00", "0.00", "0.00", "0.00"), "0.00")


async def test_the_preview_changes_nothing(api: Api, db: AsyncEngine) -> None:
    world, _, _ = await _examples(api)
    before = await counts(db, WATCHED)
    partnership = await api.ok(world.acme, "GET", f"/v1/partnerships/{world.partnership['id']}")

    for who in (world.acme, world.agency):
        for mode in ("customer", "partner"):
            await _preview(api, who, world, mode)

    assert await counts(db, WATCHED) == before
    assert await api.ok(world.acme, "GET", f"/v1/partnerships/{world.partnership['id']}") == partnership


async def test_a_stranger_gets_404(api: Api) -> None:
    world, _, _ = await _examples(api)

    response = await api.call(world.stranger, "GET", _path(world.partnership["id"], "partner"))

    assert_problem(response, 404, "not_found")
    missing = await api.call(world.acme, "GET", _path("pship_00000000000000000000000000", "partner"))
    assert_problem(missing, 404, "not_found")


async def test_only_an_active_partnership_is_previewed(api: Api) -> None:
    await api.gold_catalogue()
    acme, agency = await api.org("Acme"), await api.org("WebAgency", reseller_tier="gold")
    body = {"partner_id": agency.id, "access": "full", "billing_mode": "customer"}
    pending = await api.ok(acme, "POST", "/v1/partnerships", json=body)

    for who in (acme, agency):
        answer = await api.call(who, "GET", _path(pending["id"], "partner"))
        assert_problem(answer, 409, "partnership_not_active")
    await api.ok(agency, "POST", f"/v1/partnerships/{pending['id']}/accept")
    await api.ok(acme, "POST", f"/v1/partnerships/{pending['id']}/end")
    for who in (acme, agency):
        assert_problem(await api.call(who, "GET", _path(pending["id"], "partner")), 409, "partnership_ended")


async def test_limited_access_cannot_preview_partner_mode(api: Api) -> None:
    world = await build_world(api, access="limited")
    await api.order(world.acme, world.acme, "web-hosting-pro")

    refused = await api.call(world.acme, "GET", _path(world.partnership["id"], "partner"))
    unchanged = await _preview(api, world.agency, world, "customer")

    assert_problem(refused, 422, "billing_mode_requires_full_access")
    [row] = unchanged["subscriptions"]
    assert row["now"] == row["after"]
    assert row["now"]["cashback"] == {"rate": "0.2", "amount": "24.00"}


async def test_the_billing_mode_is_required_and_checked(api: Api) -> None:
    world, _, _ = await _examples(api)
    base = f"/v1/partnerships/{world.partnership['id']}/billing-mode-preview"

    for query in ("", "?billing_mode=nobody", "?billing_mode=PARTNER"):
        assert_problem(await api.call(world.acme, "GET", base + query), 422, "validation_error")


async def test_it_shows_the_subscriptions_the_renewal_run_renews(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    subs = [(await api.order(world.acme, world.acme, "domain-ch"))["subscription_id"] for _ in range(4)]
    renewing, cancelled, suspended, not_renewing = subs
    await api.ok(world.acme, "POST", f"/v1/subscriptions/{cancelled}/cancel")
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE subscriptions SET status = 'suspended' WHERE id = :id"), {"id": suspended}
        )
        await conn.execute(
            text("UPDATE subscriptions SET auto_renew = false WHERE id = :id"), {"id": not_renewing}
        )
    other = await api.org("Other customer")
    await api.order(other, other, "domain-ch")

    preview = await _preview(api, world.acme, world)

    assert [row["subscription_id"] for row in preview["subscriptions"]] == [renewing]


async def test_twelve_months_count_every_renewal_due_until_then(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    monthly = {"name": "Mail", "category": "hosting", "period_months": 1, "prices": {"CHF": "10.00"}}
    await api.ok(None, "PUT", "/v1/admin/products/mail-monthly", json=monthly)
    mail = (await api.order(world.acme, world.acme, "mail-monthly"))["subscription_id"]
    yearly = (await api.order(world.acme, world.acme, "web-hosting-pro"))["subscription_id"]
    overdue = (await api.order(world.acme, world.acme, "domain-ch"))["subscription_id"]
    await backdate(db, overdue, 12)

    preview = await _preview(api, world.agency, world, "customer")

    counted = {row["subscription_id"]: row["renewals_in_twelve_months"] for row in preview["subscriptions"]}
    # The overdue one renews at the next run, and once more within the year.
    assert counted == {mail: 12, yearly: 1, overdue: 2}
    assert preview["subscriptions"][0]["subscription_id"] == overdue  # the next to renew first
    [row] = preview["twelve_months"]
    assert row["now"] == row["after"]
    assert row["now"]["renewals"] == 15
    assert row["now"]["public_amount"] == "266.90"  # 12 × 10.00 + 120.00 + 2 × 13.45
    assert row["now"]["cashback"] == "49.34"  # 12 × 2.00 + 24.00 + 2 × 0.67


async def test_a_renewal_the_payer_cannot_be_charged_for_is_shown_refused(api: Api) -> None:
    await api.gold_catalogue()
    acme = await api.org("Acme")
    agency = await api.org("WebAgency", currency="EUR", vat_rate="0.19", reseller_tier="gold")
    partnership = await api.partnership(acme, agency)
    hosting = (await api.order(agency, acme, "web-hosting-pro"))["subscription_id"]
    domain = (await api.order(acme, acme, "domain-ch"))["subscription_id"]

    preview = await api.ok(agency, "GET", _path(partnership["id"], "partner"))

    rows = _by_subscription(preview)
    # domain-ch has no EUR price: the partner could not be charged for its renewal.
    assert (rows[domain]["after"], rows[domain]["after_refusal"]) == (None, "price_not_available")
    assert rows[domain]["now"] is not None and rows[domain]["now_refusal"] is None
    assert rows[hosting]["after"]["currency"] == "EUR"
    assert rows[hosting]["after"]["total"] == "119.00"  # 125.00 − 25.00 rebate, VAT 19 %
    payers = {(row["payer_id"], row["currency"]): row for row in preview["twelve_months"]}
    assert payers[(agency.id, "EUR")]["after"]["renewals"] == 1
    assert payers[(acme.id, "CHF")]["now"]["renewals"] == 2
