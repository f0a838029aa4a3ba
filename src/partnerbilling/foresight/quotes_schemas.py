"""Quotes and explanations as the API shows them (SPEC §11)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from partnerbilling.billing.explanation import Rounding, StepName
from partnerbilling.foresight.schemas import ChargeRead

_STEPS = """The steps, in this order; a step the caller may not see is left out:

- `route` (everyone): inputs `access`, `billing_mode` (null without an active partnership;
  `"unknown"` on an order placed before they were recorded), `channel`; result `payer`
  (`customer` or `partner`), `payer_id`, `benefit` (`rebate`, `cashback` or `none`; null for
  anyone but the partner).
- `rate` (the partner only; absent without a partnership): inputs `tier`, `category`, `source`
  (`category`, `default` or `no_tier`); result `rate`.
- `public_amount` (everyone): inputs `unit_price`, `quantity`, `currency`; result `amount`.
- `discount` (the payer only): inputs `public_amount`, `rate` for a rebate; result `amount`.
- `net_amount` (the payer only): inputs `public_amount`, `discount`; result `amount`.
- `tax` (the payer only): inputs `net_amount`, `vat_rate` (0 under reverse charge),
  `reverse_charge`; result `amount`.
- `total` (the payer only): inputs `net_amount`, `tax`; result `amount`.
- `cashback` (the partner only; absent when the partner takes a rebate or without a
  partnership): inputs `public_amount`, `rate`; result `amount`.

Money and rates are strings; every `amount` is `{exact, rounded, rounding}`."""


class ExplainedAmount(BaseModel):
    exact: str = Field(description="The value as computed, every decimal kept.", examples=["2.0175"])
    rounded: str = Field(description="The value charged, two decimals.", examples=["2.02"])
    rounding: Rounding = Field(
        description="`half_up`: rounded to the cent, half up; `none`: exact by construction."
    )


# A step's input or result value: money, rates, ids and codes as strings, a quantity, a flag.
StepValue = str | int | bool | ExplainedAmount | None


class ExplanationStep(BaseModel):
    step: StepName
    rule: str = Field(description="The rule applied, in words.")
    inputs: dict[str, StepValue]
    result: dict[str, StepValue]


class QuoteRead(ChargeRead):
    """The charge an order placed now would make (nothing is written), redacted like its order,
    with its explanation."""

    customer_id: str
    sku: str
    quantity: int
    explanation: list[ExplanationStep] = Field(description=_STEPS)


class OrderExplanationRead(BaseModel):
    """How a placed order was routed and priced, from the values stored on it."""

    order_id: str
    explanation: list[ExplanationStep] = Field(description=_STEPS)
    invoiced: Literal["at_once", "monthly"] | None = Field(
        description="Seen by the payer only: invoiced at once, or by the monthly close (SPEC §15)."
    )
    invoiced_at: str | None = Field(
        description="Seen by the payer only: when it is (or was) invoiced; for `monthly`, the next close."
    )
