from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Reason, RequestModel, Timestamp
from partnerbilling.payments.schemas import InvoicePaymentRead
from partnerbilling.states import InvoiceKind, InvoiceStatus


class InvoiceLine(BaseModel):
    description: str = Field(
        examples=["Webhosting Pro, Bestellung, 07.12.2026 – 06.12.2027"],
        description="In the payer's language: the product, the kind of charge and the first and last "
        "day billed.",
    )
    product_name: str | None = Field(
        default=None, description="The product's name in the payer's language (null on older lines)."
    )
    kind: Literal["order", "renewal"] | None = Field(
        default=None, description="What the line charges (null on older lines)."
    )
    sku: str
    quantity: int
    unit_price: str = Field(examples=["120.00"])
    amount: str = Field(examples=["120.00"])
    discount: str = Field(examples=["0.00"])
    net_amount: str = Field(examples=["120.00"])
    customer_id: str = Field(
        description="The customer the line is for (printed when the payer is not the customer)."
    )
    customer_name: str
    period_start: str = Field(examples=["2026-01-15"], description="The supply period's first day.")
    period_end: str = Field(
        examples=["2027-01-15"], description="The supply period's end (the next period's first day)."
    )


class Address(BaseModel):
    street: str = Field(examples=["Bahnhofstrasse"])
    building_number: str | None = Field(default=None, examples=["1"])
    postal_code: str = Field(examples=["8001"])
    city: str = Field(examples=["Zürich"])
    country: str = Field(examples=["CH"], description="ISO 3166-1 alpha-2.")
    extra_line: str | None = None


class BankAccount(BaseModel):
    iban: str = Field(examples=["CH4431999123000889012"])
    bic: str | None = Field(default=None, description="EUR accounts (SEPA).")


class Seller(BaseModel):
    """The issuer as it was when the document was issued."""

    legal_name: str
    address: Address
    vat_id: str | None
    email: str
    payment_terms_days: int
    bank_accounts: dict[str, BankAccount] = Field(description="Per currency (`CHF`, `EUR`).")


class Buyer(BaseModel):
    """The payer's billing profile as it was when the document was issued."""

    legal_name: str
    address: Address | None = Field(description="`null` on documents issued before the profile had one.")
    vat_id: str | None
    language: str = Field(examples=["de"])
    reverse_charge: bool


class InvoiceRead(BaseModel):
    id: str
    number: str = Field(examples=["2026-000001"])
    kind: InvoiceKind
    credits_invoice_id: str | None
    payer_id: str
    customer_id: str
    order_id: str
    currency: str
    lines: list[InvoiceLine]
    subtotal: str
    tax_rate: str = Field(examples=["0.081"])
    tax: str
    total: str
    status: InvoiceStatus
    reason: str | None
    issued_at: str
    due_at: str = Field(
        description="The issuer's payment terms after `issued_at` (a credit note: when issued)."
    )
    issue_date: str = Field(
        examples=["2026-12-31"], description="`issued_at` as a calendar date in the issuer's `time_zone`."
    )
    due_date: str = Field(
        examples=["2027-01-30"], description="`due_at` as a calendar date in the issuer's `time_zone`."
    )
    paid_at: str | None
    payment_reference: str | None = Field(
        examples=["RF712026000001"],
        description="The reference a payment quotes: a QR reference (27 digits) for a CHF QR-IBAN, "
        "else an ISO 11649 creditor reference. `null` on a credit note.",
    )
    amount_paid: str = Field(examples=["24.00"], description="What the invoice's payments paid of it.")
    amount_due: str = Field(
        examples=["79.78"],
        description="What is still to pay: `total − amount_paid` while issued or overdue; 0 once "
        "paid or credited, and on a credit note.",
    )
    dunning_level: int = Field(
        ge=0,
        le=4,
        description="The last dunning step taken (SPEC §10): 0 none, 1 and 2 reminders, 3 final "
        "notice, 4 suspension.",
    )
    payments: list[InvoicePaymentRead] | None = Field(
        description="The payments, oldest first, in `GET /v1/invoices/{id}` (and the answers about "
        "one invoice); `null` in lists and events."
    )
    seller: Seller | None = Field(description="The issuer, copied when issued; `null`: none was configured.")
    buyer: Buyer | None


class InvoiceList(BaseModel):
    data: list[InvoiceRead]
    next_cursor: str | None


class InvoicePay(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}]})

    paid_at: Timestamp | None = Field(
        default=None, description="When the money arrived (RFC 3339); default: now."
    )


class CreditNoteCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Customer withdrew the order"}]}
    )

    reason: Reason
