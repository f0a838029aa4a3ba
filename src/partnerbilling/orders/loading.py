"""What a new order is planned from: the customer, its active partnership, the channel the
caller initiates, the product and the partner with its tier — loaded once, the same way, for an
order and for its quote (SPEC §11), so that the two cannot read different things."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from partnerbilling.billing.charge import NoPriceInCurrency
from partnerbilling.billing.domain import Organization, Product
from partnerbilling.billing.pricing import AmountTooLarge
from partnerbilling.billing.routing import ActivePartnership, Channel, ChargeRefused, initiating_channel
from partnerbilling.catalog.domain import product_of
from partnerbilling.errors import Forbidden, NotFound, PriceNotAvailable, Unprocessable, ValidationFailed
from partnerbilling.orders import repository
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import OrganizationWithTier, organization_of
from partnerbilling.sql import Connection
from partnerbilling.states import OrderKind


class UnknownProduct(Unprocessable):
    code, title = "unknown_product", "No product has this sku"


@dataclass(frozen=True, slots=True)
class OrderInputs:
    """Everything :func:`partnerbilling.billing.charge.plan_order` needs besides ids and time."""

    customer: Organization
    partnership: ActivePartnership | None
    channel: Channel
    product: Product
    partner: Organization | None


async def load_order_inputs(
    conn: Connection, caller_id: str, data: OrderCreate, *, lock: bool
) -> OrderInputs:
    """The order's inputs (one statement), with the caller's right to order checked (404 / 403 as
    SPEC §4 says). ``lock`` share-locks the partnership until commit, so that a concurrent billing-mode change
    lands wholly before or wholly after the charge; a quote, which writes nothing, does not."""
    found = await repository.load_sources(conn, data.customer_id, data.sku, lock=lock)
    if found is None:
        raise NotFound(_NO_SUCH_CUSTOMER)
    customer = organization_of(found.customer)
    partnership = found.partnership
    try:
        channel = initiating_channel(caller_id, customer.id, partnership)
    except ChargeRefused as refusal:
        raise refuse(refusal) from None
    if found.product is None:
        raise UnknownProduct(
            f"No product '{data.sku}'.", errors=[{"loc": ["body", "sku"], "msg": "unknown sku"}]
        )
    partner = organization_of(found.partner) if found.partner is not None else None
    return OrderInputs(customer, partnership, channel, product_of(found.product), partner)


_NO_SUCH_CUSTOMER = "No such customer."
_LIMITED_ACCESS = "A partner with limited access cannot order or renew for its customer."

# How placing an order (and quoting one, which has the same rights) is refused: the operations'
# documented problems.
REFUSALS = (NotFound(_NO_SUCH_CUSTOMER), Forbidden(_LIMITED_ACCESS), UnknownProduct, PriceNotAvailable)


def refuse(refusal: ChargeRefused) -> Exception:
    """The API answer to a refused initiator: 403 if it may see the customer, else 404."""
    return Forbidden(_LIMITED_ACCESS) if refusal.visible else NotFound(_NO_SUCH_CUSTOMER)


async def load_partner(
    conn: Connection,
    partnership: ActivePartnership | None,
    known: OrganizationWithTier | None = None,
) -> Organization | None:
    """The partnership's partner with its tier: ``known`` (a row read with its tier) if it is
    that partner, else read now; None without a partnership."""
    if partnership is None:
        return None
    row = known if known is not None and known.id == partnership.partner_id else None
    if row is None:
        row = await organizations.get_with_tier(conn, partnership.partner_id)
    return organization_of(row) if row is not None else None


@contextmanager
def refusals(kind: OrderKind) -> Iterator[None]:
    """Planning a charge (:func:`plan_order`, :func:`plan_charge`), with its refusals as the API
    answers them: no price in the payer's currency, or an amount too large to store (the
    quantity is what a new order chose; a renewal's is the subscription's)."""
    try:
        yield
    except NoPriceInCurrency as exc:
        raise PriceNotAvailable(str(exc)) from None
    except AmountTooLarge as exc:
        errors = [{"loc": ["body", "quantity"], "msg": str(exc)}] if kind == OrderKind.NEW else None
        raise ValidationFailed(f"The charge is too large: {exc}.", errors=errors) from None
