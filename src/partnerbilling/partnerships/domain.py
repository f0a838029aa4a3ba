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


@dataclass(frozen=True, slots=True)
class PartnershipChange:
    """One recorded change of a partnership's access or billing mode."""

    id: str
    partnership_id: str
    field: str
    old_value: str | None
    new_value: str | None
    changed_by_id: str
    changed_at: datetime

    @property
    def created_at(self) -> datetime:
        """When it was recorded, under the name the pages' cursor reads."""
        return self.changed_at
