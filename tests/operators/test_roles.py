"""Operator roles (SPEC §18), generated from the app's own ``/openapi.json``: every admin
operation is called with every role's key, with made-up ids and a body that is not valid. Where
the role map forbids it, the answer is 403 ``role_forbidden`` (decided before the body is read or
the object looked up); where it allows it, anything but 403. A new admin operation is covered
without a line here, and fails the guard until the role map names its resource."""

from __future__ import annotations

import re
import uuid
from typing import Any

from partnerbilling.operators.domain import Role
from partnerbilling.web_roles import EVERY_ROLE, PLATFORM, WRITERS, resource_of, roles_for
from tests.asserts import assert_problem
from tests.operators.support import one_of_each_role
from tests.support import Api

PARAMETER = re.compile(r"\{[^}]+\}")
WRITES = {"post", "put", "patch", "delete"}


async def _admin_operations(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    paths: dict[str, dict[str, Any]] = (await api.client.get("/openapi.json")).json()["paths"]
    return [
        (method.upper(), path, operation)
        for path, item in paths.items()
        if path.startswith("/v1/admin/")
        for method, operation in item.items()
    ]


def _filled(path: str) -> str:
    return PARAMETER.sub(lambda _: str(uuid.uuid4()), path)


async def test_every_admin_operation_answers_each_role_as_the_role_map_says(api: Api) -> None:
    operators = await one_of_each_role(api)
    operations = await _admin_operations(api)
    assert len(operations) >= 20
    refused = allowed = 0
    for method, template, _ in operations:
        path = _filled(template)
        body = {"json": {"not_a_field": True}} if method.lower() in WRITES else {}
        for role, operator in operators.items():
            response = await operator.call(method, path, **body)
            where = f"{role} {method} {template}"
            assert response.status_code < 500, (where, response.text)
            if role in roles_for(method, template):
                assert response.status_code != 403, (where, response.text)
                allowed += 1
            else:
                problem = assert_problem(response, 403, "role_forbidden")
                assert role.value in problem["detail"], where
                refused += 1
        # The platform token may do everything.
        assert (await api.admin(method, path, **body)).status_code not in (401, 403), template
    assert refused and allowed


async def test_every_admin_write_names_a_resource_of_the_role_map(api: Api) -> None:
    """The guard: a write whose resource the map does not name is closed to all but ``admin``;
    give it an area in ``partnerbilling.web_roles.WRITERS``."""
    writes = [(m, p) for m, p, _ in await _admin_operations(api) if m.lower() in WRITES]
    unnamed = sorted(f"{m} {p}" for m, p in writes if resource_of(p) not in WRITERS)
    assert not unnamed, f"name their resource in web_roles.WRITERS: {unnamed}"


async def test_the_document_states_each_admin_operations_roles(api: Api) -> None:
    for method, path, operation in await _admin_operations(api):
        allowed = roles_for(method, path)
        assert operation["x-roles"] == [role.value for role in Role if role in allowed], (method, path)
        assert operation["description"].rstrip().endswith(".") and "Roles:" in operation["description"]
        if allowed != EVERY_ROLE:
            assert (
                "role_forbidden"
                in operation["responses"]["403"]["content"]["application/problem+json"]["examples"]
            )


def test_the_role_map_reads_as_the_spec() -> None:
    finance, support, readonly, admin = Role.FINANCE, Role.SUPPORT, Role.READONLY, Role.ADMIN
    assert roles_for("POST", "/v1/admin/payments") == {admin, finance}
    assert roles_for("POST", "/v1/admin/invoices/{invoice_id}/credit-note") == {admin, finance}
    assert roles_for("POST", "/v1/admin/payout-batches") == {admin, finance}
    assert roles_for("POST", "/v1/admin/receipts/{receipt_id}/apply") == {admin, finance}
    assert roles_for("POST", "/v1/admin/accounts/{org_id}/adjustments") == {admin, finance}
    assert roles_for("POST", "/v1/admin/renewals/run") == {admin, finance}
    assert roles_for("PATCH", "/v1/admin/organizations/{org_id}") == {admin, support}
    assert roles_for("DELETE", "/v1/admin/api-keys/{key_id}") == {admin, support}
    for platform in ("/v1/admin/products/{sku}", "/v1/admin/reseller-tiers/{code}", "/v1/admin/issuer"):
        assert roles_for("PUT", platform) == {admin}
    assert roles_for("POST", "/v1/admin/operator-keys") == {admin}
    assert roles_for("GET", "/v1/admin/operator-keys") == set(Role)
    assert all(readonly in roles_for("GET", path) for path in ("/v1/admin/audit", "/v1/admin/jobs"))
    # Fails closed: a write on a resource the map does not name is the platform's.
    assert roles_for("POST", "/v1/admin/something-new/{id}/do") == PLATFORM


async def test_a_forbidden_role_gets_403_before_its_input_is_looked_at(api: Api) -> None:
    operators = await one_of_each_role(api)
    support, finance = operators[Role.SUPPORT], operators[Role.FINANCE]
    org = await api.org("Acme")
    # A body that is not even JSON, an id that does not exist: the role decides first.
    garbage = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    response = await support.call("POST", f"/v1/admin/invoices/{uuid.uuid4()}/pay", **garbage)
    assert_problem(response, 403, "role_forbidden")
    response = await finance.call("PATCH", f"/v1/admin/organizations/{org.id}", **garbage)
    assert_problem(response, 403, "role_forbidden")
    # The allowed role gets the real answer to the same requests.
    assert_problem(await finance.call("POST", f"/v1/admin/invoices/{uuid.uuid4()}/pay"), 404, "not_found")
    response = await support.call("PATCH", f"/v1/admin/organizations/{org.id}", json={"name": "Acme AG"})
    assert response.status_code == 200 and response.json()["name"] == "Acme AG"
