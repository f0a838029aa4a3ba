"""Payment references derived from invoice numbers, and numbering an issued document (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from stdnum import iso11649
from stdnum.ch import esr

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.billing.issue import invoice_number, numbered
from partnerbilling.billing.references import (
    creditor_reference,
    is_qr_iban,
    number_of,
    payment_reference,
    qr_reference,
)
from partnerbilling.jsonio import JSON

AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
QR_IBAN = "CH4431999123000889012"
IBAN = "CH5604835012345678009"


@pytest.mark.parametrize("number", ["2026-000001", "2026-000042", "2027-123456", "2026-1234567"])
def test_both_references_are_valid_and_lead_back_to_the_number(number: str) -> None:
    rf, qrr = creditor_reference(number), qr_reference(number)
    assert iso11649.is_valid(rf) and rf.startswith("RF")
    assert len(qrr) == 27 and qrr.isdigit() and esr.is_valid(qrr)
    assert number_of(rf) == number == number_of(qrr)
    assert number_of(iso11649.format(rf)) == number  # as printed, in groups of four
    assert number_of(esr.format(qrr)) == number


def test_a_reference_with_a_wrong_check_digit_is_not_ours() -> None:
    qrr = qr_reference("2026-000042")
    wrong = qrr[:-1] + str((int(qrr[-1]) + 1) % 10)
    rf = creditor_reference("2026-000042")
    assert number_of(wrong) is None
    assert number_of(rf[:2] + "00" + rf[4:]) is None
    assert number_of("RF18539007547034") is None  # valid ISO 11649, not an invoice number
    assert number_of("hello") is None


def test_a_qr_iban_has_an_institution_id_between_30000_and_31999() -> None:
    assert is_qr_iban(QR_IBAN) and is_qr_iban("CH44 3199 9123 0008 8901 2")
    assert not is_qr_iban(IBAN)
    assert not is_qr_iban("DE89370400440532013000")
    assert payment_reference("2026-000001", qr_iban=True) == qr_reference("2026-000001")
    assert payment_reference("2026-000001", qr_iban=False) == creditor_reference("2026-000001")


def _document(kind: str = "invoice", currency: str = "CHF") -> InvoiceDocument:
    return InvoiceDocument(
        "inv_1", kind, None, "org_payer", "org_customer", "ord_1", currency, [],
        Decimal("120.00"), Decimal("0.081"), Decimal("9.72"), Decimal("129.72"), "issued", None, AT,
    )  # fmt: skip


def _seller(chf_iban: str, terms: int = 10) -> JSON:
    return {
        "legal_name": "Hosting AG",
        "payment_terms_days": terms,
        "bank_accounts": {
            "CHF": {"iban": chf_iban},
            "EUR": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
        },
    }


ZURICH = ZoneInfo("Europe/Zurich")


def test_an_issued_invoice_takes_its_number_due_date_and_reference_from_the_issuer() -> None:
    later = AT + timedelta(seconds=1)
    chf = numbered(_document(), 2026, 42, later, _seller(QR_IBAN), ZURICH)
    assert (chf.number, chf.issued_at, chf.due_at) == ("2026-000042", later, later + timedelta(days=10))
    assert chf.payment_reference == qr_reference("2026-000042")
    assert numbered(
        _document(), 2026, 42, later, _seller(IBAN), ZURICH
    ).payment_reference == creditor_reference("2026-000042")
    # An EUR invoice quotes a creditor reference whatever the CHF account is.
    eur = numbered(_document(currency="EUR"), 2026, 42, later, _seller(QR_IBAN), ZURICH)
    assert eur.payment_reference == creditor_reference("2026-000042")


def test_without_an_issuer_the_terms_are_30_days_and_the_reference_a_creditor_reference() -> None:
    doc = numbered(_document(), 2026, 7, AT, None, ZURICH)
    assert doc.seller is None and doc.due_at == AT + timedelta(days=30)
    assert doc.payment_reference == creditor_reference("2026-000007")


def test_a_credit_note_is_due_when_issued_and_quotes_no_reference() -> None:
    note = numbered(_document(kind="credit_note"), 2026, 8, AT, _seller(QR_IBAN), ZURICH)
    assert (note.due_at, note.payment_reference) == (AT, None)


def test_numbers_have_six_digits_at_least() -> None:
    assert invoice_number(2026, 1) == "2026-000001"
    assert invoice_number(2026, 1234567) == "2026-1234567"
