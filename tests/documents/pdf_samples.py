"""Sample documents for the renderer's tests, the samples script and the benchmark: a Zürich
seller (``CHE-116.281.710 MWST``) billing German and French buyers in CHF (an IBAN or a QR-IBAN)
and EUR, a credit note, a reverse-charge invoice and a long partner-paid invoice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from partnerbilling.billing.money import round_money
from partnerbilling.billing.references import payment_reference
from partnerbilling.documents.domain import (
    Address,
    BankAccount,
    Buyer,
    CreditedInvoice,
    Document,
    Language,
    Line,
    Seller,
)

IBAN = "CH5604835012345678009"
QR_IBAN = "CH4431999123000889012"
EUR_IBAN = "DE89370400440532013000"
EUR_BIC = "COBADEFFXXX"
SELLER_VAT = "CHE-116.281.710 MWST"
NUMBER = "2026-000042"
ISSUED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# A Factur-X XML stand-in: the root element is what readers look at to know the flavour.
XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"'
    b' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">'
    b"<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>"
    b"<ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>"
    b"</rsm:ExchangedDocumentContext><rsm:ExchangedDocument><ram:ID>2026-000042</ram:ID>"
    b"</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>\n"
)

ZURICH = Address(
    street="Bahnhofstrasse", building_number="12", postal_code="8001", city="Zürich", country="CH"
)
BERLIN = Address(
    street="Friedrichstraße", building_number="123", postal_code="10117", city="Berlin", country="DE"
)
PARIS = Address(street="Rue de Rivoli", building_number="25", postal_code="75004", city="Paris", country="FR")

GERMAN = Buyer("Nordlicht Webdesign GmbH", BERLIN, "DE136695976", Language.DE, reverse_charge=False)
FRENCH = Buyer("Atelier Lumière SARL", PARIS, "FR40303265045", Language.FR, reverse_charge=False)


def seller(currency: str = "CHF", *, qr_iban: bool = False) -> Seller:
    if currency == "EUR":
        account = BankAccount(iban=EUR_IBAN, bic=EUR_BIC, qr_iban=False)
    else:
        account = BankAccount(iban=QR_IBAN if qr_iban else IBAN, bic=None, qr_iban=qr_iban)
    return Seller("Alpenhost AG", ZURICH, SELLER_VAT, "billing@alpenhost.ch", account)


def line(
    index: int = 0, *, customer: str = "org_customer", customer_name: str = "Nordlicht Webdesign GmbH"
) -> Line:
    start = date(2026, 3, 1) + timedelta(days=31 * (index % 12))
    unit = Decimal("120.00") + index
    return Line(
        description=f"Webhosting Business {index + 1}" if index else "Webhosting Business, 12 months",
        sku=f"hosting-business-{index}",
        quantity=1 + index % 3,
        unit_price=unit,
        amount=unit * (1 + index % 3),
        discount=Decimal("10.00") if index % 4 == 1 else Decimal("0.00"),
        net_amount=unit * (1 + index % 3) - (Decimal("10.00") if index % 4 == 1 else Decimal("0.00")),
        customer_id=customer,
        customer_name=customer_name,
        period_start=start,
        period_end=start.replace(year=start.year + 1),
    )


def invoice(
    *,
    currency: str = "CHF",
    qr_iban: bool = False,
    buyer: Buyer = GERMAN,
    lines: int = 1,
    partner_paid: bool = False,
    reverse_charge: bool = False,
) -> Document:
    """An invoice of ``lines`` lines; ``partner_paid``: the payer is a partner and each line names
    its customer."""
    customer = "org_customer"
    payer = "org_partner" if partner_paid else customer
    names = ("Müller Bäckerei AG", "Café Zentral GmbH", "Studio Blau")
    made = tuple(line(i, customer=customer, customer_name=names[i % 3]) for i in range(lines))
    if reverse_charge:
        buyer = replace(buyer, reverse_charge=True)
    rate = Decimal("0") if reverse_charge else Decimal("0.081")
    subtotal = sum((made_line.net_amount for made_line in made), Decimal("0.00"))
    tax = round_money(subtotal * rate)
    return Document(
        id="inv_1",
        number=NUMBER,
        is_credit_note=False,
        currency=currency,
        issued_at=ISSUED,
        due_at=ISSUED + timedelta(days=30),
        issue_date=ISSUED.date(),
        due_date=(ISSUED + timedelta(days=30)).date(),
        seller=seller(currency, qr_iban=qr_iban),
        buyer=buyer,
        payer_id=payer,
        customer_id=customer,
        lines=made,
        subtotal=subtotal,
        tax_rate=rate,
        tax=tax,
        total=subtotal + tax,
        amount_due=subtotal + tax,
        payment_reference=payment_reference(NUMBER, qr_iban=qr_iban),
        credited=None,
        reason=None,
    )


def credit_note() -> Document:
    """The credit note of the one-line CHF invoice, issued a week later."""
    original = invoice(buyer=FRENCH)
    lines = tuple(
        replace(item, unit_price=-item.unit_price, amount=-item.amount, net_amount=-item.net_amount)
        for item in original.lines
    )
    return replace(
        original,
        id="inv_2",
        number="2026-000043",
        is_credit_note=True,
        issued_at=ISSUED + timedelta(days=7),
        due_at=ISSUED + timedelta(days=7),
        issue_date=(ISSUED + timedelta(days=7)).date(),
        due_date=(ISSUED + timedelta(days=7)).date(),
        lines=lines,
        subtotal=-original.subtotal,
        tax=-original.tax,
        total=-original.total,
        amount_due=Decimal("0.00"),
        payment_reference=None,
        credited=CreditedInvoice(number=original.number, issue_date=original.issue_date),
        reason="Commande annulée dans le délai de rétractation",
    )
