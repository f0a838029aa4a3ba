from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Currency, Reason, RequestModel, SignedMoney
from partnerbilling.states import EntryKind


class AccountEntryRead(BaseModel):
    id: str
    currency: str
    amount: str = Field(examples=["24.00"], description="Signed: + a credit, − a debit.")
    kind: EntryKind
    invoice_id: str | None
    cashback_entry_id: str | None
    payment_id: str | None
    payout_id: str | None
    description: str
    created_at: str


class AccountEntryList(BaseModel):
    data: list[AccountEntryRead]
    next_cursor: str | None


class AccountBalanceRead(BaseModel):
    currency: str
    balance: str = Field(examples=["24.00"], description="The sum of the account's entries.")
    pending_cashback: str = Field(
        examples=["0.00"],
        description="Cashback still waiting for its invoice to be paid; not on the balance.",
    )


class AccountRead(BaseModel):
    balances: list[AccountBalanceRead]
    top_up_references: dict[str, str] = Field(
        examples=[{"CHF": "000000000000009100000000426", "EUR": "RF53920000000042"}],
        description="Per currency, the payment reference a bank transfer quotes to top up this account.",
    )


class AdjustmentCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"currency": "CHF", "amount": "5.18", "reason": "Goodwill"}]}
    )

    currency: Currency
    amount: SignedMoney = Field(description="Signed: + a credit, − a debit; never below a zero balance.")
    reason: Reason = Field(description="Why: the entry's description.")
