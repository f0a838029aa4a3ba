"""Realistic issued documents, one per kind, for every renderer's tests (XML, PDF, QR-bill).

The seller is a Zürich hosting provider with the UID CHE-116.281.710 MWST; the products and the
amounts are SPEC §2's (web-hosting-pro CHF 120.00, domain-ch CHF 13.45, the gold tier's rates
0.20 and 0.05, Swiss VAT 8.1 %). Every amount is computed here as the service computes it (rounded
half up once), so the samples are consistent by construction and a renderer cannot lean on a
hand-typed total.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

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

CENTS = Decimal("0.01")
SWISS_VAT = Decimal("0.081")
HOSTING_RATE = Decimal("0.20")
DOMAIN_RATE = Decimal("0.05")

QR_IBAN = "CH4431999123000889012"  # institution id 31999: a QR-IBAN
CHF_IBAN = "CH9300762011623852957"
EUR_IBAN = "CH5604835012345678009"
EUR_BIC = "CRESCHZZ80A"
QR_REFERENCE = "210000000003139471430009017"
CREDITOR_REFERENCE = "RF18539007547034"

ISSUED = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
DUE = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)
PERIOD_START = date(2025, 3, 3)
PERIOD_END = date(2026, 3, 3)  # exclusive: the last day billed is 2026-03-02

ZURICH = Address(
    street="Hardturmstrasse", building_number="161", postal_code="8005", city="Zürich", country="CH"
)


def seller(account: BankAccount | None) -> Seller:
    return Seller(
        legal_name="Alpenhost AG",
        address=ZURICH,
        vat_id="CHE-116.281.710 MWST",
        email="billing@alpenhost.ch",
        bank_account=account,
    )


ACME = Buyer(
    legal_name="Acme Treuhand AG",
    address=Address(
        street="Bahnhofstrasse", building_number="42", postal_code="8001", city="Zürich", country="CH"
    ),
    vat_id="CHE-109.322.551 MWST",
    language=Language.DE,
    reverse_charge=False,
)
ATELIER = Buyer(
    legal_name="Atelier Léman Sàrl",
    address=Address(
        street="Rue du Lac",
        building_number="12",
        postal_code="1003",
        city="Lausanne",
        country="CH",
        extra_line="Case postale 58",
    ),
    vat_id=None,
    language=Language.FR,
    reverse_charge=False,
)
WEBAGENCY = Buyer(
    legal_name="WebAgency GmbH",
    address=Address(
        street="Limmatquai", building_number="3", postal_code="8001", city="Zürich", country="CH"
    ),
    vat_id="CHE-105.805.080 MWST",
    language=Language.DE,
    reverse_charge=False,
)
MUENCHEN = Buyer(
    legal_name="Bergmann Digital GmbH",
    address=Address(
        street="Leopoldstraße", building_number="87", postal_code="80802", city="München", country="DE"
    ),
    vat_id="DE136695976",
    language=Language.DE,
    reverse_charge=True,
)
LYON = Buyer(
    legal_name="Claire Dubois",
    address=Address(
        street="Rue de la République", building_number="5", postal_code="69002", city="Lyon", country="FR"
    ),
    vat_id=None,
    language=Language.FR,
    reverse_charge=False,
)
CUSTOMERS = (
    ("org_acme", "Acme Treuhand AG"),
    ("org_baeckerei", "Bäckerei Frei AG"),
    ("org_cafe", "Café Olten GmbH"),
    ("org_dental", "Dentalpraxis Huber"),
    ("org_elektro", "Elektro Weber & Co."),
)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def line(
    sku: str,
    description: str,
    quantity: int,
    unit_price: str,
    *,
    rate: Decimal = Decimal(0),
    customer: tuple[str, str] = CUSTOMERS[0],
) -> Line:
    """A line as the service prices it: P = quantity × unit price, discount = round(P·rate)."""
    price = Decimal(unit_price)
    public = price * quantity
    discount = cents(public * rate)
    return Line(
        description=description,
        sku=sku,
        quantity=quantity,
        unit_price=price,
        amount=public,
        discount=discount,
        net_amount=public - discount,
        customer_id=customer[0],
        customer_name=customer[1],
        period_start=PERIOD_START,
        period_end=PERIOD_END,
    )


def hosting(
    customer: tuple[str, str] = CUSTOMERS[0], *, rate: Decimal = Decimal(0), price: str = "120.00"
) -> Line:
    return line("web-hosting-pro", "Web Hosting Pro, 12 months", 1, price, rate=rate, customer=customer)


def domains(quantity: int, customer: tuple[str, str] = CUSTOMERS[0], *, rate: Decimal = Decimal(0)) -> Line:
    return line("domain-ch", "Domain .ch, 12 months", quantity, "13.45", rate=rate, customer=customer)


def invoice(
    number: str,
    buyer: Buyer,
    lines: tuple[Line, ...],
    *,
    currency: str = "CHF",
    account: BankAccount | None = None,
    reference: str | None = CREDITOR_REFERENCE,
    payer_id: str = "org_acme",
    customer_id: str = "org_acme",
) -> Document:
    """An unpaid invoice of ``lines`` at the buyer's rate (0 under reverse charge)."""
    rate = Decimal(0) if buyer.reverse_charge else SWISS_VAT
    subtotal = sum((item.net_amount for item in lines), Decimal(0))
    tax = cents(subtotal * rate)
    return Document(
        id=f"inv_{number}",
        number=number,
        is_credit_note=False,
        currency=currency,
        issued_at=ISSUED,
        due_at=DUE,
        issue_date=ISSUED.date(),
        due_date=DUE.date(),
        seller=seller(account),
        buyer=buyer,
        payer_id=payer_id,
        customer_id=customer_id,
        lines=lines,
        subtotal=subtotal,
        tax_rate=rate,
        tax=tax,
        total=subtotal + tax,
        amount_due=subtotal + tax,
        payment_reference=reference,
        credited=None,
        reason=None,
    )


def chf_qr_iban() -> Document:
    """SPEC worked example A: Acme pays 1 × web-hosting-pro, QR-IBAN and QR reference."""
    account = BankAccount(iban=QR_IBAN, bic=None, qr_iban=True)
    return invoice("2025-000101", ACME, (hosting(),), account=account, reference=QR_REFERENCE)


def chf_plain_iban() -> Document:
    """SPEC worked example C (3 × domain-ch) to a buyer in Lausanne without a VAT number."""
    account = BankAccount(iban=CHF_IBAN, bic=None, qr_iban=False)
    return invoice(
        "2025-000102", ATELIER, (domains(3, ("org_atelier", "Atelier Léman Sàrl")),), account=account,
        payer_id="org_atelier", customer_id="org_atelier",
    )  # fmt: skip


def eur() -> Document:
    """A EUR invoice with Swiss VAT, paid by SEPA transfer to the issuer's EUR account."""
    account = BankAccount(iban=EUR_IBAN, bic=EUR_BIC, qr_iban=False)
    return invoice("2025-000103", ACME, (hosting(price="125.00"),), currency="EUR", account=account)


def zero_rated() -> Document:
    """A private buyer in Lyon billed in EUR at a VAT rate of 0 without reverse charge."""
    account = BankAccount(iban=EUR_IBAN, bic=EUR_BIC, qr_iban=False)
    document = invoice(
        "2025-000104", LYON, (domains(2, ("org_dubois", "Claire Dubois")),), currency="EUR", account=account,
        payer_id="org_dubois", customer_id="org_dubois",
    )  # fmt: skip
    return replace(
        document,
        tax_rate=Decimal(0),
        tax=Decimal("0.00"),
        total=document.subtotal,
        amount_due=document.subtotal,
    )


def reverse_charge() -> Document:
    """A business in München (DE VAT number) billed in EUR by the Zürich seller: VAT 0, AE."""
    account = BankAccount(iban=EUR_IBAN, bic=EUR_BIC, qr_iban=False)
    return invoice(
        "2025-000105", MUENCHEN, (hosting(("org_bergmann", "Bergmann Digital GmbH"), price="125.00"),),
        currency="EUR", account=account, payer_id="org_bergmann", customer_id="org_bergmann",
    )  # fmt: skip


def credit_note() -> Document:
    """The credit note of :func:`chf_qr_iban`: every amount negated, nothing due."""
    credited = chf_qr_iban()
    negated = tuple(
        replace(item, amount=-item.amount, discount=-item.discount, net_amount=-item.net_amount)
        for item in credited.lines
    )
    return replace(
        credited,
        id="inv_2025-000110",
        number="2025-000110",
        is_credit_note=True,
        issued_at=datetime(2025, 3, 20, 14, 0, tzinfo=UTC),
        issue_date=date(2025, 3, 20),
        lines=negated,
        subtotal=-credited.subtotal,
        tax=-credited.tax,
        total=-credited.total,
        amount_due=Decimal("0.00"),
        payment_reference=None,
        credited=CreditedInvoice(number=credited.number, issue_date=credited.issue_date),
        reason="Order cancelled within the 30-day trial",
    )


def partner_paid(count: int = 40) -> Document:
    """WebAgency pays for its clients' orders (billing mode partner): ``count`` lines, hosting at
    the partner's rebate (it ordered them) and domains ordered by the clients (no rebate)."""
    lines = tuple(
        hosting(CUSTOMERS[index % len(CUSTOMERS)], rate=HOSTING_RATE)
        if index % 2 == 0
        else domains(1 + index % 4, CUSTOMERS[index % len(CUSTOMERS)])
        for index in range(count)
    )
    account = BankAccount(iban=QR_IBAN, bic=None, qr_iban=True)
    return invoice(
        "2025-000120", WEBAGENCY, lines, account=account, reference=QR_REFERENCE,
        payer_id="org_webagency", customer_id="org_acme",
    )  # fmt: skip


def one_line_partner_paid() -> Document:
    """SPEC worked example B: WebAgency orders and pays 1 × web-hosting-pro, discount 24.00."""
    return partner_paid(1)


def paid(document: Document) -> Document:
    """``document`` once paid in full: nothing due."""
    return replace(document, amount_due=Decimal("0.00"))


def without_address(document: Document) -> Document:
    """``document`` as issued before billing profiles: the buyer has no address."""
    return replace(document, buyer=replace(document.buyer, address=None))


ALL = {
    "chf_qr_iban": chf_qr_iban,
    "chf_plain_iban": chf_plain_iban,
    "eur": eur,
    "zero_rated": zero_rated,
    "reverse_charge": reverse_charge,
    "credit_note": credit_note,
    "partner_paid": partner_paid,
    "one_line_partner_paid": one_line_partner_paid,
}
