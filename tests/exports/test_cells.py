"""The exports' pure parts: the inert text cell, money and dates as cells, the CSV encoding, the
rows of a document and of a cashback entry, and the period of ``?from=&to=``."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from partnerbilling.cashback.domain import ExportedCashbackEntry
from partnerbilling.cashback.export import HEADER as ENTRY_HEADER
from partnerbilling.cashback.export import entry_rows
from partnerbilling.csv_cells import date_cell, encode_rows, inert, money_cell, rate_cell
from partnerbilling.errors import ValidationFailed
from partnerbilling.exports import period_of
from partnerbilling.invoices.domain import ExportedInvoice
from partnerbilling.invoices.export import HEADER as INVOICE_HEADER
from partnerbilling.invoices.export import invoice_rows

AT = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_that_would_start_a_formula_is_made_inert(start: str) -> None:
    assert inert(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize("text", ["Acme", "", " =1", "a=b", "'quoted", "2026-000001", "\n=1"])
def test_any_other_text_is_left_as_it_is(text: str) -> None:
    assert inert(text) == text


def test_amounts_and_rates_are_plain_numbers_never_prefixed() -> None:
    assert money_cell("-120.00") == "-120.00"
    assert money_cell(Decimal("-9.72")) == "-9.72"
    assert money_cell("0.00") == "0.00" and money_cell(Decimal("-0.00")) == "0.00"
    assert money_cell(Decimal("129.7")) == "129.70"
    assert rate_cell(Decimal("0.0810")) == "0.081" and rate_cell(Decimal("0")) == "0"


def test_a_date_is_the_utc_calendar_day() -> None:
    assert date_cell(AT) == "2026-03-31"
    assert date_cell(datetime.fromisoformat("2026-04-01T00:30:00+02:00")) == "2026-03-31"


def test_rows_are_rfc_4180() -> None:
    encoded = encode_rows([("a", 'say "hi"', "x,y", "line\nbreak"), ("1", "", "-1.00", "é")])
    assert encoded == 'a,"say ""hi""","x,y","line\nbreak"\r\n1,,-1.00,é\r\n'.encode()
    assert list(csv.reader(io.StringIO(encoded.decode(), newline=""))) == [
        ["a", 'say "hi"', "x,y", "line\nbreak"],
        ["1", "", "-1.00", "é"],
    ]


def _line(net: str, customer_name: str = "Acme", sku: str = "web-hosting-pro") -> dict[str, object]:
    return {
        "description": f"{sku}, 2026-03-31 – 2027-03-31 (order)",
        "sku": sku,
        "quantity": 1,
        "unit_price": net,
        "amount": net,
        "discount": "0.00",
        "net_amount": net,
        "customer_id": "org_acme",
        "customer_name": customer_name,
        "period_start": "2026-03-31",
        "period_end": "2027-03-31",
    }


INVOICE = ExportedInvoice(
    id="inv_1",
    number="2026-000007",
    kind="invoice",
    payer_id="org_acme",
    currency="CHF",
    lines=[_line("120.00"), _line("13.45", '=HYPERLINK("x")', "domain-ch")],
    tax_rate=Decimal("0.0810"),
    tax=Decimal("10.81"),
    total=Decimal("144.26"),
    amount_paid=Decimal("50.00"),
    status="issued",
    issued_at=AT,
    due_at=datetime(2026, 4, 30, 23, 30, tzinfo=UTC),
    created_at=AT,
)


def test_a_document_is_one_row_per_line_with_its_own_amounts_on_line_1_only() -> None:
    rows = [dict(zip(INVOICE_HEADER, row, strict=True)) for row in invoice_rows("org_acme", INVOICE)]
    assert [r["line"] for r in rows] == ["1", "2"]
    assert [r["net"] for r in rows] == ["120.00", "13.45"]
    assert [(r["vat"], r["total"], r["amount_paid"]) for r in rows] == [
        ("10.81", "144.26", "50.00"),
        ("", "", ""),
    ]
    assert {r["vat_rate"] for r in rows} == {"0.081"}
    # Days in the issuer's zone (Zürich without stored dates): issued and due late at night UTC.
    assert rows[0]["issue_date"] == "2026-04-01" and rows[0]["due_date"] == "2026-05-01"
    assert rows[1]["customer_name"] == '\'=HYPERLINK("x")'
    assert sum(Decimal(r["net"]) for r in rows) + Decimal(rows[0]["vat"]) == Decimal(rows[0]["total"])


def test_a_credit_note_keeps_its_negative_amounts_unprefixed() -> None:
    note = replace(
        INVOICE,
        kind="credit_note",
        lines=[{**_line("-120.00"), "unit_price": "120.00", "discount": "-24.00"}],
        tax=Decimal("-9.72"),
        total=Decimal("-129.72"),
        amount_paid=Decimal("0.00"),
    )
    [row] = [dict(zip(INVOICE_HEADER, r, strict=True)) for r in invoice_rows("org_acme", note)]
    amounts = (row["net"], row["discount"], row["vat"], row["total"])
    assert amounts == ("-120.00", "-24.00", "-9.72", "-129.72")
    assert row["kind"] == "credit_note" and row["unit_price"] == "120.00"


def test_only_the_payer_gets_a_documents_rows() -> None:
    assert invoice_rows("org_agency", INVOICE) == []


ENTRY = ExportedCashbackEntry(
    id="cb_1",
    partner_id="org_agency",
    customer_id="org_acme",
    customer_name="@Acme",
    order_id="ord_1",
    currency="CHF",
    rate=Decimal("0.2000"),
    amount=Decimal("24.00"),
    status="pending",
    created_at=AT,
    invoice_number="2026-000007",
    invoice_payer_id="org_acme",
)


def test_an_entry_shows_the_invoice_number_only_to_the_invoices_payer() -> None:
    [row] = [dict(zip(ENTRY_HEADER, r, strict=True)) for r in entry_rows("org_agency", ENTRY)]
    assert row["invoice_number"] == "" and row["customer_name"] == "'@Acme"
    assert (row["rate"], row["amount"], row["created_at"]) == ("0.2", "24.00", "2026-03-31T23:30:00.000000Z")
    paid_by_partner = replace(ENTRY, invoice_payer_id="org_agency")
    [row] = [dict(zip(ENTRY_HEADER, r, strict=True)) for r in entry_rows("org_agency", paid_by_partner)]
    assert row["invoice_number"] == "2026-000007"
    assert entry_rows("org_acme", paid_by_partner) == []


def test_the_period_is_half_open_and_ends_at_the_request_at_the_latest() -> None:
    now = datetime(2026, 5, 15, 12, tzinfo=UTC)
    period = period_of(date(2026, 4, 1), date(2026, 5, 1), now)
    assert (period.start, period.end) == (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    assert period_of(None, None, now).end == now
    assert period_of(None, date(2027, 1, 1), now).end == now
    assert period_of(None, None, now).start < datetime(1970, 1, 1, tzinfo=UTC)
    same = period_of(date(2026, 4, 1), date(2026, 4, 1), now)
    assert same.start == same.end


def test_from_after_to_is_refused_naming_from() -> None:
    with pytest.raises(ValidationFailed) as refused:
        period_of(date(2026, 5, 2), date(2026, 5, 1), datetime(2026, 6, 1, tzinfo=UTC))
    assert refused.value.errors == [{"loc": ["query", "from"], "msg": "must not be after `to`"}]
