"""The Swiss QR-bill on a CHF invoice: the QR code read back from the rendered page, line by line
as SIX's implementation guidelines 2.3 define the payload, and where the payment part appears."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from stdnum import iso11649
from stdnum.ch import esr

from partnerbilling.documents.pdf import render_pdf
from partnerbilling.documents.swiss_qr import has_qr_bill
from tests.documents import pdf_samples, reading

CREDITOR = ["S", "Alpenhost AG", "Bahnhofstrasse", "12", "8001", "Zürich", "CH"]
DEBTOR = ["S", "Nordlicht Webdesign GmbH", "Friedrichstraße", "123", "10117", "Berlin", "DE"]


def _payload(pdf: bytes) -> list[str]:
    codes = reading.qr_codes_per_page(pdf)
    assert [len(page) for page in codes][-1] == 1, codes
    text = codes[-1][0]
    assert "\r\n" in text  # the guidelines' line separator
    return text.split("\r\n")


def test_a_qr_iban_invoice_carries_a_qr_reference_with_a_valid_check_digit() -> None:
    doc = pdf_samples.invoice(qr_iban=True)
    lines = _payload(render_pdf(doc, pdf_samples.XML))
    assert lines[:4] == ["SPC", "0200", "1", pdf_samples.QR_IBAN]
    assert lines[4:11] == CREDITOR
    assert lines[11:18] == [""] * 7  # the ultimate creditor, reserved
    assert lines[18:20] == ["129.72", "CHF"]
    assert lines[20:27] == DEBTOR
    assert lines[27] == "QRR"
    assert len(lines[28]) == 27 and esr.is_valid(lines[28])
    assert lines[28] == doc.payment_reference
    assert lines[29:] == ["2026-000042", "EPD"]


def test_an_iban_invoice_carries_a_creditor_reference() -> None:
    doc = pdf_samples.invoice(buyer=pdf_samples.FRENCH)
    lines = _payload(render_pdf(doc, pdf_samples.XML))
    assert lines[3] == pdf_samples.IBAN
    assert lines[20:27] == ["S", "Atelier Lumière SARL", "Rue de Rivoli", "25", "75004", "Paris", "FR"]
    assert lines[27] == "SCOR"
    assert lines[28].startswith("RF") and iso11649.is_valid(lines[28])
    assert lines[28] == doc.payment_reference
    assert lines[29:] == ["2026-000042", "EPD"]


def test_the_amount_is_what_is_still_due() -> None:
    doc = replace(pdf_samples.invoice(lines=3), amount_due=Decimal("1234.50"))
    lines = _payload(render_pdf(doc, pdf_samples.XML))
    assert lines[18:20] == ["1234.50", "CHF"]
    assert "1 234.50" in reading.text(render_pdf(doc, pdf_samples.XML))


def test_without_the_buyers_address_the_debtor_is_left_blank() -> None:
    doc = pdf_samples.invoice(buyer=replace(pdf_samples.GERMAN, address=None))
    pdf = render_pdf(doc, pdf_samples.XML)
    lines = _payload(pdf)
    assert lines[20:27] == [""] * 7
    assert lines[27] == "SCOR"
    assert "Zahlbar durch (Name/Adresse)" in reading.text(pdf)


def test_the_payment_part_is_headed_in_the_buyers_language() -> None:
    text = reading.text(render_pdf(pdf_samples.invoice(buyer=pdf_samples.FRENCH), pdf_samples.XML))
    for heading in ("Récépissé", "Section paiement", "Compte / Payable à", "Référence", "Payable par"):
        assert heading in text
    assert "Informations supplémentaires" in text and "Point de dépôt" in text


def test_a_forty_line_invoice_ends_with_the_qr_bill_on_its_last_page() -> None:
    doc = pdf_samples.invoice(qr_iban=True, lines=40, partner_paid=True)
    pdf = render_pdf(doc, pdf_samples.XML)
    codes = reading.qr_codes_per_page(pdf)
    assert len(codes) >= 2
    assert all(page == [] for page in codes[:-1])
    assert codes[-1][0].startswith("SPC\r\n0200")
    total = sum((line.net_amount for line in doc.lines), Decimal("0")) * Decimal("1.081")
    assert _payload(pdf)[18] == str(total.quantize(Decimal("0.01")))


def test_no_qr_bill_on_a_credit_note_nor_when_nothing_is_due() -> None:
    credit = pdf_samples.credit_note()
    paid = replace(pdf_samples.invoice(), amount_due=Decimal("0.00"))
    no_account = replace(pdf_samples.invoice(), seller=replace(pdf_samples.seller(), bank_account=None))
    for doc in (credit, paid, no_account):
        assert not has_qr_bill(doc)
        pdf = render_pdf(doc, pdf_samples.XML)
        assert reading.qr_codes_per_page(pdf) == [[]]
        assert "Empfangsschein" not in reading.text(pdf) and "Récépissé" not in reading.text(pdf)
