"""Partnerships and their change history as the repository returns them: frozen, typed, one
field per column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Partnership:
    id: str
    customer_id: str
    partner_id: str
    access: str
    billing_mode: str
    status: str
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    ended_by_id: str | None
