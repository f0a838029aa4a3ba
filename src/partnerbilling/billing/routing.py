"""Who pays: the who-pays table of SPEC §2, as a function of the partnership and the channel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from partnerbilling.enums import LiteralEnum


class Access(LiteralEnum):
    FULL = "full"
    LIMITED = "limited"


class BillingMode(LiteralEnum):
    CUSTOMER = "customer"
    PARTNER = "partner"


class Channel(LiteralEnum):
    PARTNER = "partner"
    DIRECT = "direct"


class Benefit(StrEnum):
    """How the partner takes its rate ``d`` on a charge."""

    NONE = "none"  # no active partnership
    REBATE = "rebate"  # a discount on the invoice: the partner initiates and pays
    CASHBACK = "cashback"  # credited to the partner's account: every other case


@dataclass(frozen=True, slots=True)
class ActivePartnership:
    """The terms of the customer's active partnership, read at the moment of the charge."""

    id: str
    partner_id: str
    access: Access
    billing_mode: BillingMode


@dataclass(frozen=True, slots=True)
class Route:
    """The routing decision for one charge."""

    channel: Channel
    payer_id: str
    partnership_id: str | None
    partner_id: str | None
    benefit: Benefit


class ChargeRefused(Exception):
    """The caller may not initiate this charge; ``visible`` says whether it may see the customer."""

    def __init__(self, visible: bool):
        super().__init__("charge refused")
        self.visible = visible


def initiating_channel(caller_id: str, customer_id: str, partnership: ActivePartnership | None) -> Channel:
    """The channel of a charge the caller initiates: direct for the customer, partner for its
    active full-access partner. A limited partner is refused visibly (403), anyone else not
    (404)."""
    if caller_id == customer_id:
        return Channel.DIRECT
    if partnership is not None and partnership.partner_id == caller_id:
        if partnership.access is Access.FULL:
            return Channel.PARTNER
        raise ChargeRefused(visible=True)
    raise ChargeRefused(visible=False)


def route_charge(customer_id: str, partnership: ActivePartnership | None, channel: Channel) -> Route:
    """Decide payer and the partner's benefit, row by row as in the SPEC §2 table."""
    if partnership is None:
        # No active partnership: the customer pays P, no discount, no cashback.
        return Route(Channel.DIRECT, customer_id, None, None, Benefit.NONE)
    if channel is Channel.PARTNER and partnership.access is not Access.FULL:
        # A limited partner never initiates; a renewal it triggered falls back to direct.
        channel = Channel.DIRECT
    partner_pays = partnership.access is Access.FULL and partnership.billing_mode is BillingMode.PARTNER
    payer_id = partnership.partner_id if partner_pays else customer_id
    # The partner takes d as a rebate only when it both initiates and pays; else as cashback.
    benefit = Benefit.REBATE if partner_pays and channel is Channel.PARTNER else Benefit.CASHBACK
    return Route(channel, payer_id, partnership.id, partnership.partner_id, benefit)
