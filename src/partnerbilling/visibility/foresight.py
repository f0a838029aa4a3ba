"""Views of charges not yet made: a quote, a previewed renewal (SPEC §11)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from partnerbilling.billing.domain import CashbackEntry, InvoiceDocument, Order
from partnerbilling.billing.explanation import Amount, Explanation, Step, StepName, Value, format_exact
from partnerbilling.billing.money import format_money, format_rate
from partnerbilling.invoicing.calendar import when_invoiced
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339

if TYPE_CHECKING:  # billing.charge renders its events with this package's views
    from partnerbilling.billing.charge import ChargePlan


def charge_view(
    viewer: str | None, order: Order, invoice: InvoiceDocument, entry: CashbackEntry | None
) -> JSON:
    """A planned charge as its order would be seen: the payer's price (discount, net, VAT,
    total) only to the payer, the cashback only to the partner. The viewer is one of the two
    parties (the caller's rights were checked before planning); the three objects are a
    :class:`~partnerbilling.billing.charge.ChargePlan`'s."""
    sees_price = viewer is None or viewer == order.payer_id
    sees_cashback = entry is not None and (viewer is None or viewer == entry.partner_id)
    return {
        "payer_id": order.payer_id,
        "channel": order.channel,
        "currency": order.currency,
        "public_amount": format_money(order.public_amount),
        "discount": format_money(order.discount) if sees_price else None,
        "net_amount": format_money(order.net_amount) if sees_price else None,
        "tax_rate": format_rate(invoice.tax_rate) if sees_price else None,
        "tax": format_money(invoice.tax) if sees_price else None,
        "total": format_money(invoice.total) if sees_price else None,
        "cashback": (
            {"rate": format_rate(entry.rate), "amount": format_money(entry.amount)}
            if entry is not None and sees_cashback
            else None
        ),
        **_invoiced(sees_price, order),
    }


def _invoiced(sees_price: bool, order: Order) -> JSON:
    """A planned charge is invoiced ``at_once`` (``invoiced_at`` null: as it is made), or
    ``monthly`` at the next monthly close."""
    how, when = when_invoiced(order.created_at, order.billing_status == "unbilled")
    return invoicing_view(sees_price, how, when if how == "monthly" else None)


def invoicing_view(sees_price: bool, invoiced: str, invoiced_at: datetime | None) -> JSON:
    """When the charge is invoiced (SPEC §15), for the payer only: ``at_once`` or ``monthly``
    at the next monthly close."""
    return {
        "invoiced": invoiced if sees_price else None,
        "invoiced_at": rfc3339(invoiced_at) if sees_price else None,
    }


# The steps each party sees (SPEC §3, §11): the customer that does not pay sees how the charge
# was routed and its public amount; the payer its price; the partner its rate and its cashback.
_PARTNER_STEPS = frozenset({StepName.ROUTE, StepName.RATE, StepName.PUBLIC_AMOUNT, StepName.CASHBACK})
_PAYER_STEPS = frozenset(
    {
        StepName.ROUTE,
        StepName.PUBLIC_AMOUNT,
        StepName.DISCOUNT,
        StepName.NET_AMOUNT,
        StepName.TAX,
        StepName.TOTAL,
    }
)


def explanation_view(viewer: str | None, e: Explanation) -> list[JSON]:
    """A charge's explanation as the viewer (one of its parties, or the platform) may see it:
    the steps it may not see are left out, and the route's benefit (rebate or cashback) is
    null for anyone but the partner, so that the customer never learns how its partner earns."""
    is_partner = viewer is None or (e.partner_id is not None and viewer == e.partner_id)
    visible: set[StepName] = set(StepName) if viewer is None else set()
    if is_partner:
        visible |= _PARTNER_STEPS
    if viewer == e.payer_id:
        visible |= _PAYER_STEPS
    visible.add(StepName.ROUTE)
    visible.add(StepName.PUBLIC_AMOUNT)
    return [_step(s, is_partner) for s in e.steps if s.step in visible]


def _step(s: Step, is_partner: bool) -> JSON:
    result = {key: _value(value) for key, value in s.result.items()}
    if s.step is StepName.ROUTE and not is_partner:
        result["benefit"] = None
    return {
        "step": s.step.value,
        "rule": s.rule,
        "inputs": {key: _value(value) for key, value in s.inputs.items()},
        "result": result,
    }


def _value(value: Value) -> object:
    if isinstance(value, Amount):
        return {
            "exact": format_exact(value.exact),
            "rounded": format_money(value.rounded),
            "rounding": value.rounding.value,
        }
    return value


def quote_view(viewer: str | None, plan: ChargePlan, explanation: Explanation) -> JSON:
    """A quote (SPEC §11): the charge as its order would be seen (:func:`charge_view`), what was
    asked for, and the explanation as the viewer may see it."""
    order = plan.order
    return {
        **charge_view(viewer, order, plan.invoice, plan.cashback),
        "customer_id": order.customer_id,
        "sku": order.sku,
        "quantity": order.quantity,
        "explanation": explanation_view(viewer, explanation),
    }


def order_explanation_view(
    viewer: str | None, order: Order, explanation: Explanation, invoiced: tuple[str, datetime]
) -> JSON:
    """A placed order's explanation (SPEC §11), as the viewer may see it, and when it is (or
    was) invoiced."""
    sees_price = viewer is None or viewer == order.payer_id
    return {
        "order_id": order.id,
        "explanation": explanation_view(viewer, explanation),
        **invoicing_view(sees_price, *invoiced),
    }
