"""The archive (SPEC §17): every document of the period with its journal record, an index and
the sums; ``verify-archive`` passes it and finds a flipped byte."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.cli import main
from partnerbilling.db import utcnow
from partnerbilling.journal.archive_check import verify_archive
from tests.asserts import assert_problem
from tests.journal.support import make_history
from tests.support import Api, rows


async def test_the_archive_holds_the_documents_with_their_records_and_verifies(
    api: Api, db: AsyncEngine, tmp_path: Path
) -> None:
    history = await make_history(api, db)
    today = utcnow().date()
    response = await api.admin("GET", f"/v1/admin/archive?from={today.replace(day=1)}&to=2100-01-01")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    path = tmp_path / "archive.zip"
    path.write_bytes(response.content)
    numbers = {row.number for row in await rows(db, "SELECT number FROM invoices")}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {f"documents/{n}.{ext}" for n in numbers for ext in ("pdf", "xml")} <= names
        assert {"journal.jsonl", "index.csv", "SHA256SUMS"} <= names
        index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
        assert {row["number"] for row in index} == numbers
        assert len(archive.read("journal.jsonl").splitlines()) == len(numbers)
        xml = archive.read(f"documents/{history.invoice['number']}.xml")
    served = await api.call(history.world.acme, "GET", f"/v1/invoices/{history.invoice['id']}/xml")
    assert xml == served.content
    assert verify_archive(path) == []
    assert main(["verify-archive", str(path)]) == 0

    flipped = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"documents/{history.invoice['number']}.pdf")  # stored, not deflated
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.file_size // 2
    flipped[at] ^= 0x01
    path.write_bytes(bytes(flipped))
    problems = verify_archive(path)
    assert problems and f"documents/{history.invoice['number']}.pdf" in problems[0]
    assert main(["verify-archive", str(path)]) == 1


async def test_an_empty_period_is_an_archive_of_nothing(api: Api, tmp_path: Path) -> None:
    response = await api.admin("GET", "/v1/admin/archive?from=2020-01-01&to=2020-01-01")
    assert response.status_code == 200
    path = tmp_path / "empty.zip"
    path.write_bytes(response.content)
    assert verify_archive(path) == []


async def test_the_archive_asks_for_a_period_and_is_the_platforms_only(api: Api) -> None:
    for query in ("", "from=2026-01-01", "to=2026-01-01", "from=2026-13-01&to=2027-01-01",
                  "from=2026-02-01&to=2026-01-01", "from=x&to=2026-01-01"):  # fmt: skip
        assert_problem(await api.admin("GET", f"/v1/admin/archive?{query}"), 422, "validation_error")
    org = await api.org("Acme")
    response = await api.call(org, "GET", "/v1/admin/archive?from=2026-01-01&to=2026-02-01")
    assert_problem(response, 403, "forbidden")
