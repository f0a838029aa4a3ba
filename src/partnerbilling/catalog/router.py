"""HTTP: the product catalogue, and the platform's tier and product operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from partnerbilling.catalog import repository, service
from partnerbilling.catalog.schemas import ProductPut, ProductRead, TierPut, TierRead
from partnerbilling.catalog.service import CategoryRatesRequired
from partnerbilling.openapi import problems
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import product_view, tier_view
from partnerbilling.web_auth import CurrentCaller, Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Limit

router = APIRouter(prefix="/v1", tags=["products"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CodePath = Annotated[str, Path(pattern=CODE_PATTERN)]


class ProductList(BaseModel):
    data: list[ProductRead]
    next_cursor: str | None


@router.get("/products", response_model=ProductList, summary="List products", operation_id="listProducts")
async def list_products(
    conn: Conn,
    _: CurrentCaller,
    limit: Limit = 20,
    # A sku has this shape; anything else is refused here instead of reaching the database.
    cursor: Annotated[str | None, Query(pattern=CODE_PATTERN, description="The last sku seen.")] = None,
) -> Response:
    """The catalogue, by sku, with prices per currency (excluding VAT)."""
    rows = await repository.list_products(conn, cursor, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    return JsonResponse(
        {
            "data": [product_view(row) for row in rows],
            "next_cursor": rows[-1].sku if more else None,
        }
    )


@admin.put(
    "/reseller-tiers/{code}",
    response_model=TierRead,
    summary="Create or replace a tier",
    operation_id="putResellerTier",
    responses=problems(CategoryRatesRequired),
)
async def put_tier(conn: Conn, code: CodePath, body: TierPut) -> Response:
    """The partner rates of a tier: a rate per product category, else `default_rate`.
    Orders copy the rate when priced, so a change never rewrites history."""
    return JsonResponse(tier_view(await service.put_tier(conn, code, body)))


@admin.put(
    "/products/{sku}",
    response_model=ProductRead,
    summary="Create or replace a product",
    operation_id="putProduct",
)
async def put_product(conn: Conn, sku: CodePath, body: ProductPut) -> Response:
    """A product and its public prices (excluding VAT) per currency."""
    return JsonResponse(product_view(await service.put_product(conn, sku, body)))
