"""Every API router. Their routes go into the app's own router in this order (``app.create_app``),
and a request is matched against them route by route, so the operations every client calls most
(placing orders, polling invoices) come first; the OpenAPI document orders its tags by
``openapi.TAGS``, not by this list."""

from fastapi import APIRouter

from partnerbilling.accounts import router as accounts
from partnerbilling.cashback import router as cashback
from partnerbilling.catalog import router as catalog
from partnerbilling.dunning import router as dunning
from partnerbilling.events import router as events
from partnerbilling.foresight import preview_router
from partnerbilling.foresight import router as foresight
from partnerbilling.invoices import router as invoices
from partnerbilling.invoicing import router as invoicing
from partnerbilling.issuer import router as issuer
from partnerbilling.jobs import router as jobs
from partnerbilling.journal import router as journal
from partnerbilling.operators import router as operators
from partnerbilling.orders import router as orders
from partnerbilling.organizations import router as organizations
from partnerbilling.partnerships import router as partnerships
from partnerbilling.payments import receipts_router
from partnerbilling.payments import router as payments
from partnerbilling.payouts import batch_router as payout_batches
from partnerbilling.payouts import router as payouts
from partnerbilling.renewals import router as renewals
from partnerbilling.schedules import router as schedules
from partnerbilling.subscriptions import router as subscriptions
from partnerbilling.webhooks import router as webhooks

ALL_ROUTERS: list[APIRouter] = [
    orders.router,
    foresight.router,
    invoicing.router,
    invoices.router,
    payments.router,
    organizations.router,
    catalog.router,
    partnerships.router,
    preview_router.router,
    subscriptions.router,
    cashback.router,
    accounts.router,
    payouts.router,
    events.router,
    webhooks.router,
    organizations.admin,
    issuer.admin,
    events.admin,
    catalog.admin,
    invoices.admin,
    payments.admin,
    receipts_router.admin,
    renewals.admin,
    dunning.admin,
    invoicing.admin,
    jobs.admin,
    payouts.admin,
    accounts.admin,
    operators.admin,
    journal.admin,
    schedules.admin,
    payout_batches.admin,
]
