from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Reason, RequestModel, Timestamp
from partnerbilling.states import InvoiceKind, InvoiceStatus


class InvoiceLine(BaseModel):
    description: str
    sku: str
    quantity: int
    unit_price: str = Field(examples=["120.00"])
    amount: str = Field(examples=["120.00"])
    discount: str = Field(examples=["0.00"])
    net_amount: str = Field(examples=["120.00"])


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
    paid_at: str | None


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
