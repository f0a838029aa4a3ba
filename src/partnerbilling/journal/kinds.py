"""What the journal records, declared once per kind (SPEC §17): the table an object lives in
and the columns its canonical content is made of. A new journaled kind is one declaration here
and one :func:`partnerbilling.journal.repository.append` where its object is inserted; ``verify``,
the archive and the listing read these declarations and nothing else.

Two sorts of kinds:

- **Facts** (documents, ledger entries, payments, a payout's request, a receipt): the columns
  never change after the insert, so ``verify`` recomputes the content from the stored row
  itself, and finds an amount changed, a row deleted, or a row inserted without a record.
- **State changes** (``payout.completed``, ``payout.failed``, ``receipt.applied``, ...): the row
  at that moment, which later changes, is kept in the record's ``snapshot``; ``verify``
  recomputes the content from the snapshot and checks that the object still exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerbilling.states import PayoutStatus, ReceiptStatus


@dataclass(frozen=True, slots=True)
class JournaledKind:
    kind: str
    table: str
    # The columns of the canonical content (a document's content is its XML instead).
    columns: tuple[str, ...]
    json_columns: frozenset[str] = frozenset()
    # A state change: the content is the row at that moment, kept in the record's snapshot.
    state: bool = False
    document: bool = False


KINDS: dict[str, JournaledKind] = {}


def declare(journaled: JournaledKind) -> JournaledKind:
    """Journal a kind of object: ``verify``, the listing and the archive know it from then on."""
    KINDS[journaled.kind] = journaled
    return journaled


_PAYOUT_FACTS = ("id", "org_id", "currency", "amount", "iban", "account_holder", "created_at")
_PAYOUT_ROW = (*_PAYOUT_FACTS, "status", "updated_at")

DOCUMENT = declare(JournaledKind("document", "invoices", ("id",), document=True))
LEDGER_ENTRY = declare(
    JournaledKind(
        "ledger_entry",
        "account_entries",
        (
            "id",
            "org_id",
            "currency",
            "amount",
            "kind",
            "invoice_id",
            "cashback_entry_id",
            "payment_id",
            "payout_id",
            "description",
            "created_at",
        ),
    )
)
PAYMENT = declare(
    JournaledKind(
        "payment",
        "payments",
        (
            "id",
            "invoice_id",
            "payer_id",
            "currency",
            "amount",
            "applied",
            "method",
            "external_id",
            "reference",
            "received_at",
            "created_at",
        ),
    )
)
PAYOUT = declare(JournaledKind("payout", "payouts", _PAYOUT_FACTS))
# Each status a payout moves to is a state change of its own (``payout.completed``, …).
PAYOUT_STATES: dict[PayoutStatus, JournaledKind] = {
    status: declare(JournaledKind(f"payout.{status}", "payouts", _PAYOUT_ROW, state=True))
    for status in PayoutStatus
    if status is not PayoutStatus.REQUESTED
}
_RECEIPT_FACTS = (
    "id", "credit_id", "received_at", "amount", "currency", "reference", "debtor_name",
    "debtor_iban", "remittance", "reason", "file_message_id",
)  # fmt: skip
_RECEIPT_ROW = (*_RECEIPT_FACTS, "status", "invoice_id", "org_id", "payment_id", "entry_id", "return_reason")
RECEIPT = declare(JournaledKind("receipt", "receipts", _RECEIPT_FACTS))
# An open receipt is applied or returned once: each is a state change (``receipt.applied``, …).
RECEIPT_STATES: dict[ReceiptStatus, JournaledKind] = {
    status: declare(JournaledKind(f"receipt.{status}", "receipts", _RECEIPT_ROW, state=True))
    for status in ReceiptStatus
    if status is not ReceiptStatus.OPEN
}


def fact_kinds() -> list[JournaledKind]:
    """The kinds whose every row has a record of its own (a row without one was inserted by hand)."""
    return [declared for declared in KINDS.values() if not declared.state]
