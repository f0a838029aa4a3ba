"""What the dunning run reads: frozen, typed, one field per selected column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DueInvoice:
    """An unpaid invoice past due that a run claimed."""

    id: str
    due_at: datetime
    dunning_level: int
    dunning_step_at: datetime | None
