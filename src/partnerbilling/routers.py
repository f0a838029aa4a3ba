"""Every API router, in the order the OpenAPI document lists them."""

from fastapi import APIRouter

from partnerbilling.cashback import router as cashback
from partnerbilling.catalog import router as catalog
from partnerbilling.invoices import router as invoices
from partnerbilling.orders import router as orders
from partnerbilling.organizations import router as organizations
from partnerbilling.partnerships import router as partnerships
from partnerbilling.subscriptions import router as subscriptions

ALL_ROUTERS: list[APIRouter] = [
    organizations.router,
    catalog.router,
    partnerships.router,
    orders.router,
    subscriptions.router,
    invoices.router,
    cashback.router,
    organizations.admin,
    catalog.admin,
    invoices.admin,
]
