from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from partnerbilling.events.schemas import ORGANIZATION_EVENT_TYPES
from partnerbilling.fields import Description, RequestModel, omitted_not_null
from partnerbilling.states import DeliveryStatus as DeliveryStatus  # the router takes it from here

# An absolute http(s) URL without spaces or controls; the rest (a valid host or address, a port,
# a public destination) is checked by url_safety, since no pattern can say it.
_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x20\x7f/?#]+([/?#][^\x00-\x20\x7f]*)?$"
WebhookUrl = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2048, pattern=_URL_PATTERN),
    Field(examples=["https://example.com/hooks/partnerbilling"], json_schema_extra={"format": "uri"}),
]


def _event_types(value: list[str]) -> list[str]:
    unknown = [t for t in value if t != "*" and t not in ORGANIZATION_EVENT_TYPES]
    if unknown:
        raise ValueError(
            f"unknown event type {', '.join(unknown)}; use '*' or one of "
            f"{', '.join(ORGANIZATION_EVENT_TYPES)}"
        )
    unique = list(dict.fromkeys(value))
    return ["*"] if "*" in unique else unique


EventTypes = Annotated[
    list[str],
    Field(
        min_length=1,
        max_length=len(ORGANIZATION_EVENT_TYPES) + 1,
        description="Event types to receive; `*` for all.",
        examples=[["*"], ["invoice.issued", "invoice.paid"]],
        json_schema_extra={"items": {"type": "string", "enum": ["*", *ORGANIZATION_EVENT_TYPES]}},
    ),
]


class EndpointCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"url": "https://example.com/hooks", "event_types": ["invoice.issued", "invoice.paid"]}
            ]
        },
    )

    url: WebhookUrl
    event_types: EventTypes = Field(default_factory=lambda: ["*"])
    enabled: bool = True
    description: Description | None = None

    @field_validator("event_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return _event_types(value)


class EndpointUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=omitted_not_null("description", examples=[{"enabled": False}])
    )

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    enabled: bool | None = None
    description: Description | None = Field(default=None, description="`null` removes it.")

    @field_validator("event_types")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _event_types(value)


class EndpointRead(BaseModel):
    id: str
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="Why the service disabled the endpoint, if it did.")
    failing_since: str | None = Field(description="Since when deliveries fail without a success.")
    created_at: str
    updated_at: str


class EndpointWithSecret(EndpointRead):
    secret: str | None = Field(
        description="The signing secret (`whsec_…`), shown only in this response (`null` in an "
        "Idempotency-Key replay).",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class EndpointList(BaseModel):
    data: list[EndpointRead]
    next_cursor: str | None


class AttemptRead(BaseModel):
    attempted_at: str
    status_code: int | None = Field(description="The receiver's HTTP status; null if none came back.")
    latency_ms: int
    error: str | None


class DeliveryRead(BaseModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    next_attempt_at: str | None = Field(description="When the next attempt is due, while pending.")
    last_attempt_at: str | None
    created_at: str
    attempts: list[AttemptRead] = Field(description="Every attempt, oldest first.")


class DeliveryList(BaseModel):
    data: list[DeliveryRead]
    next_cursor: str | None


class DeliveriesScheduled(BaseModel):
    data: list[DeliveryRead]
