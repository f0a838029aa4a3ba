"""The issuer's time zone: an invoice's issue and due dates, and the year of its number, are the
calendar dates of that zone (SPEC §14), whatever the UTC date of the moment it was issued."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.billing.issue import numbered
from partnerbilling.db import transaction
from partnerbilling.invoices.repository import TAKE_NUMBER
from partnerbilling.states import InvoiceKind, InvoiceStatus
from tests.asserts import assert_problem
from tests.profiles.helpers import issuer_body, put_issuer
from tests.support import Api, build_world

ZURICH = ZoneInfo("Europe/Zurich")
# 00:30 in Zürich on 1 January 2027: still 2026 in UTC.
NEW_YEAR = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def _planned(kind: str = InvoiceKind.INVOICE) -> InvoiceDocument:
    zero = Decimal("0.00")
    return InvoiceDocument(
        "inv_1", kind, None, "org_p", "org_c", "ord_1", "CHF", [], zero, zero, zero, zero,
        InvoiceStatus.ISSUED, None, NEW_YEAR,
    )  # fmt: skip


def test_an_invoice_issued_at_half_past_midnight_on_new_year_is_dated_in_the_new_year() -> None:
    seller: dict[str, Any] = {"payment_terms_days": 30, "bank_accounts": {}}
    issued = numbered(_planned(), 2027, 1, NEW_YEAR, seller, ZURICH)
    assert issued.number == "2027-000001"
    assert (issued.issue_date, issued.due_date) == (date(2027, 1, 1), date(2027, 1, 31))
    in_utc = numbered(_planned(), 2026, 1, NEW_YEAR, seller, ZoneInfo("UTC"))
    assert (in_utc.issue_date, in_utc.due_date) == (date(2026, 12, 31), date(2027, 1, 30))
    note = numbered(_planned(InvoiceKind.CREDIT_NOTE), 2027, 2, NEW_YEAR, seller, ZURICH)
    assert note.issue_date == note.due_date == date(2027, 1, 1)


async def _take_number_at(db: AsyncEngine, at: datetime) -> Any:
    """The numbering statement as issuing runs it, with the clock fixed at ``at``."""
    sql = TAKE_NUMBER.sql.replace("clock_timestamp()", f"timestamptz '{at.isoformat()}'")
    async with transaction(db) as conn:
        return (await conn.execute(text(sql))).one()


async def test_the_number_series_is_the_year_of_the_issue_date_in_the_issuers_zone(
    api: Api, db: AsyncEngine
) -> None:
    await put_issuer(api)  # Europe/Zurich by default
    taken = await _take_number_at(db, NEW_YEAR)
    assert (taken.year, taken.last_number, taken.time_zone) == (2027, 1, "Europe/Zurich")
    assert "time_zone" not in taken.seller  # not part of what a document copies
    await put_issuer(api, time_zone="America/New_York")  # 18:30 on 31 December there
    taken = await _take_number_at(db, NEW_YEAR)
    assert (taken.year, taken.last_number) == (2026, 1)


async def test_the_issuer_has_a_time_zone_and_the_invoice_its_calendar_dates(api: Api) -> None:
    put = await put_issuer(api)
    assert put["time_zone"] == "Europe/Zurich"
    tokyo = await put_issuer(api, time_zone="Asia/Tokyo")
    assert tokyo["time_zone"] == "Asia/Tokyo" == (await api.ok(None, "GET", "/v1/admin/issuer"))["time_zone"]
    w = await build_world(api)
    placed = await api.order(w.acme, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.acme, "GET", f"/v1/invoices/{placed['invoice_id']}")
    issued_at = datetime.fromisoformat(invoice["issued_at"].replace("Z", "+00:00"))
    due_at = datetime.fromisoformat(invoice["due_at"].replace("Z", "+00:00"))
    tokyo_zone = ZoneInfo("Asia/Tokyo")
    assert invoice["issue_date"] == issued_at.astimezone(tokyo_zone).date().isoformat()
    assert invoice["due_date"] == due_at.astimezone(tokyo_zone).date().isoformat()
    assert "time_zone" not in invoice["seller"]


async def test_an_unknown_time_zone_is_refused_and_changes_nothing(api: Api) -> None:
    before = await put_issuer(api)
    for zone in ("Mars/Olympus", "", "europe/zurich", "UTC+1"):
        response = await api.admin("PUT", "/v1/admin/issuer", json=issuer_body(time_zone=zone))
        assert_problem(response, 422, "validation_error")
    assert await api.ok(None, "GET", "/v1/admin/issuer") == before
