"""Request budgets (SPEC §18): each organisation and operator key may send
``RATE_LIMIT_PER_MINUTE`` requests a minute per process; past it, 429 ``rate_limited`` with
``Retry-After`` and the ``RateLimit-*`` headers. The platform token has no budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.errors import RateLimited
from partnerbilling.operators.domain import Role
from partnerbilling.settings import Settings
from partnerbilling.web_rate_limit import RequestBudgets
from tests.asserts import assert_problem
from tests.operators.support import operator
from tests.support import Api, count


@asynccontextmanager
async def _api_with_budget(db: AsyncEngine, settings: Settings, per_minute: int) -> AsyncIterator[Api]:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": per_minute}), engine=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Api(client)


async def test_past_its_budget_a_key_is_429_and_another_key_is_not(
    db: AsyncEngine, settings: Settings
) -> None:
    async with _api_with_budget(db, settings, 3) as api:
        acme, agency = await api.org("Acme"), await api.org("WebAgency")  # the platform token
        for remaining in (2, 1, 0):
            response = await api.call(acme, "GET", "/v1/organizations/me")
            assert response.status_code == 200
            assert response.headers["RateLimit-Limit"] == "3"
            assert response.headers["RateLimit-Remaining"] == str(remaining)
            assert 0 < int(response.headers["RateLimit-Reset"]) <= 60
        orders = await count(db, "orders")
        order = {"customer_id": acme.id, "sku": "domain-ch", "quantity": 1}
        refused = await api.call(acme, "POST", "/v1/orders", json=order)
        problem = assert_problem(refused, 429, "rate_limited")
        assert "3 requests a minute" in problem["detail"]
        # One request comes back every 20 s (3 a minute).
        assert 1 <= int(refused.headers["Retry-After"]) <= 20
        assert refused.headers["RateLimit-Limit"] == "3"
        assert refused.headers["RateLimit-Remaining"] == "0"
        assert 0 < int(refused.headers["RateLimit-Reset"]) <= 60
        assert await count(db, "orders") == orders
        # Another key has its own budget; the platform token has none.
        assert (await api.call(agency, "GET", "/v1/organizations/me")).status_code == 200
        for _ in range(5):
            answer = await api.admin("GET", f"/v1/admin/organizations/{acme.id}")
            assert answer.status_code == 200 and "RateLimit-Limit" not in answer.headers


async def test_an_operator_key_has_a_budget_too(db: AsyncEngine, settings: Settings) -> None:
    async with _api_with_budget(db, settings, 2) as api:
        readonly = await operator(api, Role.READONLY)
        assert (await readonly.call("GET", "/v1/admin/jobs")).headers["RateLimit-Remaining"] == "1"
        assert (await readonly.call("GET", "/v1/admin/jobs")).status_code == 200
        refused = await readonly.call("GET", "/v1/admin/jobs")
        assert_problem(refused, 429, "rate_limited")
        assert int(refused.headers["Retry-After"]) >= 1


async def test_a_budget_of_0_is_no_limit(db: AsyncEngine, settings: Settings) -> None:
    async with _api_with_budget(db, settings, 0) as api:
        acme = await api.org("Acme")
        for _ in range(5):
            response = await api.call(acme, "GET", "/v1/organizations/me")
            assert response.status_code == 200 and "RateLimit-Limit" not in response.headers


async def test_every_answer_to_a_key_says_what_is_left(db: AsyncEngine, settings: Settings) -> None:
    async with _api_with_budget(db, settings, 1200) as api:
        acme = await api.org("Acme")
        response = await api.call(acme, "POST", "/v1/partnerships", json={})  # refused: no headers
        assert_problem(response, 422)
        response = await api.call(acme, "GET", "/v1/organizations/me")
        assert response.headers["RateLimit-Limit"] == "1200"
        assert response.headers["RateLimit-Remaining"] == "1198"


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refills_at_its_rate_up_to_its_budget() -> None:
    clock = _Clock()
    budgets = RequestBudgets(60, clock)  # one a second
    assert [budgets.spend("k").remaining for _ in range(60)] == list(range(59, -1, -1))
    with pytest.raises(RateLimited) as refused:
        budgets.spend("k")
    assert refused.value.headers is not None and refused.value.headers["Retry-After"] == "1"
    assert budgets.spend("other").remaining == 59
    clock.now += 2.5
    assert budgets.spend("k").remaining == 1  # 2.5 tokens back, one spent
    clock.now += 3600
    allowance = budgets.spend("k")
    assert allowance.remaining == 59 and allowance.reset == 1  # never more than the budget


def test_idle_buckets_are_swept_once_there_are_many() -> None:
    clock = _Clock()
    budgets = RequestBudgets(60, clock)
    for n in range(10_000):
        budgets.spend(f"k{n}")
    clock.now += 61  # all full again
    budgets.spend("new")
    assert len(budgets._buckets) == 1


def test_the_budget_is_read_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERBILLING_RATE_LIMIT_PER_MINUTE", raising=False)
    assert Settings().rate_limit_per_minute == 1200
    monkeypatch.setenv("PARTNERBILLING_RATE_LIMIT_PER_MINUTE", "300")
    assert Settings().rate_limit_per_minute == 300
    monkeypatch.setenv("PARTNERBILLING_RATE_LIMIT_PER_MINUTE", "-1")
    with pytest.raises(ValueError):
        Settings()
