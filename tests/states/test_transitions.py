"""The transition tables of partnerships, subscriptions, invoices and cashback entries, and the
409 a forbidden move answers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from partnerbilling.billing.routing import Access
from partnerbilling.errors import DomainError, InvalidState, PartnershipEnded
from partnerbilling.states import (
    CASHBACK,
    INVOICE,
    PARTNERSHIP,
    SUBSCRIPTION,
    CashbackStatus,
    DeliveryStatus,
    InvoiceStatus,
    Lifecycle,
    PartnershipStatus,
    SubscriptionStatus,
    sources_of,
)
from partnerbilling.webhooks.schemas import DeliveryRead

P, S, INV, C = PartnershipStatus, SubscriptionStatus, InvoiceStatus, CashbackStatus

ALLOWED: list[tuple[Lifecycle[Any], set[tuple[Any, Any]]]] = [
    (PARTNERSHIP, {(P.PENDING, P.ACTIVE), (P.PENDING, P.ENDED), (P.ACTIVE, P.ENDED)}),
    (
        SUBSCRIPTION,
        {
            (S.ACTIVE, S.CANCELLED),
            (S.ACTIVE, S.SUSPENDED),
            (S.SUSPENDED, S.ACTIVE),
            (S.SUSPENDED, S.CANCELLED),
        },
    ),
    (
        INVOICE,
        {
            (INV.ISSUED, INV.PAID),
            (INV.ISSUED, INV.CREDITED),
            (INV.ISSUED, INV.OVERDUE),
            (INV.OVERDUE, INV.PAID),
            (INV.OVERDUE, INV.CREDITED),
            (INV.PAID, INV.CREDITED),
        },
    ),
    (CASHBACK, {(C.PENDING, C.AVAILABLE), (C.PENDING, C.REVERSED), (C.AVAILABLE, C.REVERSED)}),
]


@pytest.mark.parametrize(("lifecycle", "moves"), ALLOWED, ids=lambda v: getattr(v, "noun", ""))
def test_each_table_allows_exactly_its_moves(lifecycle: Lifecycle[Any], moves: set[tuple[Any, Any]]) -> None:
    assert list(lifecycle.moves) == list(lifecycle.states.__members__.values())
    for current in lifecycle.states:
        for target in lifecycle.states:
            allowed = (current, target) in moves
            assert lifecycle.may_move(current.value, target) is allowed, (current, target)
            if allowed:
                assert lifecycle.check(current.value, target) is target
            else:
                with pytest.raises((InvalidState, PartnershipEnded)):
                    lifecycle.check(current.value, target)


def test_final_states_are_those_without_moves() -> None:
    assert [s for s in P if PARTNERSHIP.is_final(s)] == [P.ENDED]
    assert [s for s in S if SUBSCRIPTION.is_final(s)] == [S.CANCELLED]
    assert [s for s in INV if INVOICE.is_final(s)] == [INV.CREDITED]
    assert [s for s in C if CASHBACK.is_final(s)] == [C.REVERSED]


@pytest.mark.parametrize(
    ("current", "target", "error", "detail"),
    [
        ("active", P.ACTIVE, InvalidState, "The partnership is already active."),
        ("ended", P.ACTIVE, PartnershipEnded, "The partnership has ended."),
        ("ended", P.ENDED, PartnershipEnded, "The partnership has already ended."),
    ],
)
def test_a_forbidden_partnership_move_is_the_409_the_api_answers(
    current: str, target: PartnershipStatus, error: type[DomainError], detail: str
) -> None:
    with pytest.raises(error) as refused:
        PARTNERSHIP.check(current, target)
    assert type(refused.value) is error
    assert refused.value.to_problem()["detail"] == detail
    assert refused.value.to_problem()["status"] == 409


def test_other_refusals_name_the_move() -> None:
    with pytest.raises(InvalidState) as refused:
        INVOICE.check("credited", INV.PAID)
    assert refused.value.detail == "A credited invoice cannot become paid."
    assert type(refused.value) is InvalidState


def test_cashback_moves_from_the_states_its_table_names() -> None:
    assert sources_of(CASHBACK, C.AVAILABLE) == (C.PENDING,)
    assert sources_of(CASHBACK, C.REVERSED) == (C.PENDING, C.AVAILABLE)
    assert sources_of(CASHBACK, C.PENDING) == ()


def test_states_are_plain_strings_and_validate_as_literals() -> None:
    class Model(BaseModel):
        status: PartnershipStatus
        access: Access | None = None

    model = Model.model_validate({"status": "active", "access": "full"})
    assert model.status is P.ACTIVE and model.access is Access.FULL
    assert model.model_dump_json() == '{"status":"active","access":"full"}'
    assert Model.model_json_schema()["properties"]["status"] == {
        "enum": ["pending", "active", "ended"],
        "title": "Status",
        "type": "string",
    }
    with pytest.raises(ValidationError) as refused:
        Model.model_validate({"status": "gone"})
    assert refused.value.errors()[0]["msg"] == "Input should be 'pending', 'active' or 'ended'"


def test_delivery_statuses_keep_their_names() -> None:
    names = ["pending", "succeeded", "failed"]
    assert [str(s) for s in DeliveryStatus] == names
    assert DeliveryRead.model_json_schema()["properties"]["status"]["enum"] == names
