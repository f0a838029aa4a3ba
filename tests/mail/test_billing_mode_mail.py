"""The partner's e-mail on a billing-mode change: one per committed change, none otherwise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.language import Language
from partnerbilling.language.formats import date_text
from partnerbilling.mail.sender import send_due_mails
from partnerbilling.settings import Settings
from tests.support import Api, build_world
from tests.webhooks.peers import SmtpSink, text_of


async def test_one_mail_per_committed_billing_mode_change_and_none_for_a_rejected_one(
    api: Api, db: AsyncEngine, settings: Settings, smtp: SmtpSink
) -> None:
    w = await build_world(api, billing_mode="customer")
    path = f"/v1/partnerships/{w.partnership['id']}"

    to_partner = await api.ok(w.acme, "PATCH", path, json={"billing_mode": "partner"})
    assert to_partner["billing_mode"] == "partner"
    rejected = await api.call(w.acme, "PATCH", path, json={"access": "limited"})
    assert rejected.status_code == 422
    assert rejected.json()["code"] == "billing_mode_requires_full_access"
    forbidden = await api.call(w.agency, "PATCH", path, json={"billing_mode": "customer"})
    assert forbidden.status_code == 403
    await api.ok(w.acme, "PATCH", path, json={"billing_mode": "partner"})  # no change, no mail
    back = await api.ok(w.acme, "PATCH", path, json={"billing_mode": "customer", "access": "limited"})
    assert back["billing_mode"] == "customer"
    await api.ok(w.acme, "PATCH", path, json={"access": "full"})  # not a billing-mode change

    with_smtp = settings.model_copy(update={"smtp_url": smtp.url})
    while await send_due_mails(db, with_smtp):
        pass

    assert smtp.inbox.recipients == [[w.agency.data["billing_email"]]] * 2
    bodies = [text_of(m) for m in smtp.messages]
    assert all("Acme" in body for body in bodies)
    changes = sorted(("from 'customer'" in b and "to 'partner'" in b, "from 'partner'" in b) for b in bodies)
    assert changes == [(False, True), (True, False)]
    assert {m["Subject"] for m in smtp.messages} == {
        "Acme changed the billing mode to 'partner'",
        "Acme changed the billing mode to 'customer'",
    }
    changes = (await api.ok(w.acme, "GET", f"{path}/changes"))["data"]
    # Each names its moment as a day and time in the issuer's zone, never as an ISO timestamp.
    zurich = ZoneInfo("Europe/Zurich")
    moments = [
        datetime.fromisoformat(c["changed_at"].replace("Z", "+00:00")).astimezone(zurich) for c in changes
    ]
    written = {f"on {date_text(m.date(), Language.EN)} at {m:%H:%M}" for m in moments}
    assert all(any(stamp in body for stamp in written) for body in bodies)
    assert not any(c["changed_at"][:19] in body for c in changes for body in bodies)
