"""Every ``202 Accepted`` says where to follow what it accepted: its ``Location`` header is
declared in the OpenAPI document, so a generated client exposes it."""

from __future__ import annotations

from typing import Any

from tests.foundation.test_openapi_document import doc, operations

__all__ = ["doc"]


def test_every_202_declares_its_location_header(doc: dict[str, Any]) -> None:
    accepted = [(method, path, op) for method, path, op in operations(doc) if "202" in op["responses"]]
    assert len(accepted) >= 4
    for method, path, op in accepted:
        headers = op["responses"]["202"].get("headers", {})
        assert "Location" in headers, (method, path)
        assert headers["Location"]["schema"] == {"type": "string"}, (method, path)
