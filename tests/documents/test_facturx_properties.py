"""Any document the service can issue gives a valid Factur-X XML: whatever its lines (quantities,
prices, discounts, periods, names with any characters), rate, currency, reverse charge, credit
note or payment state, the XSD, the official schematron and our business rules all pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import facturx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerbilling.documents.domain import BankAccount, CreditedInvoice, Document, Line
from partnerbilling.documents.facturx import facturx_xml
from tests.documents import samples
from tests.documents.business_rules import Cii, violations
from tests.documents.schematron import schematron

RATES = [Decimal("0.081"), Decimal("0.026"), Decimal("0.038"), Decimal("0.19"), Decimal(0)]
PARTNER_RATES = [Decimal(0), Decimal("0.05"), Decimal("0.125"), Decimal("0.20"), Decimal("0.333")]
# Any characters, control characters included, around at least one letter or digit.
names = st.text(min_size=1, max_size=40).filter(lambda name: any(char.isalnum() for char in name))


@st.composite
def lines(draw: st.DrawFn) -> Line:
    start = samples.PERIOD_START + timedelta(days=draw(st.integers(0, 400)))
    line = samples.line(
        draw(st.sampled_from(["web-hosting-pro", "domain-ch", "mail-basic"])),
        draw(names),
        draw(st.integers(1, 1000)),
        str(Decimal(draw(st.integers(1, 100_000_00))).scaleb(-2)),
        rate=draw(st.sampled_from(PARTNER_RATES)),
        customer=(draw(st.sampled_from(["org_a", "org_b", "org_c"])), draw(names)),
    )
    return replace(line, period_start=start, period_end=start + timedelta(days=draw(st.integers(0, 731))))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    buyer = draw(st.sampled_from([samples.ACME, samples.ATELIER, samples.MUENCHEN, samples.LYON]))
    buyer = replace(buyer, legal_name=draw(names))
    doc = samples.invoice(
        "2025-" + str(draw(st.integers(1, 999_999))).zfill(6),
        buyer,
        tuple(draw(st.lists(lines(), min_size=1, max_size=6))),
        currency=draw(st.sampled_from(["CHF", "EUR"])),
        account=draw(st.sampled_from([None, _chf_account(), _qr_account(), _eur_account()])),
        payer_id=draw(st.sampled_from(["org_a", "org_payer"])),
        customer_id="org_a",
    )
    rate = Decimal(0) if buyer.reverse_charge else draw(st.sampled_from(RATES))
    tax = samples.cents(doc.subtotal * rate)
    doc = replace(doc, tax_rate=rate, tax=tax, total=doc.subtotal + tax, amount_due=doc.subtotal + tax)
    if draw(st.booleans()):
        doc = replace(
            doc, amount_due=samples.cents(doc.total * draw(st.sampled_from([Decimal(0), Decimal("0.5")])))
        )
    if draw(st.booleans()):
        doc = _credit_note_of(doc)
    return doc


def _chf_account() -> BankAccount:
    return BankAccount(iban=samples.CHF_IBAN, bic=None, qr_iban=False)


def _qr_account() -> BankAccount:
    return BankAccount(iban=samples.QR_IBAN, bic=None, qr_iban=True)


def _eur_account() -> BankAccount:
    return BankAccount(iban=samples.EUR_IBAN, bic=samples.EUR_BIC, qr_iban=False)


def _credit_note_of(doc: Document) -> Document:
    negated = tuple(
        replace(line, amount=-line.amount, discount=-line.discount, net_amount=-line.net_amount)
        for line in doc.lines
    )
    return replace(
        doc,
        is_credit_note=True,
        lines=negated,
        subtotal=-doc.subtotal,
        tax=-doc.tax,
        total=-doc.total,
        amount_due=Decimal("0.00"),
        payment_reference=None,
        credited=CreditedInvoice(number="2025-000001", issue_date=samples.ISSUED.date()),
        reason="Cancelled",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_document_gives_a_valid_en16931_xml(doc: Document) -> None:
    xml = facturx_xml(doc)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert violations(xml) == []
    assert schematron().failures(xml) == []
    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert Cii(xml).text(f"{totals}/ram:GrandTotalAmount") == str(abs(doc.total))
    assert Cii(xml).text(f"{totals}/ram:TaxTotalAmount") == str(abs(doc.tax))
