"""An issued invoice as its payer receives it, over HTTP: the copies it made when issued, its PDF
(read as a picture and as text) and its XML, who may fetch them, and that later profile changes
never alter them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from stdnum import iso11649
from stdnum.ch import esr

from partnerbilling.billing.references import number_of
from tests.asserts import assert_problem
from tests.documents.reading import check_en16931, embedded_xml, qr_payloads, text_of, totals
from tests.support import Api, Org, World, build_world

QR_IBAN = "CH4431999123000889012"
IBAN = "CH5604835012345678009"
ISSUER: dict[str, Any] = {
    "legal_name": "Alpine Hosting AG",
    "address": {
        "street": "Bahnhofstrasse",
        "building_number": "10",
        "postal_code": "8001",
        "city": "Zürich",
        "country": "CH",
    },
    "vat_id": "CHE-116.281.710 MWST",
    "email": "billing@alpine-hosting.example",
    "payment_terms_days": 20,
    "bank_accounts": {
        "CHF": {"iban": QR_IBAN},
        "EUR": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    },
}
AGENCY_PROFILE: dict[str, Any] = {
    "legal_name": "WebAgency GmbH",
    "address": {
        "street": "Marktgasse",
        "building_number": "5",
        "postal_code": "3011",
        "city": "Bern",
        "country": "CH",
    },
    "vat_id": "CHE-109.322.551 MWST",
    "language": "de",
}


async def _issuer(api: Api, **changes: Any) -> dict[str, Any]:
    issuer: dict[str, Any] = await api.ok(None, "PUT", "/v1/admin/issuer", json={**ISSUER, **changes})
    return issuer


async def _profile(api: Api, org: Org, profile: dict[str, Any]) -> None:
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{org.id}", json=profile)


async def _partner_paid(api: Api) -> tuple[World, dict[str, Any]]:
    """WebAgency pays its customer Acme's order (partner mode), with profiles and an issuer."""
    w = await build_world(api, billing_mode="partner")
    await _profile(api, w.agency, AGENCY_PROFILE)
    placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice: dict[str, Any] = await api.ok(w.agency, "GET", f"/v1/invoices/{placed['invoice_id']}")
    return w, invoice


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_an_invoice_copies_the_issuer_the_payer_and_its_terms_when_issued(api: Api) -> None:
    issuer = await _issuer(api)
    w, invoice = await _partner_paid(api)
    not_copied = {"updated_at", "time_zone", "payout_accounts"}
    assert invoice["seller"] == {k: v for k, v in issuer.items() if k not in not_copied}
    assert invoice["buyer"]["legal_name"] == "WebAgency GmbH"
    assert invoice["buyer"]["vat_id"] == "CHE-109.322.551 MWST"
    assert invoice["buyer"]["address"]["city"] == "Bern" and invoice["buyer"]["language"] == "de"
    assert _at(invoice["due_at"]) - _at(invoice["issued_at"]) == timedelta(days=20)
    # A QR-IBAN takes a QR reference, derived from the number.
    reference = invoice["payment_reference"]
    assert len(reference) == 27 and esr.is_valid(reference) and number_of(reference) == invoice["number"]
    [line] = invoice["lines"]
    assert (line["customer_id"], line["customer_name"]) == (w.acme.id, "Acme")
    assert line["period_start"] == invoice["issue_date"]  # days in the issuer's zone


async def test_the_pdf_pays_in_one_scan_and_says_what_the_json_says(api: Api) -> None:
    await _issuer(api)
    w, invoice = await _partner_paid(api)
    response = await api.call(w.agency, "GET", f"/v1/invoices/{invoice['id']}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.content
    [payload] = qr_payloads(pdf)
    assert payload[:3] == ["SPC", "0200", "1"]
    assert payload[3] == QR_IBAN
    assert payload[4:11] == ["S", "Alpine Hosting AG", "Bahnhofstrasse", "10", "8001", "Zürich", "CH"]
    assert payload[18:20] == [invoice["total"], "CHF"]
    assert payload[20:27] == ["S", "WebAgency GmbH", "Marktgasse", "5", "3011", "Bern", "CH"]
    assert payload[27:29] == ["QRR", invoice["payment_reference"]] and esr.is_valid(payload[28])
    assert payload[29] == invoice["number"] and payload[30] == "EPD"
    text = text_of(pdf)
    for expected in (
        invoice["number"],
        "CHE-116.281.710",
        "CHE-109.322.551",
        "Bahnhofstrasse 10",
        "Marktgasse 5",
        "Acme",  # the customer the partner re-bills
    ):
        assert expected in text, expected
    root = check_en16931(embedded_xml(pdf))
    assert totals(root) == (invoice["number"], invoice["tax"], invoice["total"])


async def test_the_xml_is_en16931_and_equals_the_json(api: Api) -> None:
    await _issuer(api)
    w, invoice = await _partner_paid(api)
    response = await api.call(w.agency, "GET", f"/v1/invoices/{invoice['id']}/xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    assert totals(check_en16931(response.content)) == (invoice["number"], invoice["tax"], invoice["total"])


async def test_a_document_never_changes_after_it_is_issued(api: Api) -> None:
    await _issuer(api)
    w, invoice = await _partner_paid(api)
    path = f"/v1/invoices/{invoice['id']}"
    before = [(await api.call(w.agency, "GET", f"{path}/{kind}")).content for kind in ("pdf", "xml")]
    await _issuer(
        api, legal_name="Other Hosting SA", bank_accounts={"CHF": {"iban": IBAN}}, payment_terms_days=5
    )
    await _profile(api, w.agency, {"legal_name": "Renamed GmbH", "language": "fr", "vat_id": None})
    after = [(await api.call(w.agency, "GET", f"{path}/{kind}")).content for kind in ("pdf", "xml")]
    assert after == before
    assert await api.ok(w.agency, "GET", path) == invoice
    # New documents copy the new profiles.
    again = await api.order(w.agency, w.acme, "domain-ch")
    fresh = await api.ok(w.agency, "GET", f"/v1/invoices/{again['invoice_id']}")
    assert (
        fresh["seller"]["legal_name"] == "Other Hosting SA" and fresh["buyer"]["legal_name"] == "Renamed GmbH"
    )
    assert iso11649.is_valid(fresh["payment_reference"])  # a plain IBAN takes an RF reference


async def test_only_the_payer_gets_the_documents(api: Api) -> None:
    await _issuer(api)
    w, invoice = await _partner_paid(api)
    for who in (w.acme, w.stranger):  # the customer of a partner-paid order, and a stranger
        for kind in ("pdf", "xml"):
            response = await api.call(who, "GET", f"/v1/invoices/{invoice['id']}/{kind}")
            assert_problem(response, 404, "not_found")
    missing = await api.call(w.agency, "GET", "/v1/invoices/inv_missing/pdf")
    assert_problem(missing, 404, "not_found")


async def test_a_document_issued_without_an_issuer_cannot_be_rendered(api: Api) -> None:
    w = await build_world(api)
    placed = await api.order(w.acme, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.acme, "GET", f"/v1/invoices/{placed['invoice_id']}")
    assert invoice["seller"] is None
    assert _at(invoice["due_at"]) - _at(invoice["issued_at"]) == timedelta(days=30)
    assert iso11649.is_valid(invoice["payment_reference"])
    await _issuer(api)  # configured later: the document keeps what it copied
    for kind in ("pdf", "xml"):
        response = await api.call(w.acme, "GET", f"/v1/invoices/{invoice['id']}/{kind}")
        assert_problem(response, 409, "issuer_not_configured")


async def test_a_credit_note_has_no_payment_part_and_names_the_invoice(api: Api) -> None:
    await _issuer(api)
    w, invoice = await _partner_paid(api)
    note = await api.ok(
        None, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Withdrawn"}
    )
    assert note["payment_reference"] is None and note["due_at"] == note["issued_at"]
    pdf = (await api.call(w.agency, "GET", f"/v1/invoices/{note['id']}/pdf")).content
    assert qr_payloads(pdf) == []
    assert invoice["number"] in text_of(pdf)
    root = check_en16931(embedded_xml(pdf))
    ns = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
    assert root.findtext(f".//{ns}TypeCode") == "381"
    assert root.findtext(f".//{ns}InvoiceReferencedDocument/{ns}IssuerAssignedID") == invoice["number"]
    # The credited invoice has nothing due any more: its PDF carries no payment part either.
    credited = (await api.call(w.agency, "GET", f"/v1/invoices/{invoice['id']}/pdf")).content
    assert qr_payloads(credited) == []


BERLIN = {
    "street": "Unter den Linden",
    "building_number": "1",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
}


async def _berlin_buyer(api: Api, **profile: Any) -> Org:
    """The issuer, the catalogue, and a German buyer billed in EUR at 19 % with its profile."""
    await _issuer(api)
    await api.gold_catalogue()
    gmbh = await api.org("Berlin GmbH", currency="EUR", vat_rate="0.19")
    await _profile(api, gmbh, {"address": BERLIN, "vat_id": "DE136695976", **profile})
    return gmbh


async def test_a_eur_invoice_carries_an_epc_qr_code(api: Api) -> None:
    gmbh = await _berlin_buyer(api)
    placed = await api.order(gmbh, gmbh, "web-hosting-pro")
    invoice = await api.ok(gmbh, "GET", f"/v1/invoices/{placed['invoice_id']}")
    assert iso11649.is_valid(invoice["payment_reference"])
    pdf = (await api.call(gmbh, "GET", f"/v1/invoices/{invoice['id']}/pdf")).content
    [payload] = qr_payloads(pdf)
    assert payload[0] == "BCD" and payload[3] == "SCT"
    assert payload[4:7] == ["COBADEFFXXX", "Alpine Hosting AG", "DE89370400440532013000"]
    assert payload[7] == f"EUR{Decimal(invoice['total'])}"
    assert invoice["payment_reference"] in payload


async def test_reverse_charge_bills_no_vat_and_says_so(api: Api) -> None:
    gmbh = await _berlin_buyer(api, reverse_charge=True)
    placed = await api.order(gmbh, gmbh, "web-hosting-pro")
    invoice = await api.ok(gmbh, "GET", f"/v1/invoices/{placed['invoice_id']}")
    assert (invoice["tax_rate"], invoice["tax"], invoice["total"]) == ("0", "0.00", invoice["subtotal"])
    assert invoice["buyer"]["reverse_charge"] is True
    pdf = (await api.call(gmbh, "GET", f"/v1/invoices/{invoice['id']}/pdf")).content
    text = text_of(pdf)
    assert "Reverse charge" in text and "DE136695976" in text and "CHE-116.281.710" in text
    root = check_en16931(embedded_xml(pdf))
    ns = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
    assert root.findtext(f".//{ns}ApplicableTradeTax/{ns}CategoryCode") == "AE"
