from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class Event(Base):
    """One row per recipient: ``data`` is the object as that organisation may see it."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_org_created", "org_id", "created_at", "id"),
        Index("ix_events_org_type_created", "org_id", "type", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # None: an event of the platform's own log (organization.updated, issuer.updated).
    org_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("organizations.id"))
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[JSON] = mapped_column(JSONB)
    created_at: Mapped[datetime]
