"""Sending the mail outbox to a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.language import Language
from partnerbilling.language.formats import reference_text
from partnerbilling.mail import repository
from partnerbilling.mail.messages import billing_mode_changed_mail, webhook_endpoint_disabled_mail
from partnerbilling.mail.sender import RETRY_DELAYS, parse_smtp_url, send_due_mails
from partnerbilling.settings import Settings
from tests.documents.reading import qr_payloads
from tests.documents.test_invoice_documents import ISSUER
from tests.dunning.helpers import day, run
from tests.payments.helpers import pay
from tests.support import Api, build_world
from tests.webhooks.flows import scalar
from tests.webhooks.peers import SmtpSink, free_port, text_of


async def _queue(db: AsyncEngine, to: str = "billing@webagency.example") -> str:
    async with transaction(db) as conn:
        return await repository.queue(conn, to, "Hello", "Line one\nLine two\n", utcnow())


async def test_a_queued_mail_is_delivered_exactly_once(
    db: AsyncEngine, settings: Settings, smtp: SmtpSink
) -> None:
    mail_id = await _queue(db)
    with_smtp = settings.model_copy(update={"smtp_url": smtp.url, "mail_from": "billing@host.example"})

    claimed = await asyncio.gather(*(send_due_mails(db, with_smtp) for _ in range(3)))
    assert sorted(claimed) == [0, 0, 1]
    assert await send_due_mails(db, with_smtp) == 0

    [message] = smtp.messages
    assert smtp.inbox.recipients == [["billing@webagency.example"]]
    assert message["From"] == "billing@host.example"
    assert message["To"] == "billing@webagency.example"
    assert message["Subject"] == "Hello"
    assert message["Message-ID"] == f"<{mail_id}@partnerbilling>"
    assert text_of(message) == "Line one\nLine two\n"
    assert await scalar(db, "SELECT status || ' ' || attempt_count FROM outbox_mails") == "sent 1"


async def test_a_mail_that_cannot_be_sent_is_retried_later(db: AsyncEngine, settings: Settings) -> None:
    port = free_port()  # nothing listens there yet: the server is down
    with_smtp = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    await _queue(db)

    assert await send_due_mails(db, with_smtp) == 1
    row = await scalar(
        db,
        "SELECT json_build_object('status', status, 'attempts', attempt_count, 'error', last_error,"
        " 'delay', extract(epoch FROM next_attempt_at - now())) FROM outbox_mails",
    )
    assert row["status"] == "pending" and row["attempts"] == 1
    assert "ConnectionRefused" in row["error"] or "SMTPConnectError" in row["error"]
    assert RETRY_DELAYS[0] - 5 < row["delay"] <= RETRY_DELAYS[0]
    assert await send_due_mails(db, with_smtp) == 0  # not due yet

    sink = SmtpSink(port).start()
    try:
        await scalar(db, "UPDATE outbox_mails SET next_attempt_at = now() RETURNING 1")
        assert await send_due_mails(db, with_smtp) == 1
        assert len(sink.messages) == 1
    finally:
        sink.stop()
    assert await scalar(db, "SELECT status || ' ' || attempt_count FROM outbox_mails") == "sent 2"


async def test_a_mail_failing_every_time_is_given_up_after_the_schedule(
    db: AsyncEngine, settings: Settings
) -> None:
    with_smtp = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    await _queue(db)
    for _ in range(len(RETRY_DELAYS) + 1):
        assert await send_due_mails(db, with_smtp) == 1
        await scalar(db, "UPDATE outbox_mails SET next_attempt_at = now() RETURNING 1")
    assert await send_due_mails(db, with_smtp) == 0
    assert await scalar(db, "SELECT status FROM outbox_mails") == "failed"


async def test_without_an_smtp_server_mail_goes_to_the_log_decoded(
    db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert settings.smtp_url is None
    long_line = "Grüezi " + "wohl " * 40  # beyond 78 characters: quoted-printable would fold it
    async with transaction(db) as conn:
        mail_id = await repository.queue(
            conn,
            "partner@example.com",
            "Zürich AG changed the billing mode",
            f"{long_line}\nLine two\n",
            utcnow(),
        )
    with caplog.at_level(logging.INFO, logger="partnerbilling.mail"):
        assert await send_due_mails(db, settings) == 1
    [record] = [r for r in caplog.records if r.name == "partnerbilling.mail"]
    assert record.levelno == logging.INFO
    logged = record.getMessage()
    assert mail_id in logged.splitlines()[0]
    assert "\nFrom: billing@localhost\nTo: partner@example.com\n" in logged
    assert "\nSubject: Zürich AG changed the billing mode\n" in logged
    assert logged.endswith(f"\n\n{long_line}\nLine two\n")
    assert "Content-Transfer-Encoding" not in logged and "=C3=BC" not in logged
    assert await scalar(db, "SELECT status FROM outbox_mails") == "sent"


async def test_without_an_smtp_server_a_reminder_with_its_pdf_goes_to_the_log_too(
    api: Api, db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A message that carries an invoice's PDF is logged like any other (its text, and the
    name of what it carries), and counts as sent: it is not retried."""
    assert settings.smtp_url is None
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert (await run(api, day(invoice, 1)))["levels"] == {"1": 1}
    with caplog.at_level(logging.INFO, logger="partnerbilling.mail"):
        while await send_due_mails(db, settings):
            pass
    [logged] = [
        r.getMessage()
        for r in caplog.records
        if r.name == "partnerbilling.mail" and "Payment reminder" in r.getMessage()
    ]
    assert reference_text(invoice["payment_reference"]) in logged
    assert logged.endswith(f"[attached: {invoice['number']}.pdf]\n")
    assert await scalar(db, "SELECT string_agg(DISTINCT status, ',') FROM outbox_mails") == "sent"


ZURICH = ZoneInfo("Europe/Zurich")


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://mail.example.com:2525")
    assert (plain.hostname, plain.port, plain.use_tls, plain.username) == (
        "mail.example.com",
        2525,
        False,
        None,
    )
    secure = parse_smtp_url("smtps://user%40x:p%2Fw@mail.example.com")
    assert (secure.port, secure.use_tls, secure.username, secure.password) == (465, True, "user@x", "p/w")
    assert parse_smtp_url("smtp://mail.example.com").port == 25
    for bad in ("http://mail.example.com", "smtp://", "mail.example.com:25"):
        with pytest.raises(ValueError, match="unsupported SMTP URL"):
            parse_smtp_url(bad)


def test_the_billing_mode_message_names_the_customer_both_modes_and_the_time() -> None:
    at = datetime(2026, 11, 26, 21, 5, 11, tzinfo=UTC)
    subject, body = billing_mode_changed_mail(Language.EN, "Acme AG", "customer", "partner", at, ZURICH)
    assert "Acme AG" in subject and "partner" in subject
    assert "Acme AG" in body and "'customer'" in body and "'partner'" in body
    assert "on 26 Nov 2026 at 22:05 (Europe/Zurich)" in body  # the issuer's zone, no ISO timestamp
    subject, body = billing_mode_changed_mail(Language.DE, "Acme AG", "customer", "partner", at, ZURICH)
    assert subject == "Acme AG hat den Abrechnungsmodus geändert: Sie (der Partner) bezahlen"
    assert "am 26.11.2026 um 22:05" in body and "bisher: der Kunde bezahlt" in body


def test_the_endpoint_disabled_message_names_the_url_and_the_reason() -> None:
    at = datetime(2026, 11, 26, tzinfo=UTC)
    subject, body = webhook_endpoint_disabled_mail("https://hooks.example.com/x", "it answered 410 Gone", at)
    assert subject == "Webhook endpoint disabled: https://hooks.example.com/x"
    assert "it answered 410 Gone" in body and "2026-11-26T00:00:00" in body


async def test_a_reminder_of_a_chf_invoice_carries_its_pdf_asking_for_what_is_due(
    api: Api, db: AsyncEngine, settings: Settings, smtp: SmtpSink
) -> None:
    """The payer's reminder carries the invoice's PDF, drawn when the mail is sent: its QR-bill
    asks for what is still due then (here after a partial payment)."""
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert (await pay(api, invoice["id"], "3.78", "part-1")).status_code == 201
    assert (await run(api, day(invoice, 1)))["levels"] == {"1": 1}
    with_smtp = settings.model_copy(update={"smtp_url": smtp.url})
    while await send_due_mails(db, with_smtp):
        pass
    [reminder] = [
        m for m in smtp.messages if m["To"] == w.agency.data["billing_email"] and "reminder" in m["Subject"]
    ]
    [pdf] = [part for part in reminder.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{invoice['number']}.pdf"
    content = pdf.get_payload(decode=True)
    assert isinstance(content, bytes)
    [qr] = qr_payloads(content)
    assert qr[18:20] == ["100.00", "CHF"] and qr[28] == invoice["payment_reference"]
    # The customer's warning (none yet at the first reminder) never carries the partner's PDF.
    assert all(not m.is_multipart() for m in smtp.messages if m["To"] == w.acme.data["billing_email"])
