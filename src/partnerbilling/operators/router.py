"""HTTP: the platform's operator keys and the audit trail of admin writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.fields import Timestamp
from partnerbilling.idempotency.redaction import replayed_without
from partnerbilling.operators import service
from partnerbilling.operators.schemas import AuditList, OperatorKeyCreate, OperatorKeyCreated, OperatorKeyList
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

OperatorKeyId = Annotated[str, Path(max_length=40, description="An operator key id.")]


@admin.post(
    "/operator-keys",
    status_code=201,
    response_model=OperatorKeyCreated,
    summary="Create an operator key",
    operation_id="createOperatorKey",
)
@replayed_without("key")
async def create_operator_key(conn: Conn, body: OperatorKeyCreate) -> Response:
    """A named key for the admin API with a role. The key is shown in this response only; it
    is stored as a hash."""
    return JsonResponse(await service.create_operator_key(conn, body.name, body.role), status_code=201)


@admin.get(
    "/operator-keys",
    response_model=OperatorKeyList,
    summary="List the operator keys",
    operation_id="listOperatorKeys",
)
async def list_operator_keys(conn: Conn, page: Page) -> Response:
    """Every operator key, revoked ones included, newest first; never the keys themselves."""
    return JsonResponse(await service.list_operator_keys(conn, page))


@admin.delete(
    "/operator-keys/{operator_key_id}",
    status_code=204,
    summary="Revoke an operator key",
    operation_id="revokeOperatorKey",
)
async def revoke_operator_key(conn: Conn, operator_key_id: OperatorKeyId) -> Response:
    """Revoke an operator key; requests with it answer 401 from now on."""
    await service.revoke_operator_key(conn, operator_key_id)
    return Response(status_code=204)


@admin.get("/audit", response_model=AuditList, summary="List the audit trail", operation_id="listAudit")
async def list_audit(
    conn: Conn,
    page: Page,
    operator: Annotated[
        str | None,
        Query(
            max_length=40, description="Only this operator key's writes (`platform`: the platform token's)."
        ),
    ] = None,
    since: Annotated[
        Timestamp | None, Query(alias="from", description="Only writes at or after this time.")
    ] = None,
) -> Response:
    """Every admin write, answered or refused, newest first: who (the operator key, or
    `platform`), with which role, which operation on which object, and the answer's status."""
    return JsonResponse(await service.list_audit(conn, page, operator, since))
