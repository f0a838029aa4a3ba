"""Partnerships: created by the customer, accepted by the partner, ended by either side."""

from __future__ import annotations

from partnerbilling.billing.routing import Access, BillingMode
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import (
    BillingModeRequiresFullAccess,
    DuplicateKey,
    Forbidden,
    NotFound,
    PartnerIsCustomer,
    PartnerNotReseller,
    PartnershipEnded,
    PartnershipExists,
)
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit
from partnerbilling.fields import sent_fields
from partnerbilling.issuer import repository as issuer
from partnerbilling.language import Language
from partnerbilling.mail import repository as mail
from partnerbilling.mail.messages import billing_mode_changed_mail
from partnerbilling.organizations import repository as organizations
from partnerbilling.partnerships import repository
from partnerbilling.partnerships.domain import Partnership, PartnershipChange
from partnerbilling.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from partnerbilling.sql import Connection
from partnerbilling.states import PARTNERSHIP, PartnershipStatus
from partnerbilling.visibility import partnership_view


def _check_terms(access: str, billing_mode: str) -> None:
    if billing_mode == BillingMode.PARTNER and access != Access.FULL:
        raise BillingModeRequiresFullAccess(
            "Billing mode 'partner' needs access 'full'.",
            errors=[{"loc": ["body", "billing_mode"], "msg": "'partner' needs access 'full'"}],
        )


async def _emit(conn: Connection, event_type: EventType, p: Partnership) -> None:
    await emit(
        conn,
        event_type,
        (p.customer_id, p.partner_id),
        lambda viewer: partnership_view(viewer, p),
        p.updated_at,
    )


async def load_visible(
    conn: Connection, viewer: str, partnership_id: str, *, lock: bool = False
) -> Partnership:
    """A partnership the viewer is a party to, or 404."""
    p = await repository.get(conn, partnership_id, lock=lock)
    if p is None or partnership_view(viewer, p) is None:
        raise NotFound("No such partnership.")
    return p


async def create_partnership(conn: Connection, customer_id: str, data: PartnershipCreate) -> Partnership:
    """The customer invites a reseller; the partnership stays pending until the partner accepts."""
    if data.partner_id == customer_id:
        raise PartnerIsCustomer(
            "An organisation cannot be its own partner.",
            errors=[{"loc": ["body", "partner_id"], "msg": "is the customer itself"}],
        )
    _check_terms(data.access, data.billing_mode)
    partner = await organizations.get(conn, data.partner_id)
    if partner is None or partner.reseller_tier is None:
        # Unknown and non-reseller organisations answer alike, so ids cannot be probed.
        raise PartnerNotReseller(
            "The partner must be an organisation with a reseller tier.",
            errors=[{"loc": ["body", "partner_id"], "msg": "not a reseller"}],
        )
    if await repository.open_for_customer(conn, customer_id) is not None:
        raise PartnershipExists("End the current partnership before creating another one.")
    now = utcnow()
    p = Partnership(
        id=new_id("pship"),
        customer_id=customer_id,
        partner_id=data.partner_id,
        access=data.access,
        billing_mode=data.billing_mode,
        status=PartnershipStatus.PENDING,
        created_at=now,
        updated_at=now,
        accepted_at=None,
        ended_at=None,
        ended_by_id=None,
    )
    try:
        await repository.add(conn, p)
    except DuplicateKey as exc:  # a concurrent request created one first
        raise PartnershipExists("End the current partnership before creating another one.") from exc
    await _emit(conn, EventType.PARTNERSHIP_CREATED, p)
    return p


async def accept_partnership(conn: Connection, partner_id: str, partnership_id: str) -> Partnership:
    """The partner accepts a pending invitation; the partnership becomes active."""
    p = await load_visible(conn, partner_id, partnership_id, lock=True)
    if p.partner_id != partner_id:
        raise Forbidden("Only the partner can accept a partnership.")
    status = PARTNERSHIP.check(p.status, PartnershipStatus.ACTIVE)
    now = utcnow()
    p = await repository.change(conn, p.id, status=status, accepted_at=now, updated_at=now)
    await _emit(conn, EventType.PARTNERSHIP_ACCEPTED, p)
    return p


async def end_partnership(conn: Connection, org_id: str, partnership_id: str) -> Partnership:
    """Either side ends the partnership (a partner ending a pending one declines it)."""
    p = await load_visible(conn, org_id, partnership_id, lock=True)
    status = PARTNERSHIP.check(p.status, PartnershipStatus.ENDED)
    now = utcnow()
    p = await repository.change(conn, p.id, status=status, ended_at=now, ended_by_id=org_id, updated_at=now)
    await _emit(conn, EventType.PARTNERSHIP_ENDED, p)
    return p


async def update_partnership(
    conn: Connection, customer_id: str, partnership_id: str, data: PartnershipUpdate
) -> Partnership:
    """The customer changes access or billing mode, effective at once for every later charge.
    Each change is recorded; a billing-mode change is also e-mailed to the partner."""
    p = await load_visible(conn, customer_id, partnership_id, lock=True)
    if p.customer_id != customer_id:
        raise Forbidden("Only the customer can change the partnership.")
    if PARTNERSHIP.is_final(p.status):
        raise PartnershipEnded("The partnership has ended.")
    sent = sent_fields(data)
    access = sent.get("access", p.access)
    billing_mode = sent.get("billing_mode", p.billing_mode)
    _check_terms(access, billing_mode)
    changed = {
        name: (getattr(p, name), value)
        for name, value in (("access", access), ("billing_mode", billing_mode))
        if getattr(p, name) != value
    }
    if not changed:
        return p
    now = utcnow()
    updated = await repository.change(conn, p.id, access=access, billing_mode=billing_mode, updated_at=now)
    await repository.add_changes(
        conn,
        [
            PartnershipChange(
                id=new_id("pchg"),
                partnership_id=p.id,
                field=name,
                old_value=old,
                new_value=new,
                changed_by_id=customer_id,
                changed_at=now,
            )
            for name, (old, new) in changed.items()
        ],
    )
    await _emit(conn, EventType.PARTNERSHIP_UPDATED, updated)
    if "billing_mode" in changed:
        await _emit(conn, EventType.PARTNERSHIP_BILLING_MODE_CHANGED, updated)
        await _mail_partner(conn, updated, *changed["billing_mode"])
    return updated


async def _mail_partner(conn: Connection, p: Partnership, old_mode: str, new_mode: str) -> None:
    orgs = await organizations.get_many(conn, [p.customer_id, p.partner_id])
    partner, zone = orgs[p.partner_id], await issuer.zone(conn)
    subject, body = billing_mode_changed_mail(
        Language.of(partner.language), orgs[p.customer_id].name, old_mode, new_mode, p.updated_at, zone
    )
    await mail.queue(conn, partner.billing_email, subject, body, p.updated_at)
