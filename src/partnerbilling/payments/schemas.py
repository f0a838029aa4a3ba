from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Currency, Money, RequestModel, Timestamp
from partnerbilling.states import PaymentMethod, ReceiptReason, ReceiptStatus

_EXTERNAL_ID = (
    "The payment's id where it came from (the bank's entry reference, the card charge): the same "
    "one again is the same payment, never a second."
)


class PaymentCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "invoice_id": "inv_01jd...",
                    "amount": "129.72",
                    "currency": "CHF",
                    "method": "bank_transfer",
                    "external_id": "ZKB-2026-11-30-000123",
                    "received_at": "2026-11-30T09:00:00Z",
                }
            ]
        },
    )

    invoice_id: str = Field(min_length=1, max_length=40)
    amount: Money
    currency: Currency
    method: Literal["bank_transfer", "card", "other"]
    external_id: str | None = Field(default=None, min_length=1, max_length=200, description=_EXTERNAL_ID)
    received_at: Timestamp | None = Field(default=None, description="When the money arrived; default: now.")


class PayFromBalance(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}, {"partial": True}]})

    partial: bool = Field(
        default=False,
        description="Pay as much as the balance covers when it does not cover all that is due.",
    )


class PaymentRead(BaseModel):
    id: str
    invoice_id: str
    payer_id: str
    currency: str
    amount: str = Field(examples=["100.00"], description="As received.")
    applied: str = Field(
        examples=["79.78"], description="What paid the invoice; the rest went to the payer's account."
    )
    method: PaymentMethod
    external_id: str | None = Field(description=_EXTERNAL_ID)
    reference: str | None = Field(description="The structured reference the payment quoted.")
    received_at: str
    created_at: str


class InvoicePaymentRead(BaseModel):
    """A payment as its invoice lists it."""

    id: str
    amount: str = Field(examples=["100.00"])
    applied: str = Field(examples=["79.78"])
    currency: str
    method: PaymentMethod
    received_at: str


_ENTRY_REFERENCE = (
    "The credit's identity: the transaction's bank reference (`AcctSvcrRef`); else the entry's "
    "followed by `#` and the transaction's ordinal; else a hash of the credit followed by `#H` and "
    "its ordinal among identical credits of the file (see the README, Bank files)."
)


class ImportedPayment(BaseModel):
    invoice_id: str
    payment_id: str
    amount: str = Field(examples=["129.72"])
    currency: str
    entry_reference: str = Field(description=_ENTRY_REFERENCE + " The payment's `external_id`.")


class ImportedTopUp(BaseModel):
    org_id: str
    account_entry_id: str
    amount: str = Field(examples=["500.00"])
    currency: str
    entry_reference: str = Field(description=_ENTRY_REFERENCE)


class UnmatchedEntry(BaseModel):
    receipt_id: str = Field(description="The open receipt the credit is kept as.")
    reference: str | None = Field(description="The structured reference the entry quoted, if any.")
    amount: str
    currency: str
    entry_reference: str = Field(description=_ENTRY_REFERENCE)
    reason: ReceiptReason
    detail: str = Field(examples=["no invoice 2026-000042"])


class DuplicateEntry(BaseModel):
    """A credit recorded before (by an earlier import, or listed twice in this file)."""

    outcome: Literal["payment", "top_up", "receipt"]
    invoice_id: str | None
    payment_id: str | None
    receipt_id: str | None
    account_entry_id: str | None
    amount: str
    currency: str
    entry_reference: str = Field(description=_ENTRY_REFERENCE)


class SkippedEntry(BaseModel):
    entry_index: int
    entry_reference: str | None
    reason: str = Field(examples=["a debit"])


class PaymentImport(BaseModel):
    """What an import did with each credit of the file."""

    message: str = Field(examples=["camt.054.001.08"], description="The ISO 20022 message read.")
    message_id: str = Field(description="The file's `GrpHdr/MsgId`.")
    matched: list[ImportedPayment] = Field(description="Recorded as payments of our invoices now.")
    top_ups: list[ImportedTopUp] = Field(description="Credited to an account now (its top-up reference).")
    unmatched: list[UnmatchedEntry] = Field(description="Kept as open receipts now, with why.")
    duplicates: list[DuplicateEntry] = Field(description="Recorded before: nothing new.")
    skipped: list[SkippedEntry] = Field(
        description="No money received: debits, reversals, entries not booked."
    )
    payouts_completed: list[str] = Field(
        description="Payouts in transit that a booked debit (camt.054, `EndToEndId` the payout id) paid."
    )
    payouts_failed: list[str] = Field(
        description="Payouts that a status report (pain.002 `RJCT`) rejected: failed, their amounts returned."
    )


class ReceiptRead(BaseModel):
    id: str
    received_at: str
    amount: str = Field(examples=["250.00"])
    currency: str
    reference: str | None = Field(description="The structured reference the credit quoted, if any.")
    debtor_name: str | None
    debtor_iban: str | None
    remittance: str | None = Field(description="The unstructured remittance text, if any.")
    reason: ReceiptReason
    status: ReceiptStatus
    file_message_id: str = Field(description="The `MsgId` of the bank file it came in.")
    entry_reference: str = Field(description=_ENTRY_REFERENCE)
    invoice_id: str | None = Field(description="Applied: the invoice it paid.")
    org_id: str | None = Field(description="Applied: the organisation whose account it was credited to.")
    payment_id: str | None
    account_entry_id: str | None
    return_reason: str | None
    created_at: str
    updated_at: str


class ReceiptList(BaseModel):
    data: list[ReceiptRead]
    next_cursor: str | None


class ReceiptToInvoice(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"invoice_id": "inv_01jd..."}]})

    invoice_id: str = Field(min_length=1, max_length=40, description="Pay this invoice (§9's rules).")


class ReceiptToAccount(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"org_id": "org_01jd..."}]})

    org_id: str = Field(min_length=1, max_length=40, description="Credit this organisation's account.")


ReceiptApply = ReceiptToInvoice | ReceiptToAccount


class ReceiptReturn(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Not our customer"}]}
    )

    reason: str = Field(min_length=1, max_length=500, description="Why it is sent back.")
