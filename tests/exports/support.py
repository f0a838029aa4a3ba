"""Reading the CSV exports as a spreadsheet or an accountant's script would."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import httpx

from tests.support import Api, Org

INVOICES = "/v1/invoices/export.csv"
ENTRIES = "/v1/cashback/entries/export.csv"


def parse_csv(response: httpx.Response) -> list[dict[str, str]]:
    """The rows of a CSV answer by column name, after checking how it was sent."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def export(api: Api, who: Org, path: str, **params: str) -> list[dict[str, str]]:
    return parse_csv(await api.call(who, "GET", path, params=params))


def column_sum(rows: list[dict[str, str]], column: str) -> Decimal:
    """The sum of a money column; an empty cell (a document's amount on its line 2 and later)
    adds nothing."""
    return sum((Decimal(row[column]) for row in rows if row[column] != ""), Decimal("0.00"))


def documents_sum(documents: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(doc[key]) for doc in documents), Decimal("0.00"))


async def all_invoices(api: Api, who: Org) -> list[dict[str, Any]]:
    """Every invoice and credit note of the payer, through the JSON list."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = await api.ok(who, "GET", "/v1/invoices", params=params)
        found += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found
