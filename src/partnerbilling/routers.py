"""Every API router, in the order the OpenAPI document lists them."""

from fastapi import APIRouter

from partnerbilling.catalog import router as catalog
from partnerbilling.organizations import router as organizations

ALL_ROUTERS: list[APIRouter] = [
    organizations.router,
    catalog.router,
    organizations.admin,
    catalog.admin,
]
