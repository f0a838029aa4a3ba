"""The invoice PDF read back: what it says (SPEC §8), in the buyer's language, the EPC QR code of
a EUR invoice, the PDF/A-3 structure with the Factur-X XML attached, and the same bytes every
time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from facturx import get_xml_from_pdf
from pypdf.generic import StreamObject
from stdnum import iso11649

from partnerbilling.documents.pdf import render_pdf
from tests.documents import pdf_samples, reading

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
FX = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"


def test_an_invoice_says_who_sells_to_whom_what_when_and_for_how_much() -> None:
    text = reading.text(render_pdf(pdf_samples.invoice(), pdf_samples.XML))
    for expected in (
        "Rechnung 2026-000042",
        "02.03.2026",  # issued
        "01.04.2026",  # due
        pdf_samples.SELLER_VAT,
        "DE136695976",
        "Alpenhost AG",
        "Bahnhofstrasse 12",
        "8001 Zürich",
        "Nordlicht Webdesign GmbH",
        "Friedrichstraße 123",
        "10117 Berlin",
        "Webhosting Business, 12 months",
        "Leistungszeitraum: 01.03.2026 – 28.02.2027",  # the last day of the period, not the end
        "MWST 8,1 % auf 120,00",  # numbers as the buyer's country (Germany) writes them
        "Total CHF",
        "129,72",
        "Seite 1 / 1",
    ):
        assert expected in text, expected
    assert "Kunde:" not in text  # the payer is the customer


def test_a_partner_paid_invoice_names_each_lines_customer_and_period() -> None:
    doc = pdf_samples.invoice(lines=3, partner_paid=True, buyer=pdf_samples.FRENCH)
    text = reading.text(render_pdf(doc, pdf_samples.XML))
    for line in doc.lines:
        assert f"Client : {line.customer_name}" in text
    for period in ("01.03.2026 – 28.02.2027", "01.04.2026 – 31.03.2027", "02.05.2026 – 01.05.2027"):
        assert f"Période : {period}" in text
    assert "Facture 2026-000042" in text and "Échéance" in text


def test_a_reverse_charge_invoice_says_so_with_both_vat_numbers() -> None:
    doc = pdf_samples.invoice(currency="EUR", reverse_charge=True)
    text = reading.text(render_pdf(doc, pdf_samples.XML))
    assert "Reverse charge – Steuerschuldnerschaft des Leistungsempfängers" in text
    assert "Leistender: CHE-116.281.710 MWST, Empfänger: DE136695976" in text
    assert "MWST 0 % auf 120,00" in text
    assert "Reverse charge" not in reading.text(render_pdf(pdf_samples.invoice(), pdf_samples.XML))


def test_a_credit_note_names_the_invoice_it_credits_and_why_and_asks_for_nothing() -> None:
    pdf = render_pdf(pdf_samples.credit_note(), pdf_samples.XML)
    text = reading.text(pdf)
    assert "Note de crédit 2026-000043" in text
    assert "Note de crédit relative à la facture 2026-000042 du 02.03.2026" in text
    assert "Motif : Commande annulée dans le délai de rétractation" in text
    assert "-129,72" in text
    assert reading.qr_codes_per_page(pdf) == [[]]


def test_a_eur_invoice_shows_the_transfer_details_and_an_epc_qr_code() -> None:
    doc = pdf_samples.invoice(currency="EUR", buyer=pdf_samples.FRENCH, lines=2)
    pdf = render_pdf(doc, pdf_samples.XML)
    [[code]] = reading.qr_codes_per_page(pdf)
    lines = code.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]  # version 002, UTF-8, SEPA credit transfer
    assert lines[4:7] == [pdf_samples.EUR_BIC, "Alpenhost AG", pdf_samples.EUR_IBAN]
    assert lines[7] == f"EUR{doc.amount_due}"
    assert lines[8] == ""  # no purpose
    assert lines[9] == doc.payment_reference and iso11649.is_valid(lines[9])
    text = reading.text(pdf)
    assert "Coordonnées de paiement" in text and "DE89 3704 0044 0532 0130 00" in text
    assert "COBADEFFXXX" in text and "RF02 2026 0000 42" in text


def test_no_transfer_details_on_a_eur_invoice_with_nothing_due() -> None:
    doc = replace(pdf_samples.invoice(currency="EUR"), amount_due=Decimal("0.00"))
    pdf = render_pdf(doc, pdf_samples.XML)
    assert reading.qr_codes_per_page(pdf) == [[]]
    assert "Zahlungsangaben" not in reading.text(pdf)


def test_the_xml_comes_back_exactly_as_factur_x_xml() -> None:
    pdf = render_pdf(pdf_samples.invoice(), pdf_samples.XML)
    assert get_xml_from_pdf(pdf, check_xsd=False) == ("factur-x.xml", pdf_samples.XML)
    [reference] = reading.catalog(pdf)["/AF"]
    filespec = reading.dictionary(reference)
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/F"] == filespec["/UF"] == "factur-x.xml"
    embedded = reading.dictionary(reading.dictionary(filespec["/EF"])["/F"])
    assert embedded["/Subtype"] == "/text/xml"


def test_the_file_declares_itself_pdf_a_3b_and_factur_x_en_16931() -> None:
    pdf = render_pdf(pdf_samples.invoice(), pdf_samples.XML)
    catalog = reading.catalog(pdf)
    metadata = catalog["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    assert "/Filter" not in metadata  # PDF/A: the XMP stays readable without decoding
    root = ET.fromstring(metadata.get_data())
    assert root.findtext(f".//{PDFAID}part") == "3"
    assert root.findtext(f".//{PDFAID}conformance") == "B"
    assert root.findtext(f".//{FX}DocumentType") == "INVOICE"
    assert root.findtext(f".//{FX}DocumentFileName") == "factur-x.xml"
    assert root.findtext(f".//{FX}Version") == "1.0"
    assert root.findtext(f".//{FX}ConformanceLevel") == "EN 16931"
    [reference] = catalog["/OutputIntents"]
    intent = reading.dictionary(reference)
    assert intent["/S"] == "/GTS_PDFA1"
    assert reading.dictionary(intent["/DestOutputProfile"])["/N"] == 3


def test_every_font_is_embedded() -> None:
    pdf = render_pdf(pdf_samples.invoice(qr_iban=True), pdf_samples.XML)
    fonts = {}
    for page in reading.reader(pdf).pages:
        for name, font in reading.dictionary(reading.dictionary(page["/Resources"])["/Font"]).items():
            fonts[name] = reading.dictionary(font)
    assert len(fonts) == 2  # regular and bold, nothing else
    for font in fonts.values():
        assert "/FontFile2" in reading.dictionary(font["/FontDescriptor"]), font["/BaseFont"]


def test_the_same_document_gives_the_same_bytes_dated_at_its_issue() -> None:
    doc = pdf_samples.invoice(qr_iban=True, lines=3, partner_paid=True)
    first = render_pdf(doc, pdf_samples.XML)
    assert render_pdf(doc, pdf_samples.XML) == first
    metadata = reading.reader(first).metadata
    assert metadata is not None
    assert metadata.creation_date == metadata.modification_date == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    other = render_pdf(replace(doc, number="2026-000099"), pdf_samples.XML)
    assert reading.reader(other).trailer["/ID"] != reading.reader(first).trailer["/ID"]


def test_forty_lines_flow_onto_further_pages_with_the_table_header_repeated() -> None:
    doc = pdf_samples.invoice(qr_iban=True, lines=40, partner_paid=True)
    pages = reading.reader(render_pdf(doc, pdf_samples.XML)).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Seite {number} / {len(pages)}" in text
        if any(line.description in text for line in doc.lines):
            assert "Beschreibung" in text and "Einzelpreis" in text
    everything = "\n".join(page.extract_text() for page in pages)
    assert all(f"{line.description}\n" in everything for line in doc.lines)
    assert "Total CHF" in pages[-1].extract_text()
