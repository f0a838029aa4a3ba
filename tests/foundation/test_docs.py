"""The OpenAPI document and the interactive docs, which work offline."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support import Api

_ATTRIBUTE_URL = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""\burl\s*:\s*["']([^"']+)["']""")
_ABSOLUTE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+""")

FOUNDATION_BODIES = [
    ("post", "/v1/admin/organizations"),
    ("patch", "/v1/admin/organizations/{org_id}"),
    ("put", "/v1/admin/reseller-tiers/{code}"),
    ("put", "/v1/admin/products/{sku}"),
]


def _local(url: str) -> bool:
    return url.startswith("http://test/") or (url.startswith("/") and not url.startswith("//"))


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_the_docs_load_nothing_from_outside_the_service(api: Api, page: str) -> None:
    response = await api.client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    urls = _ATTRIBUTE_URL.findall(html) + _SCRIPT_URL.findall(html)
    if page != "/docs/oauth2-redirect":
        assert any(url.endswith(".js") for url in urls), html
    for url in urls:
        assert _local(url), f"{page} references {url}"
    assert [host for host in _ABSOLUTE.findall(html) if host != "http://test"] == [], html
    for url in urls:
        asset = await api.client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url


async def test_the_openapi_document_declares_the_bearer_scheme(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearer"]["description"],
    }
    assert doc["info"]["title"] == "partnerbilling"
    assert doc["info"]["description"].strip()


async def test_every_api_operation_is_described_secured_and_documents_its_problems(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    operations = [
        (m, p, op) for p, item in doc["paths"].items() if p.startswith("/v1/") for m, op in item.items()
    ]
    assert len(operations) >= 9
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for method, path, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary", "").strip(), where
        assert op.get("description", "").strip(), where
        assert op.get("tags"), where
        assert op.get("security") == [{"bearer": []}], where
        assert {"401", "500", "503"} <= op["responses"].keys(), where
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                body = response["content"]["application/problem+json"]
                assert body["schema"] == problem_ref, (where, status)
    assert {"type", "title", "status", "detail", "code"} <= set(
        doc["components"]["schemas"]["Problem"]["required"]
    )


async def test_the_platform_request_bodies_carry_examples(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    for method, path in FOUNDATION_BODIES:
        content = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
        schema: dict[str, Any] = content["schema"]
        if "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert content.get("examples") or schema.get("examples"), (method, path)


async def test_money_and_rates_are_documented_as_strings(api: Api) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["OrganizationCreate"]["properties"]["vat_rate"]["type"] == "string"
    assert schemas["TierPut"]["properties"]["default_rate"]["type"] == "string"
    prices = schemas["ProductPut"]["properties"]["prices"]
    assert prices["additionalProperties"]["type"] == "string"
