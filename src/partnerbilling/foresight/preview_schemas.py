"""The billing-mode preview as the API answers it (SPEC §11)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from partnerbilling.billing.preview import Refusal
from partnerbilling.billing.routing import BillingMode
from partnerbilling.foresight.schemas import ChargeRead

_REFUSAL = (
    "Set when the renewal would be refused instead of charged (and the charge is null): "
    "`price_not_available` (no price in the payer's currency), `product_unavailable`, "
    "`amount_too_large`."
)


class RenewalPreviewRead(BaseModel):
    """A subscription's next renewal, as the renewal run would charge it now and after the switch."""

    subscription_id: str
    sku: str
    quantity: int
    renews_at: str = Field(description="When the renewal run renews it: the end of its current period.")
    period_end: str = Field(
        description="The end of the period the renewal charges (it starts at `renews_at`).",
        json_schema_extra={"format": "date-time"},
    )
    renewals_in_twelve_months: int = Field(
        description="How many renewals of the subscription are due up to `until` (an overdue one included)."
    )
    now: ChargeRead | None = Field(description="The renewal under the billing mode in force.")
    now_refusal: Refusal | None = Field(description=_REFUSAL)
    after: ChargeRead | None = Field(description="The renewal after the switch to `billing_mode_after`.")
    after_refusal: Refusal | None = Field(description=_REFUSAL)


class TotalsRead(BaseModel):
    """The sum of a payer's renewal charges in one currency under one billing mode."""

    renewals: int
    public_amount: str = Field(examples=["1440.00"])
    discount: str | None = Field(description="Seen by the payer only.", examples=["0.00"])
    net_amount: str | None = Field(description="Seen by the payer only.", examples=["1440.00"])
    tax: str | None = Field(description="Seen by the payer only.", examples=["116.64"])
    total: str | None = Field(description="Seen by the payer only.", examples=["1556.64"])
    cashback: str | None = Field(description="The partner's cashback; seen by the partner only.")


class PayerTotalsRead(BaseModel):
    payer_id: str
    currency: str
    now: TotalsRead = Field(description="Under the billing mode in force (zeros if it pays nothing).")
    after: TotalsRead = Field(description="After the switch (zeros if it would pay nothing).")


class BillingModePreviewRead(BaseModel):
    """What a switch of billing mode would change, for the caller's eyes: nothing is changed."""

    partnership_id: str
    billing_mode_now: BillingMode
    billing_mode_after: BillingMode
    as_of: str
    until: str = Field(
        description="`as_of` plus twelve months: the end of the totals' horizon.",
        json_schema_extra={"format": "date-time"},
    )
    subscriptions: list[RenewalPreviewRead]
    twelve_months: list[PayerTotalsRead] = Field(
        description="Per payer and currency, every renewal due up to `until`, now and after."
    )
