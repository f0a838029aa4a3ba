"""An event as the repository returns it: frozen, typed, one field per column (the names are
the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partnerbilling.events.schemas import EventType
from partnerbilling.jsonio import JSON


@dataclass(frozen=True, slots=True)
class Event:
    """One recipient's copy: ``data`` is the object as that organisation may see it (``org_id``
    None: an event of the platform's own log)."""

    id: str
    org_id: str | None
    type: str
    data: JSON
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to record: its recipient (None: the platform's own log), its type and that
    recipient's payload."""

    org_id: str | None
    type: EventType
    data: JSON
