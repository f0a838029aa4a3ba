"""Authentication is declared by the operations: the bearer scheme comes from their typed
dependencies (partnerbilling.web_auth), never from their path, and the route class still
refuses a request without a valid key before it looks at anything else."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from partnerbilling.unit_of_work import TransactionalRoute
from partnerbilling.web_auth import Authenticated, OrgId
from tests.asserts import assert_problem
from tests.support import Api


def _document_with_extra_operations(settings: Settings) -> dict[str, Any]:
    app = create_app(settings)
    unguarded = APIRouter(prefix="/v1", route_class=TransactionalRoute)
    guarded = APIRouter(prefix="/v1", route_class=TransactionalRoute, dependencies=[Authenticated])
    elsewhere = APIRouter(prefix="/internal", route_class=TransactionalRoute)

    @unguarded.get("/unguarded", operation_id="unguarded")
    async def unguarded_op() -> None:
        return None

    @guarded.get("/guarded", operation_id="guarded")
    async def guarded_op() -> None:
        return None

    @elsewhere.get("/as-org", operation_id="asOrg")
    async def as_org(org_id: OrgId) -> None:
        return None

    for router in (unguarded, guarded, elsewhere):
        app.include_router(router)
    doc: dict[str, Any] = app.openapi()
    return doc


def test_security_comes_from_the_operations_dependencies_not_their_path(settings: Settings) -> None:
    paths = _document_with_extra_operations(settings)["paths"]
    assert "security" not in paths["/v1/unguarded"]["get"]
    assert paths["/v1/guarded"]["get"]["security"] == [{"bearer": []}]
    assert paths["/internal/as-org"]["get"]["security"] == [{"bearer": []}]


def test_every_api_operation_declares_the_bearer_scheme_once(settings: Settings) -> None:
    doc = create_app(settings).openapi()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            expected: list[dict[str, list[str]]] | None = (
                [{"bearer": []}] if path.startswith("/v1/") else None
            )
            assert operation.get("security") == expected, f"{method.upper()} {path}"


async def test_a_missing_key_is_401_before_the_input_is_looked_at(api: Api) -> None:
    assert_problem(await api.client.get("/v1/orders?limit=abc"), 401, "unauthenticated")
    response = await api.client.post("/v1/orders", content=b"{", headers={"Content-Type": "application/json"})
    assert_problem(response, 401, "unauthenticated")
    assert_problem(await api.client.post("/v1/orders", json={"sku": 1}), 401, "unauthenticated")
    assert_problem(await api.client.get("/v1/orders/ord_unknown"), 401, "unauthenticated")


async def test_the_wrong_kind_of_caller_is_refused_before_the_input_is_validated(api: Api) -> None:
    """The route class calls the caller and connection dependencies itself, before FastAPI
    validates the rest of the input, in the order FastAPI would: the platform token on an
    organisation's operation is 403 whatever its body, query or path, an organisation key on
    an admin operation too."""
    assert_problem(await api.admin("POST", "/v1/orders", json={"sku": 1}), 403, "forbidden")
    assert_problem(await api.admin("GET", "/v1/orders?limit=abc"), 403, "forbidden")
    assert_problem(await api.admin("GET", f"/v1/orders/{'x' * 41}"), 403, "forbidden")
    acme = await api.org("Acme")
    refused = await api.call(acme, "POST", "/v1/admin/renewals/run", json={"as_of": "not a time"})
    assert_problem(refused, 403, "forbidden")
