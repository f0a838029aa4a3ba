"""Outbox messages as the repository returns and takes them: frozen and typed (the names are
the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ClaimedMail:
    """A message the worker leased until ``lease_until``."""

    id: str
    to_address: str
    subject: str
    body: str
    attempt_count: int
    lease_until: datetime
    created_at: datetime
    attach_invoice_id: str | None = None  # the invoice whose PDF goes with it


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """A message's state after a sending attempt: ``pending`` (retried at ``next_attempt_at``),
    ``sent`` or ``failed``."""

    status: str
    attempt_count: int
    last_error: str | None
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None
