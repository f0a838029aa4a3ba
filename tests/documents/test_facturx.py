"""The Factur-X EN 16931 XML of every kind of document: valid against the Factur-X XSD, level
en16931, free of every failed assertion of the official EN 16931 schematron and of our own reading
of the business rules, and saying what the document says (number, totals, type, VAT category,
credited invoice, customers). Pure: no database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import facturx
import pytest
from lxml import etree

from partnerbilling.documents.domain import Document
from partnerbilling.documents.facturx import facturx_xml
from tests.documents import samples
from tests.documents.business_rules import Cii, violations
from tests.documents.schematron import schematron

SAMPLES = list(samples.ALL.items())
MORE: list[tuple[str, Callable[[], Document]]] = [
    ("paid_eur", lambda: samples.paid(samples.eur())),
    ("reverse_charge_without_address", lambda: samples.without_address(samples.reverse_charge())),
]
TOTALS = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def _text(xml: bytes, path: str) -> list[str]:
    return [(element.text or "") for element in Cii(xml).all(path)]


@pytest.mark.parametrize(("name", "build"), SAMPLES + MORE, ids=[name for name, _ in SAMPLES + MORE])
def test_the_xml_is_valid_factur_x_en16931_and_keeps_every_rule(
    name: str, build: Callable[[], Document]
) -> None:
    xml = facturx_xml(build())
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert facturx.get_level(etree.fromstring(xml), "factur-x") == "en16931"
    assert schematron().failures(xml) == []
    assert violations(xml) == []


@pytest.mark.parametrize(("name", "build"), SAMPLES, ids=[name for name, _ in SAMPLES])
def test_number_tax_and_total_are_the_documents(name: str, build: Callable[[], Document]) -> None:
    doc = build()
    xml = facturx_xml(doc)
    assert _text(xml, "//rsm:ExchangedDocument/ram:ID") == [doc.number]
    assert _text(xml, f"{TOTALS}/ram:TaxTotalAmount") == [str(abs(doc.tax))]
    assert _text(xml, f"{TOTALS}/ram:GrandTotalAmount") == [str(abs(doc.total))]
    assert Cii(xml).all(f"{TOTALS}/ram:TaxTotalAmount")[0].get("currencyID") == doc.currency
    assert _text(xml, "//ram:InvoiceCurrencyCode") == [doc.currency]


def test_an_invoice_is_380_with_its_due_date_and_payment_details() -> None:
    xml = facturx_xml(samples.chf_qr_iban())
    assert _text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert _text(xml, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*") == ["20250402"]
    assert _text(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["30"]
    assert _text(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [samples.QR_IBAN]
    assert _text(xml, "//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference") == [samples.QR_REFERENCE]
    assert _text(xml, f"{TOTALS}/ram:DuePayableAmount") == ["129.72"]


def test_a_eur_invoice_is_paid_by_sepa_transfer_with_iban_bic_and_rf_reference() -> None:
    xml = facturx_xml(samples.eur())
    assert _text(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["58"]
    assert _text(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [samples.EUR_IBAN]
    assert _text(xml, "//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == [samples.EUR_BIC]
    assert _text(xml, "//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference") == [
        samples.CREDITOR_REFERENCE
    ]


def test_the_seller_is_the_zurich_issuer_with_its_uid_as_vat_identifier() -> None:
    xml = facturx_xml(samples.chf_plain_iban())
    seller = "//ram:SellerTradeParty"
    assert _text(xml, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "CHE-116.281.710 MWST"
    ]
    assert _text(xml, f"{seller}/ram:PostalTradeAddress/ram:LineOne") == ["Hardturmstrasse 161"]
    assert _text(xml, f"{seller}/ram:PostalTradeAddress/ram:CountryID") == ["CH"]
    assert _text(xml, f"{seller}//ram:EmailURIUniversalCommunication/ram:URIID") == ["billing@alpenhost.ch"]
    # A buyer without a VAT number has no tax registration, and its extra line is line 2.
    assert _text(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == []
    assert _text(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineTwo") == ["Case postale 58"]


def test_a_credit_note_is_381_with_positive_amounts_and_names_the_credited_invoice() -> None:
    note = samples.credit_note()
    xml = facturx_xml(note)
    assert _text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert _text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["2025-000101"]
    assert _text(xml, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/*") == ["20250303"]
    assert _text(xml, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content") == [note.reason]
    assert _text(xml, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount") == ["120.00"]
    assert _text(xml, f"{TOTALS}/ram:GrandTotalAmount") == ["129.72"]
    # Nothing is paid out: the credit is set off, so what is not due is the paid amount (BR-CO-16).
    assert _text(xml, f"{TOTALS}/ram:TotalPrepaidAmount") == ["129.72"]
    assert _text(xml, f"{TOTALS}/ram:DuePayableAmount") == ["0.00"]
    assert Cii(xml).all("//ram:SpecifiedTradeSettlementPaymentMeans") == []
    assert not any(value.startswith("-") for value in _text(xml, "//*[contains(local-name(), 'Amount')]"))


def test_reverse_charge_is_category_ae_at_zero_with_both_vat_numbers() -> None:
    xml = facturx_xml(samples.reverse_charge())
    breakdown = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert _text(xml, f"{breakdown}/ram:CategoryCode") == ["AE"]
    assert _text(xml, f"{breakdown}/ram:RateApplicablePercent") == ["0.00"]
    assert _text(xml, f"{breakdown}/ram:CalculatedAmount") == ["0.00"]
    assert _text(xml, f"{breakdown}/ram:ExemptionReason") == ["Reverse charge"]
    assert _text(xml, f"{breakdown}/ram:ExemptionReasonCode") == ["VATEX-EU-AE"]
    assert _text(xml, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["AE"]
    assert _text(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["DE136695976"]
    assert _text(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID") == ["DE"]


def test_a_zero_rate_without_reverse_charge_is_zero_rated() -> None:
    xml = facturx_xml(samples.zero_rated())
    assert _text(xml, "//ram:ApplicableTradeTax/ram:CategoryCode") == ["Z", "Z"]
    assert _text(xml, "//ram:ApplicableTradeTax/ram:ExemptionReason") == []


def test_partner_paid_lines_name_their_customer_period_and_discount() -> None:
    doc = samples.partner_paid()
    xml = facturx_xml(doc)
    notes = _text(xml, "//ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content")
    assert notes == [f"Kunde: {line.customer_name} ({line.customer_id})" for line in doc.lines]
    assert {name for _, name in samples.CUSTOMERS} <= {line.customer_name for line in doc.lines}
    assert _text(xml, "//ram:AssociatedDocumentLineDocument/ram:LineID") == [str(n) for n in range(1, 41)]
    # period_end is exclusive: the last day billed is the day before.
    assert set(_text(xml, "//ram:BillingSpecifiedPeriod/ram:EndDateTime/*")) == {"20260302"}
    allowances = _text(xml, "//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount")
    assert allowances == ["24.00"] * 20  # the hosting lines, at the partner's rate 0.20
    assert _text(xml, f"{TOTALS}/ram:LineTotalAmount") == [str(doc.subtotal)]


def test_a_customer_paying_for_itself_gets_no_customer_notes() -> None:
    xml = facturx_xml(samples.chf_qr_iban())
    assert _text(xml, "//ram:AssociatedDocumentLineDocument/ram:IncludedNote") == []


def test_a_paid_invoice_declares_the_paid_amount() -> None:
    xml = facturx_xml(samples.paid(samples.eur()))
    assert _text(xml, f"{TOTALS}/ram:TotalPrepaidAmount") == ["135.13"]
    assert _text(xml, f"{TOTALS}/ram:DuePayableAmount") == ["0.00"]


def test_the_same_document_gives_the_same_bytes_in_utf8() -> None:
    first = facturx_xml(samples.chf_plain_iban())
    assert first == facturx_xml(samples.chf_plain_iban())
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Atelier Léman Sàrl".encode() in first


def test_a_buyer_without_address_nor_vat_number_breaks_br_10_and_nothing_is_invented() -> None:
    xml = facturx_xml(samples.without_address(samples.chf_plain_iban()))
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert Cii(xml).all("//ram:BuyerTradeParty/ram:PostalTradeAddress") == []
    assert {"BR-10", "BR-11"} <= {failure.rule for failure in schematron().failures(xml)}
    assert violations(xml) == ["BR-10", "BR-11"]


def test_a_seller_without_vat_number_breaks_br_s_02() -> None:
    doc = samples.chf_qr_iban()
    xml = facturx_xml(replace(doc, seller=replace(doc.seller, vat_id=None)))
    assert "BR-S-02" in {failure.rule for failure in schematron().failures(xml)}
    assert violations(xml) == ["BR-S-02"]


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (f"{TOTALS}/ram:LineTotalAmount", "120.01", "BR-CO-10"),
        (f"{TOTALS}/ram:TaxBasisTotalAmount", "119.00", "BR-CO-13"),
        (f"{TOTALS}/ram:TaxTotalAmount", "9.73", "BR-CO-14"),
        (f"{TOTALS}/ram:GrandTotalAmount", "129.73", "BR-CO-15"),
        (f"{TOTALS}/ram:DuePayableAmount", "100.00", "BR-CO-16"),
        (
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount",
            "5.00",
            "BR-CO-17",
        ),
        ("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:BasisAmount", "100.00", "BR-S-08"),
        (
            "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
            "0",
            "BR-S-05",
        ),
    ],
)
def test_each_calculation_rule_catches_a_broken_amount(path: str, value: str, rule: str) -> None:
    """Both readings of the rules fail when one amount of a valid XML is changed."""
    cii = Cii(facturx_xml(samples.chf_qr_iban()))
    cii.all(path)[0].text = value
    broken = etree.tostring(cii.root)
    assert rule in violations(broken)
    assert rule in {failure.rule for failure in schematron().failures(broken)}


def test_reverse_charge_without_the_buyers_vat_number_breaks_br_ae_02() -> None:
    cii = Cii(facturx_xml(samples.reverse_charge()))
    buyer = cii.all("//ram:BuyerTradeParty")[0]
    buyer.remove(cii.all("ram:SpecifiedTaxRegistration", buyer)[0])
    broken = etree.tostring(cii.root)
    assert "BR-AE-02" in violations(broken)
    assert "BR-AE-02" in {failure.rule for failure in schematron().failures(broken)}


def test_a_buyer_without_address_gets_the_country_of_its_vat_number() -> None:
    xml = facturx_xml(samples.without_address(samples.reverse_charge()))
    address = Cii(xml).all("//ram:BuyerTradeParty/ram:PostalTradeAddress")
    assert [(etree.QName(child).localname, child.text) for child in address[0]] == [("CountryID", "DE")]


def test_a_credit_note_without_its_invoice_has_no_payment_terms() -> None:
    xml = facturx_xml(replace(samples.credit_note(), credited=None))
    assert Cii(xml).all("//ram:SpecifiedTradePaymentTerms") == []
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_amounts_keep_two_decimals_and_rates_are_percent() -> None:
    doc = samples.chf_qr_iban()
    xml = facturx_xml(replace(doc, lines=(replace(doc.lines[0], unit_price=Decimal("120")),)))
    assert _text(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["120.00"]
    assert set(_text(xml, "//ram:RateApplicablePercent")) == {"8.10"}


def test_control_characters_in_a_name_are_left_out_rather_than_failing() -> None:
    doc = samples.chf_qr_iban()
    xml = facturx_xml(replace(doc, buyer=replace(doc.buyer, legal_name="Acme\x00 Treuhand\x0b AG\x1f")))
    assert _text(xml, "//ram:BuyerTradeParty/ram:Name") == ["Acme Treuhand AG"]
    assert schematron().failures(xml) == []
