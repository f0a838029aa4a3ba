"""The one way a statement runs (partnerbilling.sql): rows made into typed objects, statements
built per call with their values bound in them (IN lists included), the rows a change touched,
and a unique-key refusal turned into the service's own error."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.catalog import models
from partnerbilling.catalog.domain import ResellerTier
from partnerbilling.db import transaction, utcnow
from partnerbilling.errors import DuplicateKey
from partnerbilling.sql import execute, fetch_all, fetch_one, fetch_value


@dataclass(frozen=True, slots=True)
class CodeAndRate:
    code: str
    default_rate: Decimal


async def _add_tiers(db: AsyncEngine, *codes: str) -> None:
    async with transaction(db) as conn:
        for i, code in enumerate(codes):
            values = {"code": code, "name": code.title(), "default_rate": Decimal(i) / 10, "rates": {}}
            await execute(conn, insert(models.ResellerTier).values(**values, updated_at=utcnow()))


async def test_rows_are_made_into_the_type_asked_for(db: AsyncEngine) -> None:
    await _add_tiers(db, "bronze", "gold")
    async with transaction(db) as conn:
        tiers = await fetch_all(
            conn, select(models.ResellerTier).order_by(models.ResellerTier.code), ResellerTier
        )
        picked = await fetch_one(
            conn,
            select(models.ResellerTier.code, models.ResellerTier.default_rate).where(
                models.ResellerTier.code == "gold"
            ),
            CodeAndRate,
        )
    assert [type(t) for t in tiers] == [ResellerTier, ResellerTier]
    assert [(t.code, t.name, t.default_rate, t.rates) for t in tiers] == [
        ("bronze", "Bronze", Decimal("0.0000"), {}),
        ("gold", "Gold", Decimal("0.1000"), {}),
    ]
    assert picked == CodeAndRate("gold", Decimal("0.1000"))


async def test_an_in_list_is_bound_value_by_value(db: AsyncEngine) -> None:
    await _add_tiers(db, "a", "b", "c", "d")
    stmt = select(models.ResellerTier.code, models.ResellerTier.default_rate)
    async with transaction(db) as conn:
        found = await fetch_all(
            conn, stmt.where(models.ResellerTier.code.in_(["b", "d", "x"])).order_by("code"), CodeAndRate
        )
        none = await fetch_all(conn, stmt.where(models.ResellerTier.code.in_([])), CodeAndRate)
    assert [f.code for f in found] == ["b", "d"]
    assert none == []


async def test_a_change_says_how_many_rows_it_touched(db: AsyncEngine) -> None:
    await _add_tiers(db, "a", "b", "c")
    async with transaction(db) as conn:
        renamed = await execute(
            conn, update(models.ResellerTier).where(models.ResellerTier.code != "a").values(name="X")
        )
        removed = await execute(conn, delete(models.ResellerTier).where(models.ResellerTier.code == "zz"))
        left = await fetch_value(
            conn, select(models.ResellerTier.code).where(models.ResellerTier.name == "A")
        )
    assert (renamed, removed, left) == (2, 0, "a")


async def test_a_duplicate_key_is_the_services_own_error(db: AsyncEngine) -> None:
    await _add_tiers(db, "gold")
    with pytest.raises(DuplicateKey) as refused:
        async with transaction(db) as conn:
            await execute(
                conn,
                insert(models.ResellerTier).values(
                    code="gold", name="Again", default_rate=0, rates={}, updated_at=utcnow()
                ),
            )
    assert refused.value.constraint == "pk_reseller_tiers"
    assert refused.value.to_problem()["status"] == 409
    async with transaction(db) as conn:
        names = await fetch_all(conn, select(models.ResellerTier), ResellerTier)
    assert [t.name for t in names] == ["Gold"]
