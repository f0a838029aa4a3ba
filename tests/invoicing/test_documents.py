"""A monthly invoice as documents (many lines, several customers) and what the quotes and the
explanations say about when a charge is invoiced."""

from __future__ import annotations

from typing import Any

from tests.documents.reading import check_en16931, embedded_xml, qr_payloads, text_of, totals
from tests.documents.test_invoice_documents import AGENCY_PROFILE, ISSUER
from tests.invoicing.support import close, monthly, next_month
from tests.support import Api, build_world


async def test_a_monthly_invoice_of_many_lines_is_a_valid_pdf_and_en16931_xml(api: Api) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api, billing_mode="partner")
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{w.agency.id}", json=AGENCY_PROFILE)
    beta = await api.org("Beta")
    await api.partnership(beta, w.agency, billing_mode="partner")
    await monthly(api, w.agency)
    for customer, sku, quantity in (
        (w.acme, "web-hosting-pro", 1),
        (w.acme, "domain-ch", 3),
        (beta, "web-hosting-pro", 2),
    ):
        await api.order(w.agency, customer, sku, quantity)
    await close(api, next_month())
    [invoice] = (await api.ok(w.agency, "GET", "/v1/invoices"))["data"]
    assert len(invoice["lines"]) == 3

    pdf = (await api.call(w.agency, "GET", f"/v1/invoices/{invoice['id']}/pdf")).content
    root = check_en16931(embedded_xml(pdf))
    assert totals(root) == (invoice["number"], invoice["tax"], invoice["total"])
    [payload] = qr_payloads(pdf)  # one payment part
    assert payload[18:20] == [invoice["total"], "CHF"]
    text = text_of(pdf)
    assert "Acme" in text and "Beta" in text
    xml = (await api.call(w.agency, "GET", f"/v1/invoices/{invoice['id']}/xml")).content
    assert totals(check_en16931(xml)) == (invoice["number"], invoice["tax"], invoice["total"])


async def test_quotes_and_explanations_say_when_a_charge_is_invoiced(api: Api) -> None:
    w = await build_world(api)
    asked = {"customer_id": w.acme.id, "sku": "domain-ch", "quantity": 1}
    at_once: dict[str, Any] = await api.ok(w.acme, "POST", "/v1/quotes", json=asked)
    assert at_once["invoiced"] == "at_once"
    await monthly(api, w.acme)
    quote: dict[str, Any] = await api.ok(w.acme, "POST", "/v1/quotes", json=asked)
    as_of = next_month()
    assert quote["invoiced"] == "monthly" and quote["invoiced_at"][:10] < as_of[:10]
    # The partner (not the payer) is not told how Acme is invoiced.
    seen_by_partner = await api.ok(w.agency, "POST", "/v1/quotes", json=asked)
    assert (seen_by_partner["invoiced"], seen_by_partner["invoiced_at"]) == (None, None)

    order = await api.order(w.acme, w.acme, "domain-ch")
    explained = await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}/explanation")
    assert (explained["invoiced"], explained["invoiced_at"]) == ("monthly", quote["invoiced_at"])
    assert [s["step"] for s in explained["explanation"]][-1] == "total"
    await close(api, as_of)
    billed = await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}/explanation")
    billed_order = await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}")
    invoice = await api.ok(w.acme, "GET", f"/v1/invoices/{billed_order['invoice_id']}")
    assert (billed["invoiced"], billed["invoiced_at"]) == ("monthly", invoice["issued_at"])
