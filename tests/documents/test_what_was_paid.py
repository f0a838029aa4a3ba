"""What was paid (SPEC §14), on the PDF drawn when it is fetched (its XML stays as issued): a
partly paid invoice lists its payments above the amount due, a paid one says when it was paid
and has no payment part, a credit note shows negative lines, names the invoice it credits and
says where the money goes. And every document issued is e-mailed to its payer with its PDF,
unless the payer's profile says ``invoice_email: false``."""

from __future__ import annotations

from typing import Any

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.documents.reading import NS, embedded_xml, qr_payloads, text_of
from tests.payments.helpers import pay
from tests.profiles.helpers import ZURICH, put_issuer
from tests.support import Api, Org, build_world, rows


async def _invoice(api: Api, language: str = "de", invoice_email: bool = True) -> tuple[Org, dict[str, Any]]:
    await put_issuer(api, bank_accounts={"CHF": {"iban": "CH4431999123000889012"}})
    w = await build_world(api)
    profile = {"address": ZURICH, "language": language, "invoice_email": invoice_email}
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{w.acme.id}", json=profile)
    placed = await api.order(w.acme, w.acme, "web-hosting-pro")
    invoice: dict[str, Any] = await api.ok(w.acme, "GET", f"/v1/invoices/{placed['invoice_id']}")
    return w.acme, invoice


async def _credit(api: Api, invoice: dict[str, Any], reason: str) -> dict[str, Any]:
    path = f"/v1/admin/invoices/{invoice['id']}/credit-note"
    note: dict[str, Any] = await api.ok(None, "POST", path, json={"reason": reason})
    return note


async def _pdf(api: Api, org: Org, invoice_id: str) -> bytes:
    response = await api.call(org, "GET", f"/v1/invoices/{invoice_id}/pdf")
    assert response.status_code == 200
    return response.content


def _due_in_xml(pdf: bytes) -> str:
    xml = etree.fromstring(embedded_xml(pdf))
    [due] = xml.xpath(f"//{_TOTALS}/ram:DuePayableAmount/text()", namespaces=NS)
    return str(due)


_TOTALS = "ram:SpecifiedTradeSettlementHeaderMonetarySummation"


async def test_a_partly_paid_invoice_lists_its_payments_above_what_is_due(api: Api) -> None:
    acme, invoice = await _invoice(api)
    assert invoice["total"] == "129.72"
    paid = await pay(api, invoice["id"], "50.00", "part-1", received_at="2026-03-10T23:30:00Z")
    assert paid.status_code == 201
    pdf = await _pdf(api, acme, invoice["id"])
    content = text_of(pdf)
    assert "Zahlung vom 11.03.2026 -50.00" in content  # the day in Zürich
    assert "Offener Betrag CHF 79.72" in content
    [payload] = qr_payloads(pdf)
    assert payload[18:20] == ["79.72", "CHF"]
    assert _due_in_xml(pdf) == "129.72"  # the XML stays as issued


async def test_a_paid_invoice_says_when_and_asks_for_nothing(api: Api) -> None:
    acme, invoice = await _invoice(api, language="fr")
    assert (
        await pay(api, invoice["id"], "129.72", "all", received_at="2026-03-10T10:00:00Z")
    ).status_code == 201
    paid = await api.ok(acme, "GET", f"/v1/invoices/{invoice['id']}")
    assert paid["status"] == "paid"
    pdf = await _pdf(api, acme, invoice["id"])
    assert "Payée le 10.03.2026 129.72" in text_of(pdf)
    assert qr_payloads(pdf) == []
    assert "Section paiement" not in text_of(pdf)


async def test_a_credit_note_shows_negative_lines_names_its_invoice_and_where_the_money_goes(
    api: Api, db: AsyncEngine
) -> None:
    acme, invoice = await _invoice(api, language="it")
    assert (await pay(api, invoice["id"], "129.72", "all")).status_code == 201
    note = await api.ok(
        None, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Annullato"}
    )
    content = text_of(await _pdf(api, acme, note["id"]))
    day = invoice["issue_date"]
    written = f"{day[8:10]}.{day[5:7]}.{day[:4]}"
    assert f"Nota di credito relativa alla fattura {invoice['number']} del {written}" in content
    assert "-120.00" in content and "-129.72" in content
    assert "L'importo di CHF 129.72 è accreditato sul suo conto cliente." in content
    mails = await rows(
        db, "SELECT to_address, subject, attach_invoice_id FROM outbox_mails ORDER BY created_at, id"
    )
    assert [(m.to_address, m.attach_invoice_id) for m in mails] == [
        (acme.data["billing_email"], invoice["id"]),
        (acme.data["billing_email"], note["id"]),
    ]
    assert mails[0].subject.startswith(f"Fattura {invoice['number']}")
    assert mails[1].subject.startswith(f"Nota di credito {note['number']}")


async def test_an_unpaid_invoice_credited_leaves_nothing_to_pay(api: Api) -> None:
    acme, invoice = await _invoice(api, language="en")
    note = await api.ok(
        None, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Void"}
    )
    content = text_of(await _pdf(api, acme, note["id"]))
    assert "The invoice was not paid; there is nothing to pay." in content
    assert f"Credit note for invoice {invoice['number']}" in content


async def test_no_invoice_mail_when_the_profile_says_so(api: Api, db: AsyncEngine) -> None:
    acme, _ = await _invoice(api, invoice_email=False)
    assert (await api.ok(acme, "GET", "/v1/organizations/me"))["invoice_email"] is False
    assert await rows(db, "SELECT id FROM outbox_mails") == []
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={"invoice_email": True})
    placed = await api.order(acme, acme, "web-hosting-pro")
    [mail] = await rows(db, "SELECT to_address, attach_invoice_id FROM outbox_mails")
    assert (mail.to_address, mail.attach_invoice_id) == (acme.data["billing_email"], placed["invoice_id"])
