"""Idempotency keys on POST (SPEC §4): what makes two requests the same. The web layer
(:mod:`partnerbilling.web_idempotency`) replays the first response and refuses a different body."""

from __future__ import annotations

import hashlib

import orjson

from partnerbilling.jsonio import loads

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("content-type", "location")


def request_fingerprint(method: str, path: str, body: bytes, *, body_optional: bool = False) -> str:
    """A hash of what makes two requests "the same": method, path and the JSON body's content.
    For an operation whose body is optional (or that takes none), an absent body, ``null`` and
    ``{}`` all mean "no options", so they are the same request."""
    try:
        document = loads(body) if body.strip() else None
    except ValueError:
        canonical = body
    else:
        nothing = not body.strip() or (body_optional and document in (None, {}))
        # Sorted keys and orjson's one spelling of each value: {} and [] stay apart, key order
        # and white space do not matter.
        canonical = b"" if nothing else orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()
