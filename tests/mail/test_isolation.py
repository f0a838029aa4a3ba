"""One message that cannot be built or sent fails alone: its batch mates go out exactly once, and
text stored before the input rules existed still makes a sendable message."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import worker
from partnerbilling.db import transaction, utcnow
from partnerbilling.mail import repository
from partnerbilling.mail.sender import RETRY_DELAYS, error_text, send_due_mails
from partnerbilling.settings import Settings
from tests.webhooks.flows import scalar
from tests.webhooks.peers import SmtpSink

# The recipient is not one address: building the message must fail, and nothing must be repaired
# into a message to someone else.
UNBUILDABLE_TO = "billing@acme.example\u2028Bcc: someone@elsewhere.example"


async def _legacy_row(db: AsyncEngine, to: str, subject: str, body: str = "Hello\n") -> str:
    """A row as it would have been written before the input rules: straight into the table."""
    mail_id: str = await scalar(
        db,
        "INSERT INTO outbox_mails (id, to_address, subject, body, status, attempt_count,"
        " next_attempt_at, created_at) VALUES ('mail_' || md5(random()::text), :to, :subject, :body,"
        " 'pending', 0, now(), now()) RETURNING id",
        to=to,
        subject=subject,
        body=body,
    )
    return mail_id


async def _queue_good(db: AsyncEngine, count: int) -> list[str]:
    async with transaction(db) as conn:
        return [
            await repository.queue(conn, f"partner{i}@example.com", f"Good {i}", "Hello\n", utcnow())
            for i in range(count)
        ]


async def _row(db: AsyncEngine, mail_id: str) -> dict[str, Any]:
    row: dict[str, Any] = await scalar(
        db,
        "SELECT json_build_object('status', status, 'attempts', attempt_count, 'error', last_error,"
        " 'delay', extract(epoch FROM next_attempt_at - now())) FROM outbox_mails WHERE id = :id",
        id=mail_id,
    )
    return row


def _subjects(smtp: SmtpSink) -> Counter[str]:
    return Counter(str(message["Subject"]) for message in smtp.messages)


async def test_a_batch_with_one_unbuildable_message_sends_every_other_message_exactly_once(
    db: AsyncEngine, settings: Settings, smtp: SmtpSink
) -> None:
    good = await _queue_good(db, 3)
    bad = await _legacy_row(db, UNBUILDABLE_TO, "Bad recipient")
    poisoned = await _legacy_row(db, "billing@acme.example", "Poison\u2028Subject\x85and\u2029more")
    with_smtp = settings.model_copy(update={"smtp_url": smtp.url})

    assert await send_due_mails(db, with_smtp) == 5
    assert _subjects(smtp) == Counter(["Good 0", "Good 1", "Good 2", "Poison Subject and more"])
    assert all(address != ["someone@elsewhere.example"] for address in smtp.inbox.recipients)
    for mail_id in [*good, poisoned]:
        assert (await _row(db, mail_id))["status"] == "sent"
    failed = await _row(db, bad)
    assert failed["status"] == "pending" and failed["attempts"] == 1
    assert "ValueError" in failed["error"] and "addr_spec" in failed["error"]
    assert RETRY_DELAYS[0] - 5 < failed["delay"] <= RETRY_DELAYS[0]

    # Due again: only the bad one is tried, and it fails again, alone.
    await scalar(db, "UPDATE outbox_mails SET next_attempt_at = now() WHERE id = :id RETURNING 1", id=bad)
    assert await send_due_mails(db, with_smtp) == 1
    assert len(smtp.messages) == 4
    assert (await _row(db, bad))["attempts"] == 2


async def test_the_worker_keeps_sending_the_others_while_one_message_keeps_failing(
    db: AsyncEngine, settings: Settings, smtp: SmtpSink
) -> None:
    bad = await _legacy_row(db, UNBUILDABLE_TO, "Bad recipient")
    await _legacy_row(db, "billing@acme.example", "Poison\u2028Subject")
    await _queue_good(db, 3)
    fast = settings.model_copy(update={"smtp_url": smtp.url, "worker_poll_interval": 0.05})
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_worker(db, fast, stop))
    try:
        for attempts in (1, 2):
            await _wait_for_attempts(db, bad, attempts)
            # The failed one is made due again at once, as if its retry delay had passed.
            await scalar(
                db, "UPDATE outbox_mails SET next_attempt_at = now() WHERE id = :id RETURNING 1", id=bad
            )
        await _wait_for_attempts(db, bad, 3)
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
    assert _subjects(smtp) == Counter(["Good 0", "Good 1", "Good 2", "Poison Subject"])
    statuses = await scalar(
        db, "SELECT json_agg(status || ' ' || attempt_count ORDER BY subject) FROM outbox_mails"
    )
    assert statuses == ["pending 3", "sent 1", "sent 1", "sent 1", "sent 1"]  # "Bad recipient" first


async def _wait_for_attempts(db: AsyncEngine, mail_id: str, attempts: int) -> None:
    for _ in range(200):
        if (await _row(db, mail_id))["attempts"] >= attempts:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{mail_id} was not attempted {attempts} times")


@pytest.mark.parametrize("subject", ["A\x00B", "A\x1b[2JB", "A\u202eB", "A\ud800B", "x" * 400])
async def test_whatever_the_subject_a_queued_message_fits_one_header_line(
    db: AsyncEngine, subject: str
) -> None:
    async with transaction(db) as conn:
        await repository.queue(conn, "billing@acme.example", subject, "Hello\n", utcnow())
    stored = await scalar(db, "SELECT subject FROM outbox_mails")
    assert len(stored) <= 300 and stored.isprintable()


def test_an_error_is_kept_as_text_postgresql_can_store() -> None:
    kept = error_text(ValueError("bad\x00byte " + "x" * 2000))
    assert kept.startswith("ValueError: bad\ufffdbyte x") and "\x00" not in kept and len(kept) == 1000


async def test_mail_goes_out_while_the_webhook_half_of_the_worker_keeps_failing(
    db: AsyncEngine, settings: Settings, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def webhooks_down(*_: Any) -> int:
        raise RuntimeError("webhook deliveries cannot be recorded")

    monkeypatch.setattr(worker, "deliver_due", webhooks_down)
    await _queue_good(db, 2)
    stop = asyncio.Event()
    running = asyncio.create_task(
        worker.run_worker(db, settings.model_copy(update={"smtp_url": smtp.url}), stop)
    )
    try:
        for _ in range(60):  # well within the pause that follows a failed round
            if len(smtp.messages) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert _subjects(smtp) == Counter(["Good 0", "Good 1"])
