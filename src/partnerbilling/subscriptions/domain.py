"""Subscriptions as the repository returns them: frozen, typed, one field per column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partnerbilling.billing.domain import Subscription


@dataclass(frozen=True, slots=True)
class StoredSubscription(Subscription):
    """A stored subscription: the one an order created (:class:`Subscription`, which the views
    read), with the renewal runner's lease and ``active_partner_id``, the partner of the
    customer's active partnership, who may see it meanwhile (None without one)."""

    renewal_claimed_until: datetime | None
    active_partner_id: str | None
