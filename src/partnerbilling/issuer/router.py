"""HTTP: the issuer (platform only)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerbilling.errors import InvalidBic, InvalidIban, InvalidVatId
from partnerbilling.issuer import service
from partnerbilling.issuer.schemas import IssuerPut, IssuerRead
from partnerbilling.issuer.service import IssuerNotConfigured
from partnerbilling.openapi import problems
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import issuer_view
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.get(
    "/issuer",
    response_model=IssuerRead,
    summary="Get the issuer",
    operation_id="getIssuer",
    responses=problems(IssuerNotConfigured("No issuer yet; configure it with PUT /v1/admin/issuer.")),
)
async def get_issuer(conn: Conn) -> Response:
    """The provider that sends every invoice (404 `issuer_not_configured` before the first PUT)."""
    return JsonResponse(issuer_view(await service.get_issuer(conn)))


@admin.put(
    "/issuer",
    response_model=IssuerRead,
    summary="Set the issuer",
    operation_id="putIssuer",
    responses=problems(
        InvalidVatId(errors=[{"loc": ["body", "vat_id"], "msg": "not a valid VAT number"}]),
        InvalidIban(errors=[{"loc": ["body", "bank_accounts", "EUR", "iban"], "msg": "a QR-IBAN cannot…"}]),
        InvalidBic(errors=[{"loc": ["body", "bank_accounts", "EUR", "bic"], "msg": "not a valid BIC"}]),
    ),
)
async def put_issuer(conn: Conn, body: IssuerPut) -> Response:
    """Replace the issuer. Documents issued from now on copy it as their seller; documents
    issued before keep the seller they were issued with."""
    return JsonResponse(issuer_view(await service.put_issuer(conn, body)))
