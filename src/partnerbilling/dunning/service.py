"""One dunning step of one invoice (SPEC §10): load, plan (billing.dunning), save, tell.

The step is taken under the invoice's row lock and recorded only if the invoice is still at the
level it was read at, so two runs side by side never take a step twice. Events are recorded and
e-mails queued in the same transaction as the step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from partnerbilling.billing.domain import PlannedEvent, event_rows
from partnerbilling.billing.dunning import FINAL_NOTICE, SUSPENSION, next_step, suspends_at
from partnerbilling.catalog import repository as catalog
from partnerbilling.catalog.domain import product_of
from partnerbilling.dunning import repository
from partnerbilling.dunning.messages import customer_at_risk_mail, payer_mail
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoices.domain import Invoice
from partnerbilling.issuer import repository as issuer
from partnerbilling.language import Language
from partnerbilling.mail import repository as mail
from partnerbilling.orders import repository as orders
from partnerbilling.organizations import repository as organizations
from partnerbilling.sql import Connection
from partnerbilling.states import SUBSCRIPTION, UNPAID_INVOICE, InvoiceKind, SubscriptionStatus
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.visibility import invoice_view, subscription_view


async def take_step(
    conn: Connection, invoice_id: str, as_of: datetime, schedule: Sequence[int], now: datetime
) -> int | None:
    """Take the invoice's next dunning step if one is due at ``as_of``; the new level, or None
    (paid, credited, not due yet, or taken by another run meanwhile)."""
    invoice = await invoices.get(conn, invoice_id, lock=True)
    if invoice is None or invoice.kind != InvoiceKind.INVOICE or invoice.status not in UNPAID_INVOICE:
        return None
    level = next_step(invoice.due_at, invoice.dunning_level, as_of, schedule, invoice.dunning_step_at)
    if level is None:
        await repository.release_many(conn, [invoice.id])
        return None
    stepped = await repository.step(conn, invoice.id, invoice.dunning_level, level, as_of)
    if stepped is None:
        return None
    suspension = as_of if level == SUSPENSION else _suspension(stepped, as_of, schedule)
    planned = [
        PlannedEvent(EventType.INVOICE_OVERDUE, (stepped.payer_id,), lambda v: invoice_view(v, stepped))
    ]
    if level >= FINAL_NOTICE:
        planned += await _put_at_risk(conn, stepped, level, (as_of, now), suspension)
    rows = [NewEvent(org, kind, data) for org, kind, data in event_rows(planned)]
    await events.record(conn, rows, now)
    await _mail_payer(conn, stepped, level, suspension, now)
    return level


def _suspension(invoice: Invoice, as_of: datetime, schedule: Sequence[int]) -> datetime:
    """When the suspension falls due after a step taken at ``as_of``: its day in the schedule,
    or the schedule's gap after this step if the run came late."""
    gap = timedelta(days=schedule[SUSPENSION - 1] - schedule[invoice.dunning_level - 1])
    return max(suspends_at(invoice.due_at, schedule), as_of + gap)


async def _mail_payer(
    conn: Connection, invoice: Invoice, level: int, suspension: datetime, now: datetime
) -> None:
    payer = await organizations.get(conn, invoice.payer_id)
    assert payer is not None  # an invoice's payer is never deleted
    buyer = invoice.buyer or {}
    language = Language.of(buyer.get("language") or payer.language)
    country = (buyer.get("address") or {}).get("country")
    zone = await issuer.zone(conn)
    due = (invoice.amount_due, invoice.currency, invoice.dates[1])
    subject, body = payer_mail(
        language, country, level, invoice.number, due, invoice.payment_reference,
        suspension.astimezone(zone).date(),
    )  # fmt: skip
    # A CHF invoice's reminder carries its PDF, whose QR-bill pays what is still due in one scan.
    attach = invoice.id if invoice.currency == "CHF" and invoice.seller is not None else None
    await mail.queue(conn, payer.billing_email, subject, body, now, attach_invoice_id=attach)


async def _put_at_risk(
    conn: Connection, invoice: Invoice, level: int, at: tuple[datetime, datetime], suspension: datetime
) -> list[PlannedEvent]:
    """The subscription the invoice charged: at risk from the final notice, suspended at the
    last step; when the partner pays, its customer is told (without an amount or the invoice).
    ``at``: the run's ``as_of`` and the time now."""
    as_of, now = at
    order = await orders.get(conn, invoice.order_id)
    sub = None if order is None else await subscriptions.get(conn, order.subscription_id, lock=True)
    if sub is None or sub.status == SubscriptionStatus.CANCELLED:
        return []
    values: dict[str, object] = {"at_risk_since": sub.at_risk_since or as_of, "suspends_at": suspension}
    suspend = level == SUSPENSION and SUBSCRIPTION.may_move(sub.status, SubscriptionStatus.SUSPENDED)
    if suspend:
        values["status"] = SubscriptionStatus.SUSPENDED
    await subscriptions.change(conn, sub.id, values)
    changed = await subscriptions.get(conn, sub.id)
    assert changed is not None
    partner = changed.active_partner_id
    planned: list[PlannedEvent] = []
    if suspend:
        planned.append(
            PlannedEvent(
                EventType.SUBSCRIPTION_SUSPENDED,
                (changed.customer_id, partner),
                lambda v: subscription_view(v, changed, partner),
            )
        )
    if invoice.payer_id != changed.customer_id:
        planned.append(
            PlannedEvent(
                EventType.SUBSCRIPTION_AT_RISK,
                (changed.customer_id,),
                lambda v: subscription_view(v, changed, partner),
            )
        )
        await _mail_customer(conn, invoice.payer_id, changed.customer_id, changed.sku, level, suspension, now)
    return planned


async def _mail_customer(
    conn: Connection,
    partner_id: str,
    customer_id: str,
    sku: str,
    level: int,
    suspension: datetime,
    now: datetime,
) -> None:
    orgs = await organizations.get_many(conn, [partner_id, customer_id])
    product = await catalog.get_product(conn, sku)
    customer = orgs[customer_id]
    language = Language.of(customer.language)
    name = product_of(product).name_in(language.value) if product else sku
    suspends_on = suspension.astimezone(await issuer.zone(conn)).date()
    subject, body = customer_at_risk_mail(language, level, name, orgs[partner_id].name, suspends_on)
    await mail.queue(conn, customer.billing_email, subject, body, now)
