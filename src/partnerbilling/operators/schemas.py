from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Name, RequestModel
from partnerbilling.operators.domain import Role


class OperatorKeyCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Anna (accounting)", "role": "finance"}]}
    )

    name: Name = Field(description="Who holds the key: shown in the audit trail.")
    role: Role = Field(
        description="`finance`: money; `support`: organisations, partnerships, API keys, webhooks; "
        "`readonly`: reads only; `admin`: everything."
    )


class OperatorKeyRead(BaseModel):
    id: str
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognise it.")
    created_at: str
    revoked_at: str | None


class OperatorKeyCreated(OperatorKeyRead):
    key: str | None = Field(
        description="The key itself, shown in this answer only: store it (`null` in an "
        "Idempotency-Key replay)."
    )


class OperatorKeyList(BaseModel):
    data: list[OperatorKeyRead]
    next_cursor: str | None


class AuditOperator(BaseModel):
    id: str = Field(description="The operator key's id, or `platform` for the platform token.")
    name: str


class AuditRecordRead(BaseModel):
    id: str
    at: str
    operator: AuditOperator
    role: Role
    method: str
    route: str = Field(description="The operation's path template, e.g. `/v1/admin/organizations/{org_id}`.")
    object_id: str | None = Field(description="The object the write named, or the one it created.")
    request_id: str
    status: int = Field(description="The HTTP status of the answer, refusals included.")


class AuditList(BaseModel):
    data: list[AuditRecordRead]
    next_cursor: str | None
