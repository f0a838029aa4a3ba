"""The OpenAPI document as a generated client or a person in /docs reads it: stable operation ids,
declared headers, typed times, maps and events, and per-operation error responses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnerbilling.app import create_app
from partnerbilling.settings import Settings

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    """The document the app serves (it needs no database to build it)."""
    return create_app(Settings(database_url="postgresql+asyncpg://unused/unused")).openapi()


def operations(doc: dict[str, Any], section: str = "paths") -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get(section, {}).items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def test_every_operation_has_a_short_unique_camel_case_id(doc: dict[str, Any]) -> None:
    sections = ("paths", "webhooks")
    ids = [op.get("operationId", "") for section in sections for _, _, op in operations(doc, section)]
    assert len(ids) >= 40
    for op_id in ids:
        assert re.fullmatch(r"[a-z][A-Za-z]+", op_id), op_id
        assert len(op_id) <= 30, op_id
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    by_route = {f"{m.upper()} {p}": op["operationId"] for m, p, op in operations(doc)}
    assert by_route["POST /v1/orders"] == "placeOrder"
    assert by_route["POST /v1/admin/organizations/{org_id}/api-keys"] == "createApiKey"
    assert by_route["PUT /v1/admin/reseller-tiers/{code}"] == "putResellerTier"
