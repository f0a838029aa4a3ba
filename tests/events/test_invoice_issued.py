"""The ``invoice.issued`` event is written by the statement that numbers the document: its
payload must still be exactly the document as its payer reads it."""

from __future__ import annotations

import pytest

from tests.support import Api, build_world


@pytest.mark.parametrize("billing_mode", ["customer", "partner"])
async def test_the_event_carries_the_invoice_and_the_credit_note_as_the_payer_reads_them(
    api: Api, billing_mode: str
) -> None:
    w = await build_world(api, billing_mode=billing_mode)
    order = await api.order(w.agency, w.acme, "web-hosting-pro", quantity=2)
    payer = w.acme if order["payer_id"] == w.acme.id else w.agency
    invoice_id = (await api.ok(payer, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    note = await api.ok(None, "POST", f"/v1/admin/invoices/{invoice_id}/credit-note", json={"reason": "x"})

    events = (await api.ok(payer, "GET", "/v1/events", params={"type": "invoice.issued"}))["data"]
    by_document = {event["data"]["id"]: event["data"] for event in events}
    assert set(by_document) == {invoice_id, note["id"]}
    # Read the invoice as it was issued: paid_at and status change later, not here.
    invoice = await api.ok(payer, "GET", f"/v1/invoices/{invoice_id}")
    # Events, as lists, carry no payment list (a single invoice's read does).
    as_issued = {**invoice, "status": "issued", "amount_due": invoice["total"], "payments": None}
    assert by_document[invoice_id] == as_issued
    note_read = await api.ok(payer, "GET", f"/v1/invoices/{note['id']}")
    assert by_document[note["id"]] == {**note_read, "payments": None}
    assert by_document[note["id"]]["number"] > by_document[invoice_id]["number"]
