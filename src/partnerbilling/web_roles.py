"""Who may change what on the admin API (SPEC §18): the one map of the operator roles.

Every role reads everything (every admin GET). A write belongs to the area of the resource it
acts on, named by the first segment of its path after ``/v1/admin/``: money (``finance``),
customers (``support``), or the platform itself (``admin`` alone). ``admin`` may do everything.
A write on a resource this map does not name is the platform's (``admin`` only): a new
operation is closed until it is given an area here, and ``tests/operators`` fails until it is.
The route class checks the role before it reads the body or looks up the object; the OpenAPI
document states each admin operation's roles (``x-roles``) from the same map.
"""

from __future__ import annotations

from fastapi.routing import APIRoute

from partnerbilling.auth import Caller
from partnerbilling.errors import RoleForbidden
from partnerbilling.operators.domain import Role

ADMIN_PREFIX = "/v1/admin/"
READS = frozenset({"GET", "HEAD"})

EVERY_ROLE = frozenset(Role)
MONEY = frozenset({Role.ADMIN, Role.FINANCE})
CUSTOMERS = frozenset({Role.ADMIN, Role.SUPPORT})
PLATFORM = frozenset({Role.ADMIN})

WRITERS: dict[str, frozenset[Role]] = {
    # Money: payments, receipts, payouts and their batches, credit notes, adjustments, and the
    # runs (renewals, dunning, the monthly close) with their jobs.
    "payments": MONEY,
    "invoices": MONEY,
    "receipts": MONEY,
    "payouts": MONEY,
    "payout-batches": MONEY,
    "credit-notes": MONEY,
    "accounts": MONEY,
    "subscriptions": MONEY,  # an admin cancellation issues a pro-rata credit note
    "renewals": MONEY,
    "dunning": MONEY,
    "invoicing": MONEY,
    "jobs": MONEY,
    "schedules": MONEY,
    # Customers: organisations and their profiles, partnerships, API keys, webhooks, events.
    "organizations": CUSTOMERS,
    "api-keys": CUSTOMERS,
    "partnerships": CUSTOMERS,
    "webhook-endpoints": CUSTOMERS,
    "webhooks": CUSTOMERS,
    "events": CUSTOMERS,
    # The platform: the catalogue, the tiers, the issuer, the operator keys and the records.
    "products": PLATFORM,
    "reseller-tiers": PLATFORM,
    "issuer": PLATFORM,
    "operator-keys": PLATFORM,
    "audit": PLATFORM,
    "journal": PLATFORM,
    "archive": PLATFORM,
}


def resource_of(path: str) -> str:
    """The admin resource a path acts on: its first segment after ``/v1/admin/``."""
    return path.removeprefix(ADMIN_PREFIX).split("/", 1)[0]


def roles_for(method: str, path: str) -> frozenset[Role]:
    """The roles that may call ``method path`` (an admin operation's path template)."""
    if method.upper() in READS:
        return EVERY_ROLE
    return WRITERS.get(resource_of(path), PLATFORM)


def route_roles(route: APIRoute) -> frozenset[Role]:
    """The roles that may call every method of an admin route."""
    allowed = EVERY_ROLE
    for method in route.methods or ():
        allowed &= roles_for(method, route.path_format)
    return allowed


def require_role(caller: Caller, allowed: frozenset[Role]) -> None:
    """403 ``role_forbidden`` unless the caller's role is one of ``allowed`` (a set lookup)."""
    operator = caller.operator
    if operator is not None and operator.role not in allowed:
        raise RoleForbidden(
            f"The role '{operator.role}' may not call this operation; it needs "
            f"{' or '.join(ordered(allowed))}."
        )


def roles_sentence(allowed: frozenset[Role]) -> str:
    """The OpenAPI description's sentence about who may call an operation."""
    if allowed == EVERY_ROLE:
        return "Roles: every operator role (a read)."
    return "Roles: " + ", ".join(f"`{role}`" for role in ordered(allowed)) + "."


def ordered(allowed: frozenset[Role]) -> list[str]:
    """The roles in the order of :class:`Role`."""
    return [role.value for role in Role if role in allowed]
