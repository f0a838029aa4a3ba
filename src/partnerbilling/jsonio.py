"""JSON responses rendered with orjson: the hot paths return ready dicts, not models."""

from typing import Any

import orjson
from fastapi.responses import Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def dumps(content: Any) -> bytes:
    """Serialise a JSON document (UTF-8 bytes)."""
    return orjson.dumps(content)


def loads(data: bytes | str) -> Any:
    """Parse a JSON document."""
    return orjson.loads(data)
