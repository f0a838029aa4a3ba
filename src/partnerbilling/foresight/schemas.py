"""The charge as a quote or a previewed renewal shows it, before it is made."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from partnerbilling.billing.routing import Channel


class ChargeCashbackRead(BaseModel):
    rate: str = Field(examples=["0.2"])
    amount: str = Field(examples=["24.00"])


class ChargeRead(BaseModel):
    """What a charge made now would be, redacted like its order: the price fields for the payer
    only, the cashback for the partner only."""

    payer_id: str
    channel: Channel
    currency: str
    public_amount: str = Field(examples=["120.00"])
    discount: str | None = Field(description="Seen by the payer only.", examples=["0.00"])
    net_amount: str | None = Field(description="Seen by the payer only.", examples=["120.00"])
    tax_rate: str | None = Field(description="Seen by the payer only.", examples=["0.081"])
    tax: str | None = Field(description="Seen by the payer only.", examples=["9.72"])
    total: str | None = Field(description="Seen by the payer only.", examples=["129.72"])
    cashback: ChargeCashbackRead | None = Field(description="Seen by the partner only.")
    invoiced: Literal["at_once", "monthly"] | None = Field(
        description="Seen by the payer only: invoiced at once, or by the monthly close (SPEC §15)."
    )
    invoiced_at: str | None = Field(
        description="Seen by the payer only: when it is (or was) invoiced; for `monthly`, the next close."
    )
