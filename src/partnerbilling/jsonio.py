"""JSON in and out with orjson: documents written and parsed, and request bodies checked to be
JSON the service can read before anything else looks at them. The web layer's response class is
:class:`partnerbilling.web_json.JsonResponse`."""

from typing import Any

import orjson

# A JSON object as the service writes and reads it: views, event payloads, problem documents.
JSON = dict[str, Any]

# Deeper than any request body of the API needs by far, and shallow enough that no code walking
# a parsed body recursively (validation, idempotency fingerprints) can run out of stack.
MAX_DEPTH = 64


class UnreadableJson(ValueError):
    """A request body that is not JSON as RFC 8259 defines it, or is nested too deep."""


def dumps(content: object) -> bytes:
    """Serialise a JSON document (UTF-8 bytes)."""
    return orjson.dumps(content)


def loads(data: bytes | str) -> Any:
    """Parse a JSON document."""
    return orjson.loads(data)


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json`` or ``application/<anything>+json``, with any parameters."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def read_body(data: bytes) -> Any:
    """Parse a request body: UTF-8 JSON without NaN, infinities, lone surrogates or a byte order
    mark, nested at most :data:`MAX_DEPTH` levels deep; else :class:`UnreadableJson`.

    orjson refuses to nest deeper than 1024 levels while it parses, so no body can exhaust the
    stack here; the stricter limit is checked on the parsed value, only when the body has more
    brackets than the limit (which almost none has)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        # orjson's own limit (1024 levels) is the same refusal as ours.
        if "depth limit" in str(exc):
            raise UnreadableJson(f"nested deeper than {MAX_DEPTH} levels") from None
        raise UnreadableJson(f"not valid JSON ({exc})") from None
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise UnreadableJson(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels deep; level by level, without
    recursion."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (dict, list))
        ]
    return False
