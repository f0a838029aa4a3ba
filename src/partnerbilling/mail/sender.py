"""The delivery worker's mail half: send due outbox messages over SMTP, or to the log.

Claiming works as for webhooks: a short transaction takes due messages with
``FOR UPDATE SKIP LOCKED`` and leases them; the result is recorded only if the lease still holds,
so two workers never send the same message, and a crashed worker's messages are sent after the
lease runs out. Failures are retried with a growing delay, then the message is marked failed.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

import aiosmtplib
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.mail import repository
from partnerbilling.mail.attachments import Attachment, invoice_pdf
from partnerbilling.mail.domain import ClaimedMail, MailOutcome
from partnerbilling.mail.messages import header_text
from partnerbilling.settings import Settings

log = logging.getLogger("partnerbilling.mail")

SENT = Counter("partnerbilling_mail_attempts_total", "Outgoing e-mail attempts.", ["outcome"])

RETRY_DELAYS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
SMTP_TIMEOUT = 30.0
BATCH_SIZE = 20
CONCURRENCY = 4
_ERROR_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class SmtpServer:
    hostname: str
    port: int
    use_tls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://[user:password@]host[:port]`` (STARTTLS when offered) or ``smtps://`` (TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"unsupported SMTP URL {url!r}; use smtp://host:port or smtps://host:port")
    tls = parts.scheme == "smtps"
    return SmtpServer(
        hostname=parts.hostname,
        port=parts.port or (465 if tls else 25),
        use_tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def build_message(mail: ClaimedMail, sender: str, attachment: Attachment | None = None) -> EmailMessage:
    """The outbox row as an e-mail; its Message-ID is derived from the row, so should a message
    ever go out twice, mail systems can tell it is the same one. Header values are made one line
    first (``email.policy`` does the encoding), so no stored text can break a header; a stored
    recipient that is not exactly one address is refused (ValueError) rather than repaired."""
    message = EmailMessage()
    message["From"] = header_text(sender)
    message["To"] = Address(addr_spec=mail.to_address)
    message["Subject"] = header_text(mail.subject)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = f"<{header_text(mail.id)}@partnerbilling>"
    message.set_content(mail.body)
    if attachment is not None:
        maintype, subtype = attachment.media_type
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def decoded(message: EmailMessage) -> str:
    """The message as a person reads it: sender, recipient, subject, the plain-text body with no
    transfer encoding, and the names of its attachments (the log shows this when no SMTP server
    is configured)."""
    body = message.get_body(preferencelist=("plain",))
    attached = "".join(f"[attached: {part.get_filename()}]\n" for part in message.iter_attachments())
    return (
        f"From: {message['From']}\nTo: {message['To']}\nSubject: {message['Subject']}\n\n"
        f"{body.get_content() if body is not None else ''}{attached}"
    )


def lease_seconds() -> float:
    return SMTP_TIMEOUT * (math.ceil(BATCH_SIZE / CONCURRENCY) + 1) + 1.0


async def send_due_mails(engine: AsyncEngine, settings: Settings) -> int:
    """Send one batch of due outbox messages; returns how many were claimed."""
    now = utcnow()
    async with transaction(engine) as conn:
        claimed = await repository.claim_due(conn, now, BATCH_SIZE, now + timedelta(seconds=lease_seconds()))
    if not claimed:
        return 0
    slots = asyncio.Semaphore(CONCURRENCY)

    async def send_one(mail: ClaimedMail) -> str | None:
        async with slots:
            try:
                attachment = (
                    await invoice_pdf(engine, mail.attach_invoice_id) if mail.attach_invoice_id else None
                )
            except Exception as exc:  # drawing it failed: this message is retried, the others go
                log.warning("mail %s: its attachment could not be drawn: %r", mail.id, exc)
                return error_text(exc)
            return await send(settings, mail, attachment)

    errors = await asyncio.gather(*(send_one(mail) for mail in claimed))
    async with transaction(engine) as conn:
        for mail, error in zip(claimed, errors, strict=True):
            await repository.finish(conn, mail.id, mail.lease_until, _after_attempt(mail, error))
    return len(claimed)


def _after_attempt(mail: ClaimedMail, error: str | None) -> MailOutcome:
    now = utcnow()
    count = mail.attempt_count + 1
    if error is None:
        return MailOutcome("sent", count, last_error=None, sent_at=now)
    if count > len(RETRY_DELAYS):
        return MailOutcome("failed", count, last_error=error)
    retry_at = now + timedelta(seconds=RETRY_DELAYS[count - 1])
    return MailOutcome("pending", count, last_error=error, next_attempt_at=retry_at)


async def send(settings: Settings, mail: ClaimedMail, attachment: Attachment | None = None) -> str | None:
    """Build and send one message; returns the error, or None once the server accepted it (or
    it went to the log). Never raises: a message that cannot be built or sent fails alone."""
    try:
        message = build_message(mail, settings.mail_from, attachment)
        if not settings.smtp_url:
            log.info("mail %s (no SMTP server configured)\n%s", mail.id, decoded(message))
            SENT.labels("logged").inc()
            return None
        server = parse_smtp_url(settings.smtp_url)
        async with asyncio.timeout(SMTP_TIMEOUT):
            await aiosmtplib.send(
                message,
                hostname=server.hostname,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.use_tls,
                timeout=SMTP_TIMEOUT,
            )
    except Exception as exc:  # building, SMTP, network, configuration: all retried later
        log.warning("mail %s to %r not sent: %r", mail.id, mail.to_address, exc)
        SENT.labels("failed").inc()
        return error_text(exc)
    SENT.labels("sent").inc()
    return None


def error_text(exc: Exception) -> str:
    """What went wrong, as the outbox keeps it: no NUL (PostgreSQL text refuses it), not too long."""
    text = f"{type(exc).__name__}: {exc}".rstrip(": ").replace("\x00", "\ufffd")
    return text if len(text) <= _ERROR_LENGTH else text[: _ERROR_LENGTH - 1] + "\u2026"
