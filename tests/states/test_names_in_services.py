"""The services and the planner name event types and states by their enums (``EventType``, the
states of ``states.py``), never as strings: a misspelt name is then mypy's error, not a row that
matches nothing. Read from the source (every ``service.py`` and every module of ``billing/``)."""

from __future__ import annotations

import ast
from pathlib import Path

import partnerbilling
from partnerbilling.events.schemas import EVENT_TYPES
from partnerbilling.states import (
    CashbackStatus,
    InvoiceKind,
    InvoiceStatus,
    OrderKind,
    PartnershipStatus,
    SubscriptionStatus,
)

SRC = Path(partnerbilling.__file__).parent
CHECKED = sorted([*SRC.rglob("service.py"), *(SRC / "billing").glob("*.py")])
STATE_NAMES = {
    member.value
    for enum in (PartnershipStatus, SubscriptionStatus, InvoiceStatus, CashbackStatus, InvoiceKind, OrderKind)
    for member in enum
}


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def spelt_names(source: str) -> list[str]:
    """Event types anywhere, and states compared (``status == "paid"``, ``in ("pending",)``) or
    given as a ``status``/``kind`` (keyword or dict key), spelt as strings."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in EVENT_TYPES:
            found.append(f"{node.lineno}: event type {node.value!r}")
        values: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            values = [node.left, *node.comparators]
        elif isinstance(node, ast.keyword) and node.arg in ("status", "kind", "to_status"):
            values = [node.value]
        elif isinstance(node, ast.Dict):
            values = [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if k is not None and _strings(k) in (["status"], ["kind"])
            ]
        elif isinstance(node, ast.Call):
            values = list(node.args)
        line = getattr(node, "lineno", 0)
        found += [f"{line}: state {s!r}" for value in values for s in _strings(value) if s in STATE_NAMES]
    return sorted(set(found), key=lambda name: int(name.split(":")[0]))


def test_the_services_and_the_planner_are_read() -> None:
    names = {path.relative_to(SRC).as_posix() for path in CHECKED}
    assert {"orders/service.py", "renewals/service.py", "invoices/service.py"} <= names
    assert {"billing/charge.py", "billing/credit.py"} <= names


def test_no_service_or_planner_spells_an_event_type_or_a_state() -> None:
    spelt = {
        path.relative_to(SRC).as_posix(): names
        for path in CHECKED
        if (names := spelt_names(path.read_text()))
    }
    assert spelt == {}


def test_the_check_finds_names_spelt_as_strings() -> None:
    source = """
if invoice.status != "issued" or order.kind == "new":
    emit(conn, "invoice.paid", [payer_id], view, now)
move(conn, order_id, ("pending", "available"), "reversed", now)
change(conn, sub.id, {"status": "cancelled"})
Subscription(status="active", name="paid")
"""
    assert set(spelt_names(source)) == {
        "2: state 'issued'",
        "2: state 'new'",
        "3: event type 'invoice.paid'",
        "4: state 'pending'",
        "4: state 'available'",
        "4: state 'reversed'",
        "5: state 'cancelled'",
        "6: state 'active'",
    }
    assert spelt_names('status = InvoiceStatus.PAID\ntitle = "paid"\n') == []
