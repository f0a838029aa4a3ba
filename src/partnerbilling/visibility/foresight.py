"""Views of charges not yet made: a quote, a previewed renewal (SPEC §11)."""

from __future__ import annotations

from partnerbilling.billing.domain import CashbackEntry, InvoiceDocument, Order
from partnerbilling.billing.money import format_money, format_rate
from partnerbilling.jsonio import JSON


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
    }
