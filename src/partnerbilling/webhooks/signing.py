"""Standard Webhooks signing: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from datetime import datetime
from math import floor

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(
    signing_secrets: Iterable[str], msg_id: str, timestamp: datetime, payload: str
) -> dict[str, str]:
    """The headers of one attempt. With several secrets (during a rotation) the signatures are
    space-separated, so a receiver holding either secret verifies the message."""
    signature = " ".join(Webhook(secret).sign(msg_id, timestamp, payload) for secret in signing_secrets)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(floor(timestamp.timestamp())),
        "webhook-signature": signature,
    }
