"""Event types are named once: the enum, the registry of payloads and recipients, and everything
derived from them (documents, the webhook endpoints' ``event_types``, the SQL)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

import partnerbilling
from partnerbilling.db import transaction, utcnow
from partnerbilling.events.documents import EVENT_DOCUMENTS, model_name
from partnerbilling.events.registry import EVENTS, Recipients
from partnerbilling.events.schemas import (
    EVENT_TYPES,
    ORGANIZATION_EVENT_TYPES,
    PLATFORM_EVENT_TYPES,
    EventType,
)
from partnerbilling.events.service import emit
from partnerbilling.webhooks.schemas import EndpointCreate
from tests.support import Api

SRC = Path(partnerbilling.__file__).parent


def test_every_event_type_has_one_payload_and_recipients_rule() -> None:
    assert list(EVENTS) == list(EventType)
    assert tuple(t.value for t in EventType) == EVENT_TYPES
    assert all(isinstance(t, str) and t == t.value for t in EventType)
    assert EVENTS[EventType.INVOICE_ISSUED].recipients is Recipients.PAYER
    assert EVENTS[EventType.CASHBACK_CREDITED].recipients is Recipients.PARTNER
    assert EVENTS[EventType.PARTNERSHIP_ENDED].recipients is Recipients.PARTIES
    assert EVENTS[EventType.WEBHOOK_ENDPOINT_DISABLED].recipients is Recipients.OWNER


@pytest.mark.parametrize("event_type", list(EventType))
def test_each_document_is_made_from_the_registry(event_type: EventType) -> None:
    document = EVENT_DOCUMENTS[event_type]
    assert document.__name__ == model_name(event_type)
    assert get_args(document.model_fields["type"].annotation) == (event_type.value,)
    assert document.model_fields["data"].annotation is EVENTS[event_type].payload
    assert document.__doc__ == EVENTS[event_type].description


def test_model_names_follow_the_type() -> None:
    assert model_name(EventType.PARTNERSHIP_BILLING_MODE_CHANGED) == "PartnershipBillingModeChangedEvent"
    assert model_name(EventType.WEBHOOK_ENDPOINT_DISABLED) == "WebhookEndpointDisabledEvent"


def test_the_platforms_own_events_go_to_the_platform_only() -> None:
    platform = [t for t, spec in EVENTS.items() if spec.recipients is Recipients.PLATFORM]
    assert (
        set(platform)
        == PLATFORM_EVENT_TYPES
        == {
            EventType.ORGANIZATION_UPDATED,
            EventType.ISSUER_UPDATED,
            EventType.JOB_COMPLETED,
            EventType.JOB_FAILED,
            EventType.JOURNAL_SEALED,
            EventType.PAYOUT_BATCH_CREATED,
            EventType.RECEIPT_RECEIVED,
            EventType.RECEIPT_APPLIED,
            EventType.RECEIPT_RETURNED,
        }
    )
    assert tuple(t for t in EVENT_TYPES if t not in PLATFORM_EVENT_TYPES) == ORGANIZATION_EVENT_TYPES


def test_webhook_endpoints_take_the_registered_types() -> None:
    schema = EndpointCreate.model_json_schema()["properties"]["event_types"]
    assert schema["items"]["enum"] == ["*", *ORGANIZATION_EVENT_TYPES]
    with pytest.raises(ValidationError, match=r"organization\.updated"):
        EndpointCreate(url="https://example.com/h", event_types=["organization.updated"])
    assert EndpointCreate(url="https://example.com/h", event_types=["invoice.paid"]).event_types == [
        EventType.INVOICE_PAID
    ]


def _sources() -> str:
    return "\n".join(path.read_text() for path in sorted(SRC.rglob("*.py")))


def test_one_statement_decides_which_endpoints_subscribe_and_makes_delivery_ids() -> None:
    sources = _sources()
    assert sources.count("w.event_types &&") == 1
    assert sources.count("gen_random_uuid()") == 1


@pytest.mark.parametrize("event_type", list(EventType))
def test_no_repository_spells_an_event_type_inside_sql(event_type: EventType) -> None:
    # (``invariants.py`` checks the data independently of the code, in SQL of its own.)
    repositories = "\n".join(path.read_text() for path in sorted(SRC.rglob("repository.py")))
    assert f"'{event_type.value}'" not in repositories


async def test_an_unregistered_event_type_is_refused_before_anything_is_written(
    api: Api, db: AsyncEngine
) -> None:
    acme = await api.org("Acme")
    with pytest.raises(ValueError, match=r"invoice\.payed"):
        async with transaction(db) as conn:
            # mypy refuses it too; this is the check for a caller that escapes the type checker.
            await emit(conn, "invoice.payed", [acme.id], lambda _: {"id": "inv_1"}, utcnow())  # type: ignore[arg-type]
    async with transaction(db) as conn:
        await emit(conn, EventType.INVOICE_PAID, [acme.id], lambda _: {"id": "inv_1"}, utcnow())
    events = (await api.ok(acme, "GET", "/v1/events"))["data"]
    assert [event["type"] for event in events] == ["invoice.paid"]
