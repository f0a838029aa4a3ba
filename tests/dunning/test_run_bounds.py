"""Every run's ``as_of`` is bounded (SPEC §13): a dunning run at most one year ahead, as the
renewal run; past it 422 and no job, where 9999-12-30 used to answer 200 with every invoice
failed on a date past the calendar's end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.cli import build_parser
from partnerbilling.db import utcnow
from tests.asserts import assert_refused_field
from tests.dunning.helpers import run
from tests.payments.helpers import case_b
from tests.support import Api, build_world, count


@pytest.mark.parametrize("path", ["/v1/admin/dunning/run", "/v1/admin/renewals/run"])
@pytest.mark.parametrize("as_of", ["9999-12-30T00:00:00Z", "2207-01-01T00:00:00Z"])
async def test_a_run_far_ahead_is_refused(api: Api, db: AsyncEngine, path: str, as_of: str) -> None:
    w = await build_world(api)
    await case_b(api, w)  # an unpaid invoice a run would look at
    response = await api.admin("POST", path, json={"as_of": as_of})
    assert_refused_field(response, "as_of")
    assert await count(db, "jobs") == 0


async def test_a_dunning_run_up_to_a_year_ahead_steps_the_invoice(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    await case_b(api, w)
    just_past = (utcnow() + timedelta(days=367)).isoformat()
    assert_refused_field(await api.admin("POST", "/v1/admin/dunning/run", json={"as_of": just_past}), "as_of")
    report = await run(api, (utcnow() + timedelta(days=365)).isoformat())
    assert (report["invoices"], report["stepped"], report["failed"]) == (1, 1, 0)


@pytest.mark.parametrize("command", ["dunning-run", "renew-due"])
def test_the_command_line_refuses_a_far_as_of(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--as-of", "9999-12-30"])
    assert "at most one year ahead" in capsys.readouterr().err
