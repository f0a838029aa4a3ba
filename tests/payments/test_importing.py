"""Importing a bank notification against in-memory invoices and payments (no database): what is
matched, unmatched and duplicate, and that a refused file records nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.references import creditor_reference, qr_reference
from partnerbilling.errors import Conflict, DuplicateKey
from partnerbilling.payments.camt import TooLarge, UnreadableNotification
from partnerbilling.payments.importing import ImportResult, import_notification
from tests.payments.camt_files import Line, camt053, camt054
from tests.payments.test_camt import XXE

NO_CONNECTION = cast(AsyncConnection, None)  # the fakes keep their state in memory
LIMIT = 1024 * 1024


@dataclass(frozen=True)
class FakeInvoice:
    id: str
    number: str
    currency: str
    credited: bool = False


@dataclass(frozen=True)
class FakePayment:
    id: str
    invoice_id: str
    amount: Decimal
    currency: str
    method: str
    external_id: str
    received_at: datetime
    reference: str | None


@dataclass
class Books:
    """Invoices by number, and the payments recorded, once per external id."""

    invoices: dict[str, FakeInvoice]
    payments: dict[str, FakePayment] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    spoilt: bool = False

    async def find_invoice(self, conn: AsyncConnection, numbers: Sequence[str], /) -> dict[str, FakeInvoice]:
        self.lookups.extend(numbers)
        return {n: self.invoices[n] for n in numbers if n in self.invoices}

    async def record(
        self,
        conn: AsyncConnection,
        invoice: FakeInvoice,
        amount: Decimal,
        currency: str,
        method: str,
        external_id: str,
        received_at: datetime,
        reference: str | None,
        /,
    ) -> tuple[FakePayment, bool]:
        if self.spoilt:
            raise DuplicateKey("uq_payments_external_id")
        if invoice.credited:
            raise Conflict("The invoice was credited")
        if external_id in self.payments:
            return self.payments[external_id], False
        payment = FakePayment(
            f"pay_{len(self.payments) + 1}",
            invoice.id,
            amount,
            currency,
            method,
            external_id,
            received_at,
            reference,
        )
        self.payments[external_id] = payment
        return payment, True

    async def find_payments(
        self, conn: AsyncConnection, external_ids: Sequence[str], /
    ) -> dict[str, FakePayment]:
        return {i: self.payments[i] for i in external_ids if i in self.payments}

    async def load(self, data: bytes, max_bytes: int = LIMIT) -> ImportResult:
        return await import_notification(
            NO_CONNECTION, data, self.record, self.find_invoice, self.find_payments, max_bytes
        )


def _books() -> Books:
    return Books(
        {
            "2026-000042": FakeInvoice("inv_42", "2026-000042", "CHF"),
            "2026-000043": FakeInvoice("inv_43", "2026-000043", "EUR"),
            "2026-000044": FakeInvoice("inv_44", "2026-000044", "CHF", credited=True),
        }
    )


QRR_42 = qr_reference("2026-000042")
RF_43 = creditor_reference("2026-000043")


async def test_entries_naming_invoices_are_recorded_as_bank_transfers_and_the_rest_is_unmatched() -> None:
    books = _books()
    data = camt054(
        [
            (QRR_42, "129.72", "CHF", "E-1"),
            (RF_43, "10.00", "EUR", "E-2"),
            (RF_43, "5.00", "CHF", "E-3"),  # another currency than the invoice's
            (creditor_reference("2026-000099"), "7.00", "EUR", "E-4"),  # no such invoice
            ("RF18539007547034", "8.00", "EUR", "E-5"),  # a valid reference, not one of ours
            Line(None, "9.00", "CHF", "E-6", unstructured="for invoice 2026-000042"),
            (qr_reference("2026-000044"), "1.00", "CHF", "E-7"),  # credited: refused by the recorder
            Line(QRR_42, "50.00", "CHF", "E-8", debit=True),
        ],
        "04",
    )
    result = await books.load(data)
    assert [(m.invoice_id, m.payment_id, m.amount) for m in result.matched] == [
        ("inv_42", "pay_1", Decimal("129.72")),
        ("inv_43", "pay_2", Decimal("10.00")),
    ]
    first = books.payments["E-1"]
    assert (first.method, first.reference, first.received_at) == (
        "bank_transfer",
        QRR_42,
        datetime(2026, 11, 27, tzinfo=UTC),
    )
    assert [(u.entry_reference, u.reason) for u in result.unmatched] == [
        ("E-3", "paid in CHF, invoice 2026-000043 is in EUR"),
        ("E-4", "no invoice 2026-000099"),
        ("E-5", "not one of our references"),
        ("E-6", "no structured reference"),
        ("E-7", "invoice 2026-000044: The invoice was credited"),
    ]
    assert result.duplicates == [] and [s.reason for s in result.skipped] == ["a debit"]
    answer = result.as_json()
    assert answer["matched"][0] == {
        "invoice_id": "inv_42",
        "payment_id": "pay_1",
        "amount": "129.72",
        "currency": "CHF",
        "entry_reference": "E-1",
    }
    assert answer["unmatched"][0]["amount"] == "5.00" and answer["unmatched"][3]["reference"] is None


async def test_importing_the_same_money_again_records_nothing_new() -> None:
    books = _books()
    rows = [(QRR_42, "100.00", "CHF", "E-1"), (QRR_42, "29.72", "CHF", "E-2")]
    first = await books.load(camt054(rows, "08", batch=True))
    assert len(first.matched) == 2
    again = await books.load(camt054(rows, "08", batch=True))
    statement = await books.load(camt053(rows, "04"))  # the day's statement books the same entries
    for result in (again, statement):
        assert result.matched == [] and [d.payment_id for d in result.duplicates] == ["pay_1", "pay_2"]
    assert len(books.payments) == 2


@pytest.mark.parametrize("data", [XXE, b"<nope", b"<Document/>"])
async def test_a_refused_file_records_nothing_and_looks_nothing_up(data: bytes) -> None:
    books = _books()
    with pytest.raises(UnreadableNotification):
        await books.load(data)
    assert books.payments == {} and books.lookups == []


async def test_a_file_with_a_bad_entry_late_in_it_records_nothing() -> None:
    books = _books()
    data = camt054([(QRR_42, "1.00", "CHF", "E-1"), (RF_43, "2.00", "EUR", "E-2")])
    with pytest.raises(UnreadableNotification, match="entry 2"):
        await books.load(data.replace(b">2.00<", b">2.000<"))
    assert books.payments == {}


async def test_a_file_over_the_limit_records_nothing() -> None:
    books = _books()
    data = camt054([(QRR_42, "1.00", "CHF", "E-1")])
    with pytest.raises(TooLarge):
        await books.load(data, max_bytes=100)
    assert books.payments == {} and books.lookups == []


async def test_a_spoilt_transaction_is_not_answered_as_a_partial_import() -> None:
    books = _books()
    books.spoilt = True
    with pytest.raises(DuplicateKey):
        await books.load(camt054([(QRR_42, "1.00", "CHF", "E-1")]))
