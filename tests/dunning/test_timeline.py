"""SPEC §10 end to end, driven by ``as_of``: issue → +0 reminder 1 → +14 reminder 2 → +28
final notice (the customer warned: the partner pays) → +42 suspension → payment → reactivation.
The customer's events, e-mails and subscription views never show an amount or the invoice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from partnerbilling.language import Language
from partnerbilling.language.formats import date_text, reference_text
from tests.dunning.helpers import as_text, assert_none_leaks, day, events_of, mails_to, run
from tests.payments.helpers import pay
from tests.support import Api, World, build_world, count


async def _partner_pays(api: Api) -> tuple[World, dict[str, Any], dict[str, Any]]:
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice: dict[str, Any] = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert invoice["payer_id"] == w.agency.id and invoice["status"] == "issued"
    return w, order, invoice


async def _customer_sees(
    api: Api, w: World, sub_id: str, invoice: dict[str, Any], db: AsyncEngine
) -> dict[str, Any]:
    """The customer's subscription view, and everything the customer was told so far, checked."""
    view: dict[str, Any] = await api.ok(w.acme, "GET", f"/v1/subscriptions/{sub_id}")
    texts = [as_text(view)]
    texts += [as_text(data) for _, data in await events_of(db, w.acme)]
    texts += [subject + body for subject, body in await mails_to(db, w.acme)]
    assert_none_leaks(texts, invoice)
    return view


async def test_the_timeline_when_the_partner_pays(api: Api, db: AsyncEngine) -> None:
    w, order, invoice = await _partner_pays(api)
    sub_id = order["subscription_id"]
    assert (await run(api, day(invoice, -1)))["stepped"] == 0

    for days, level in ((0, 1), (14, 2)):
        result = await run(api, day(invoice, days))
        assert (result["stepped"], result["levels"]) == (1, {str(level): 1})
        seen = await api.ok(w.agency, "GET", f"/v1/invoices/{invoice['id']}")
        assert (seen["status"], seen["dunning_level"], seen["amount_due"]) == (
            "overdue",
            level,
            invoice["total"],
        )
        view = await _customer_sees(api, w, sub_id, invoice, db)
        assert (view["status"], view["at_risk_since"], view["suspends_at"]) == ("active", None, None)
    assert await mails_to(db, w.acme) == []
    reminders = await mails_to(db, w.agency)
    assert len(reminders) == 2
    assert all(
        invoice["number"] in s and invoice["total"] in b and reference_text(invoice["payment_reference"]) in b
        for s, b in reminders
    )

    await run(api, day(invoice, 28))
    view = await _customer_sees(api, w, sub_id, invoice, db)
    assert view["status"] == "active" and view["at_risk_since"] is not None
    assert view["suspends_at"][:10] == day(invoice, 42)[:10]
    [(_, data)] = await events_of(db, w.acme, "subscription.at_risk")
    assert data["id"] == sub_id and data["suspends_at"] == view["suspends_at"]
    [(subject, body)] = await mails_to(db, w.acme)
    assert (
        "Web Hosting Pro" in subject + body and "WebAgency" in body and _written(view["suspends_at"]) in body
    )

    await run(api, day(invoice, 42))
    view = await _customer_sees(api, w, sub_id, invoice, db)
    assert view["status"] == "suspended"
    types = [kind for kind, _ in await events_of(db, w.acme, "subscription.")]
    assert types.count("subscription.suspended") == 1 and types.count("subscription.at_risk") == 2
    assert [k for k, _ in await events_of(db, w.agency, "subscription.suspended")] == [
        "subscription.suspended"
    ]
    assert len(await mails_to(db, w.agency)) == 4 and len(await mails_to(db, w.acme)) == 2
    assert await count(db, "events", "type = 'invoice.overdue'") == 4
    assert await count(db, "events", "type = 'invoice.overdue' AND org_id <> :o", o=w.agency.id) == 0

    # Nothing after the last step; the payment reactivates.
    assert (await run(api, day(invoice, 90)))["stepped"] == 0
    response = await pay(api, invoice["id"], invoice["total"], "bank-dun-1")
    assert response.status_code == 201, response.text
    view = await _customer_sees(api, w, sub_id, invoice, db)
    assert (view["status"], view["at_risk_since"], view["suspends_at"]) == ("active", None, None)
    assert [k for k, _ in await events_of(db, w.acme, "subscription.reactivated")] == [
        "subscription.reactivated"
    ]
    paid = await api.ok(w.agency, "GET", f"/v1/invoices/{invoice['id']}")
    assert (paid["status"], paid["dunning_level"]) == ("paid", 4)
    assert await check_database(db) == []


async def test_the_same_as_of_twice_changes_nothing_and_a_late_run_moves_one_step(
    api: Api, db: AsyncEngine
) -> None:
    _, _, invoice = await _partner_pays(api)
    late = day(invoice, 60)
    assert (await run(api, late))["levels"] == {"1": 1}
    # The organisations' events: each run adds its own job.completed to the platform's log.
    before = (await count(db, "events", "org_id IS NOT NULL"), await count(db, "outbox_mails"))
    again = await run(api, late)
    assert (again["stepped"], again["unchanged"]) == (0, 1)
    assert (await count(db, "events", "org_id IS NOT NULL"), await count(db, "outbox_mails")) == before
    # The next step waits the schedule's gap after the last one.
    assert (await run(api, day(invoice, 70)))["stepped"] == 0
    assert (await run(api, day(invoice, 74)))["levels"] == {"2": 1}


async def test_a_credit_note_stops_dunning(api: Api, db: AsyncEngine) -> None:
    w, order, invoice = await _partner_pays(api)
    await run(api, day(invoice, 0))
    await run(api, day(invoice, 28))
    note = await api.admin(
        "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Withdrawn"}
    )
    assert note.is_success, note.text
    assert (await run(api, day(invoice, 42)))["invoices"] == 0
    view = await api.ok(w.acme, "GET", f"/v1/subscriptions/{order['subscription_id']}")
    assert view["status"] == "cancelled" and view["suspends_at"] is None
    assert await count(db, "events", "type = 'subscription.suspended'") == 0


def _written(at: str) -> str:
    """A moment's day in Zürich as an English e-mail writes it (``31 Dec 2026``)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Zurich"))
    return date_text(moment.date(), Language.EN)
