from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Currency, Money, RequestModel, Timestamp
from partnerbilling.states import PaymentMethod

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


class ImportedPayment(BaseModel):
    invoice_id: str
    payment_id: str
    amount: str = Field(examples=["129.72"])
    currency: str
    entry_reference: str = Field(
        description="The bank's reference of the entry: the payment's `external_id`."
    )


class UnmatchedEntry(BaseModel):
    reference: str | None = Field(description="The structured reference the entry quoted, if any.")
    amount: str
    currency: str
    entry_reference: str
    reason: str = Field(examples=["not one of our references"])


class SkippedEntry(BaseModel):
    entry_index: int
    entry_reference: str | None
    reason: str = Field(examples=["a debit"])


class PaymentImport(BaseModel):
    """What an import did with each credit entry of the file."""

    message: str = Field(examples=["camt.054.001.08"], description="The ISO 20022 message read.")
    matched: list[ImportedPayment] = Field(description="Recorded as payments now.")
    unmatched: list[UnmatchedEntry] = Field(description="Money that paid none of our invoices, and why.")
    duplicates: list[ImportedPayment] = Field(description="Recorded before (the same entry reference).")
    skipped: list[SkippedEntry] = Field(
        description="No money received: debits, reversals, entries not booked."
    )
    payouts_completed: list[str] = Field(
        description="Payouts in transit that a booked debit (camt.054, `EndToEndId` the payout id) paid."
    )
    payouts_failed: list[str] = Field(
        description="Payouts that a status report (pain.002 `RJCT`) rejected: failed, their amounts returned."
    )
