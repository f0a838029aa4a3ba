"""The operators' lists (SPEC §18): organisations by name or e-mail, every invoice by payer and
status; keyset-paginated, newest first, nothing redacted."""

from __future__ import annotations

from typing import Any

from tests.asserts import assert_problem
from tests.operators.support import operator
from tests.support import Api, build_world


async def _all(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a list, two at a time."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await api.ok(None, "GET", path, params=query)
        found += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def test_organisations_are_searched_by_name_or_email_in_any_case(api: Api) -> None:
    acme = await api.org("Acme")
    agency = await api.org("WebAgency")
    other = await api.org("Other")
    await api.ok(
        None, "PATCH", f"/v1/admin/organizations/{other.id}", json={"billing_email": "ap@acme-group.example"}
    )
    body = {"name": "50% Off", "billing_email": "sale@off.example", "currency": "EUR", "vat_rate": "0.19"}
    await api.ok(None, "POST", "/v1/admin/organizations", json=body)

    everyone = await _all(api, "/v1/admin/organizations")
    assert [o["name"] for o in everyone] == ["50% Off", "Other", "WebAgency", "Acme"]
    assert [o["id"] for o in await _all(api, "/v1/admin/organizations", q="ACME")] == [other.id, acme.id]
    assert [o["id"] for o in await _all(api, "/v1/admin/organizations", q="agency")] == [agency.id]
    # Wildcards are plain characters.
    assert [o["name"] for o in await _all(api, "/v1/admin/organizations", q="%")] == ["50% Off"]
    assert await _all(api, "/v1/admin/organizations", q="_") == []
    assert everyone[-1]["billing_email"] == "billing@acme.example"  # the platform sees everything
    long = "x" * 201
    assert_problem(await api.admin("GET", "/v1/admin/organizations", params={"q": long}), 422)


async def test_every_invoice_by_payer_and_status(api: Api) -> None:
    w = await build_world(api, billing_mode="partner")
    by_agency = await api.order(w.agency, w.acme, "web-hosting-pro")  # the partner pays
    await api.ok(
        w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "customer"}
    )
    first = await api.order(w.acme, w.acme, "domain-ch")
    second = await api.order(w.acme, w.acme, "web-hosting-pro")
    await api.ok(None, "POST", f"/v1/admin/invoices/{first['invoice_id']}/pay")

    every = await _all(api, "/v1/admin/invoices")
    assert [i["id"] for i in every] == [second["invoice_id"], first["invoice_id"], by_agency["invoice_id"]]
    assert all(i["total"] is not None for i in every)  # nothing redacted
    acme = await _all(api, "/v1/admin/invoices", org_id=w.acme.id)
    assert [i["id"] for i in acme] == [second["invoice_id"], first["invoice_id"]]
    paid = await _all(api, "/v1/admin/invoices", status="paid")
    assert [i["id"] for i in paid] == [first["invoice_id"]]
    issued = await _all(api, "/v1/admin/invoices", org_id=w.agency.id, status="issued")
    assert [i["id"] for i in issued] == [by_agency["invoice_id"]]
    assert await _all(api, "/v1/admin/invoices", org_id=w.stranger.id) == []
    assert_problem(await api.admin("GET", "/v1/admin/invoices", params={"status": "lost"}), 422)
    assert_problem(await api.admin("GET", "/v1/admin/invoices", params={"cursor": "nope"}), 422)


async def test_every_role_reads_the_lists_and_organisations_do_not(api: Api) -> None:
    acme = await api.org("Acme")
    readonly = await operator(api, "readonly")
    for path in ("/v1/admin/organizations", "/v1/admin/invoices", "/v1/admin/audit"):
        assert (await readonly.call("GET", path)).status_code == 200
        assert_problem(await api.call(acme, "GET", path), 403, "forbidden")
