"""Partnerships over HTTP: invite, accept, end, change the billing mode, the history, the list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.support import Api, Org, build_world, count


async def _orgs(api: Api) -> tuple[Org, Org, Org]:
    await api.gold_catalogue()
    acme = await api.org("Acme")
    agency = await api.org("WebAgency", reseller_tier="gold")
    stranger = await api.org("Stranger", reseller_tier="gold")
    return acme, agency, stranger


async def _invite(
    api: Api, customer: Org, partner: Org, access: str = "full", billing_mode: str = "customer"
) -> dict[str, Any]:
    invited: dict[str, Any] = await api.ok(
        customer,
        "POST",
        "/v1/partnerships",
        json={"partner_id": partner.id, "access": access, "billing_mode": billing_mode},
    )
    return invited


def _stamp(value: str) -> datetime:
    assert value.endswith("Z"), value
    return datetime.fromisoformat(value)


async def test_the_customer_invites_a_reseller_and_the_partnership_is_pending(api: Api) -> None:
    acme, agency, _ = await _orgs(api)
    response = await api.call(
        acme,
        "POST",
        "/v1/partnerships",
        json={"partner_id": agency.id, "access": "full", "billing_mode": "partner"},
    )
    assert response.status_code == 201, response.text
    p = response.json()
    assert p == {
        **p,
        "customer_id": acme.id,
        "partner_id": agency.id,
        "access": "full",
        "billing_mode": "partner",
        "status": "pending",
        "accepted_at": None,
        "ended_at": None,
    }
    _stamp(p["created_at"])
    for party in (acme, agency):
        assert await api.ok(party, "GET", f"/v1/partnerships/{p['id']}") == p


@pytest.mark.parametrize(
    ("partner", "access", "billing_mode", "code"),
    [
        ("agency", "limited", "partner", "billing_mode_requires_full_access"),
        ("plain", "full", "customer", "partner_not_reseller"),
        ("unknown", "full", "customer", "partner_not_reseller"),
        ("self", "full", "customer", "partner_is_customer"),
    ],
)
async def test_invalid_invitations_are_refused_and_nothing_is_created(
    api: Api, db: AsyncEngine, partner: str, access: str, billing_mode: str, code: str
) -> None:
    acme, agency, _ = await _orgs(api)
    plain = await api.org("Plain Customer")
    partner_id = {
        "agency": agency.id,
        "plain": plain.id,
        "unknown": "org_00000000000000000000000000",
        "self": acme.id,
    }[partner]
    response = await api.call(
        acme,
        "POST",
        "/v1/partnerships",
        json={"partner_id": partner_id, "access": access, "billing_mode": billing_mode},
    )
    assert_problem(response, 422, code)
    assert await count(db, "partnerships") == 0
    assert (await api.ok(acme, "GET", "/v1/partnerships"))["data"] == []


@pytest.mark.parametrize("first_state", ["pending", "active"])
async def test_a_customer_has_at_most_one_pending_or_active_partnership(
    api: Api, db: AsyncEngine, first_state: str
) -> None:
    acme, agency, stranger = await _orgs(api)
    first = await _invite(api, acme, agency)
    if first_state == "active":
        await api.ok(agency, "POST", f"/v1/partnerships/{first['id']}/accept")
    for partner in (agency, stranger):
        response = await api.call(
            acme,
            "POST",
            "/v1/partnerships",
            json={"partner_id": partner.id, "access": "full", "billing_mode": "customer"},
        )
        assert_problem(response, 409, "partnership_exists")
    assert await count(db, "partnerships") == 1

    # Once it has ended, a new one may be created.
    await api.ok(acme, "POST", f"/v1/partnerships/{first['id']}/end")
    second = await _invite(api, acme, stranger)
    assert second["status"] == "pending"


async def test_only_the_partner_accepts(api: Api) -> None:
    acme, agency, stranger = await _orgs(api)
    p = await _invite(api, acme, agency)
    path = f"/v1/partnerships/{p['id']}/accept"
    assert_problem(await api.call(acme, "POST", path), 403, "forbidden")
    assert_problem(await api.call(stranger, "POST", path), 404, "not_found")
    assert (await api.ok(acme, "GET", f"/v1/partnerships/{p['id']}"))["status"] == "pending"

    accepted = await api.ok(agency, "POST", path)
    assert accepted["status"] == "active"
    assert _stamp(accepted["accepted_at"]) >= _stamp(p["created_at"])
    # Accepting twice is a conflict, not a silent success.
    assert_problem(await api.call(agency, "POST", path), 409)


@pytest.mark.parametrize("side", ["customer", "partner"])
@pytest.mark.parametrize("state", ["pending", "active"])
async def test_either_side_ends_a_partnership(api: Api, side: str, state: str) -> None:
    acme, agency, stranger = await _orgs(api)
    p = await _invite(api, acme, agency)
    if state == "active":
        await api.ok(agency, "POST", f"/v1/partnerships/{p['id']}/accept")
    assert_problem(await api.call(stranger, "POST", f"/v1/partnerships/{p['id']}/end"), 404, "not_found")

    ender = acme if side == "customer" else agency
    ended = await api.ok(ender, "POST", f"/v1/partnerships/{p['id']}/end")
    assert ended["status"] == "ended"
    assert ended["ended_at"] is not None
    # A partner ending a pending invitation declines it: it can never become active.
    assert_problem(
        await api.call(agency, "POST", f"/v1/partnerships/{p['id']}/accept"), 409, "partnership_ended"
    )


async def test_an_ended_partnership_cannot_be_accepted_changed_or_ended_again(api: Api) -> None:
    w = await build_world(api, billing_mode="partner")
    pid = w.partnership["id"]
    ended = await api.ok(w.agency, "POST", f"/v1/partnerships/{pid}/end")
    for who, method, path, body in [
        (w.agency, "POST", f"/v1/partnerships/{pid}/accept", None),
        (w.acme, "PATCH", f"/v1/partnerships/{pid}", {"billing_mode": "customer"}),
        (w.acme, "POST", f"/v1/partnerships/{pid}/end", None),
        (w.agency, "POST", f"/v1/partnerships/{pid}/end", None),
    ]:
        assert_problem(await api.call(who, method, path, json=body), 409, "partnership_ended")
    assert await api.ok(w.acme, "GET", f"/v1/partnerships/{pid}") == ended
    assert (await api.ok(w.acme, "GET", f"/v1/partnerships/{pid}/changes"))["data"] == []


async def test_only_the_customer_changes_the_partnership(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    path = f"/v1/partnerships/{w.partnership['id']}"
    body = {"billing_mode": "partner"}
    assert_problem(await api.call(w.agency, "PATCH", path, json=body), 403, "forbidden")
    assert_problem(await api.call(w.stranger, "PATCH", path, json=body), 404, "not_found")
    assert await api.ok(w.acme, "GET", path) == w.partnership
    assert await count(db, "partnership_changes") == 0
    assert await count(db, "outbox_mails") == 0

    changed = await api.ok(w.acme, "PATCH", path, json=body)
    assert (changed["billing_mode"], changed["access"], changed["status"]) == ("partner", "full", "active")
    assert await api.ok(w.agency, "GET", path) == changed
    # The partner is told by e-mail, at its billing address.
    assert await count(db, "outbox_mails", "to_address = :to", to=w.agency.data["billing_email"]) == 1


@pytest.mark.parametrize(
    ("start", "patch"),
    [
        (("full", "partner"), {"access": "limited"}),
        (("limited", "customer"), {"billing_mode": "partner"}),
        (("full", "customer"), {"access": "limited", "billing_mode": "partner"}),
    ],
)
async def test_a_change_must_keep_partner_mode_with_full_access(
    api: Api, db: AsyncEngine, start: tuple[str, str], patch: dict[str, str]
) -> None:
    w = await build_world(api, access=start[0], billing_mode=start[1])
    path = f"/v1/partnerships/{w.partnership['id']}"
    assert_problem(
        await api.call(w.acme, "PATCH", path, json=patch), 422, "billing_mode_requires_full_access"
    )
    assert await api.ok(w.acme, "GET", path) == w.partnership
    assert await count(db, "partnership_changes") == 0


async def test_changing_both_fields_at_once_may_leave_partner_mode(api: Api) -> None:
    w = await build_world(api, billing_mode="partner")
    path = f"/v1/partnerships/{w.partnership['id']}"
    changed = await api.ok(w.acme, "PATCH", path, json={"access": "limited", "billing_mode": "customer"})
    assert (changed["access"], changed["billing_mode"]) == ("limited", "customer")


async def test_the_change_history_is_listed_newest_first(api: Api) -> None:
    w = await build_world(api)
    pid = w.partnership["id"]
    path = f"/v1/partnerships/{pid}"
    await api.ok(w.acme, "PATCH", path, json={"billing_mode": "partner"})
    await api.ok(w.acme, "PATCH", path, json={"billing_mode": "partner"})  # no change: not recorded
    await api.ok(w.acme, "PATCH", path, json={"billing_mode": "customer", "access": "limited"})
    await api.ok(w.acme, "PATCH", path, json={"access": "full"})

    history = (await api.ok(w.acme, "GET", f"{path}/changes"))["data"]
    assert await api.ok(w.agency, "GET", f"{path}/changes") == {"data": history, "next_cursor": None}
    assert_problem(await api.call(w.stranger, "GET", f"{path}/changes"), 404, "not_found")
    for change in history:
        assert change.keys() >= {"field", "old_value", "new_value", "changed_by_id", "changed_at"}
        assert change["changed_by_id"] == w.acme.id
    stamps = [_stamp(c["changed_at"]) for c in history]
    assert stamps == sorted(stamps, reverse=True)
    # The two changes of one PATCH share a time; compare them as a set.
    transitions = [(c["field"], c["old_value"], c["new_value"]) for c in history]
    assert transitions[0] == ("access", "limited", "full")
    assert set(transitions[1:3]) == {("billing_mode", "partner", "customer"), ("access", "full", "limited")}
    assert transitions[3] == ("billing_mode", "customer", "partner")
    assert len(history) == 4

    page = await api.ok(w.acme, "GET", f"{path}/changes", params={"limit": 3})
    assert page["data"] == history[:3]
    rest = await api.ok(w.acme, "GET", f"{path}/changes", params={"limit": 3, "cursor": page["next_cursor"]})
    assert rest == {"data": history[3:], "next_cursor": None}


async def test_a_mode_change_leaves_existing_orders_and_applies_to_the_next(api: Api) -> None:
    w = await build_world(api)
    before = await api.order(w.agency, w.acme, "web-hosting-pro")
    order_before = await api.ok(w.acme, "GET", f"/v1/orders/{before['id']}")
    assert order_before["payer_id"] == w.acme.id
    invoice_before = await api.ok(w.acme, "GET", f"/v1/invoices/{order_before['invoice_id']}")

    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "partner"})

    assert await api.ok(w.acme, "GET", f"/v1/orders/{before['id']}") == order_before
    assert await api.ok(w.acme, "GET", f"/v1/invoices/{invoice_before['id']}") == invoice_before
    assert (await api.ok(w.agency, "GET", f"/v1/orders/{before['id']}"))["cashback"] == {
        "rate": "0.2",
        "amount": "24.00",
        "status": "pending",
    }
    after = await api.order(w.agency, w.acme, "web-hosting-pro")
    assert (after["payer_id"], after["discount"], after["net_amount"], after["cashback"]) == (
        w.agency.id,
        "24.00",
        "96.00",
        None,
    )
    assert [i["id"] for i in (await api.ok(w.acme, "GET", "/v1/invoices"))["data"]] == [invoice_before["id"]]
    assert [i["id"] for i in (await api.ok(w.agency, "GET", "/v1/invoices"))["data"]] == [after["invoice_id"]]


async def _partner_of_five(api: Api) -> tuple[Org, list[str]]:
    """WebAgency invited by five customers, in this order; returns their partnership ids."""
    await api.gold_catalogue()
    agency = await api.org("WebAgency", reseller_tier="gold")
    ids = []
    for n in range(5):
        customer = await api.org(f"Customer {n}")
        ids.append((await _invite(api, customer, agency))["id"])
    return agency, ids


async def test_the_list_is_paginated_newest_first(api: Api) -> None:
    agency, created = await _partner_of_five(api)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await api.ok(agency, "GET", "/v1/partnerships", params=params)
        pages += 1
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["data"]) == 2
    assert pages == 3
    assert seen == list(reversed(created))
    default = await api.ok(agency, "GET", "/v1/partnerships")
    assert [p["id"] for p in default["data"]] == seen
    assert default["next_cursor"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": -1},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"cursor": "bm9wZQ"},  # "nope"
        {"cursor": "MjAyNi0wMS0wMXxh"},  # "2026-01-01|a": no time zone
        {"cursor": "%%%"},
        {"cursor": "x" * 201},
    ],
)
async def test_bad_list_parameters_are_422(api: Api, params: dict[str, Any]) -> None:
    agency, _ = await _partner_of_five(api)
    assert_problem(await api.call(agency, "GET", "/v1/partnerships", params=params), 422, "validation_error")
