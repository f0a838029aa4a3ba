"""The mail worker's data path: typed claimed messages, and a round that runs only statements
compiled at import."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.mail import repository
from partnerbilling.mail.domain import ClaimedMail, MailOutcome
from partnerbilling.mail.sender import send_due_mails
from partnerbilling.settings import Settings
from tests.precompiled import only_precompiled
from tests.webhooks.flows import scalar
from tests.webhooks.peers import SmtpSink, free_port


async def test_a_mail_round_runs_only_precompiled_statements(
    db: AsyncEngine, settings: Settings, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    up = settings.model_copy(update={"smtp_url": smtp.url})
    async with transaction(db) as conn:
        await repository.queue(conn, "billing@acme.example", "Hello", "Body\n", utcnow())

    with only_precompiled(db, monkeypatch) as failing:
        assert await send_due_mails(db, down) == 1  # a failure: retried later
    await scalar(db, "UPDATE outbox_mails SET next_attempt_at = now() RETURNING 1")
    with only_precompiled(db, monkeypatch) as sending:
        assert await send_due_mails(db, up) == 1

    assert (failing, sending) == ([], [])
    assert len(smtp.messages) == 1
    assert await scalar(db, "SELECT status || ' ' || attempt_count FROM outbox_mails") == "sent 2"


async def test_a_claimed_mail_is_typed_and_a_lost_lease_records_nothing(db: AsyncEngine) -> None:
    at = utcnow()
    async with transaction(db) as conn:
        mail_id = await repository.queue(conn, "billing@acme.example", "Hi\nthere", "Body\n", at)
    async with transaction(db) as conn:
        (claimed,) = await repository.claim_due(conn, utcnow(), 10, at)
        lost = await repository.finish(conn, mail_id, utcnow(), MailOutcome("sent", 1, None, sent_at=at))
        kept = await repository.finish(conn, mail_id, at, MailOutcome("failed", 1, "refused"))

    assert claimed == ClaimedMail(mail_id, "billing@acme.example", "Hi there", "Body\n", 0, at, at)
    assert (lost, kept) == (False, True)
    status = "status || ' ' || attempt_count || ' ' || last_error || ' ' || (sent_at IS NULL)"
    assert await scalar(db, f"SELECT {status} FROM outbox_mails") == "failed 1 refused true"
