"""Domain errors and their RFC 9457 (problem+json) rendering."""

from __future__ import annotations

from http import HTTPStatus

from partnerbilling.jsonio import JSON

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://partnerbilling.dev/problems/"


class DomainError(Exception):
    """A refusal the caller can act on: rendered as problem+json with a stable ``code``."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    # Headers of the answer besides the problem's own (a 429's Retry-After).
    headers: dict[str, str] | None = None

    def __init__(self, detail: str | None = None, *, errors: list[JSON] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors

    def to_problem(self) -> JSON:
        """The problem document for this error."""
        return problem(self.status, self.code, self.detail, title=self.title, errors=self.errors)


class Unauthenticated(DomainError):
    status, code, title = 401, "unauthenticated", "Missing or unknown API key"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Not allowed"


class RoleForbidden(Forbidden):
    code, title = "role_forbidden", "The operator key's role may not take this action"


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class DuplicateKey(Conflict):
    """A row with the same unique key exists (usually written by a concurrent request). A service
    that knows what it means answers its own error; left alone, it is a plain 409."""

    code, title = "conflict", "The object exists already"

    def __init__(self, constraint: str) -> None:
        super().__init__("An object with the same key was created at the same time; retry.")
        self.constraint = constraint


class PartnershipExists(Conflict):
    code, title = "partnership_exists", "The customer already has a pending or active partnership"


class PartnershipEnded(Conflict):
    code, title = "partnership_ended", "The partnership has ended"


class InvalidState(Conflict):
    code, title = "invalid_state", "The object is not in a state that allows this action"


class IssuerNotConfigured(Conflict):
    code, title = "issuer_not_configured", "No issuer is configured: documents cannot be rendered"


class IdempotencyKeyInUse(Conflict):
    code, title = "idempotency_key_in_use", "A request with this Idempotency-Key is still running"


class Unprocessable(DomainError):
    status, code, title = 422, "unprocessable", "The request cannot be processed"


class ValidationFailed(Unprocessable):
    code, title = "validation_error", "The request is not valid"


class InvalidVatId(ValidationFailed):
    code, title = "invalid_vat_id", "The VAT number is not valid"


class InvalidIban(ValidationFailed):
    code, title = "invalid_iban", "The IBAN is not valid for this use"


class InvalidBic(ValidationFailed):
    code, title = "invalid_bic", "The BIC is not valid"


class QrIbanNotDebitable(ValidationFailed):
    code, title = "qr_iban_not_debitable", "A QR-IBAN cannot be debited: it only receives QR-bill payments"


FIELD_ERRORS: dict[str, type[ValidationFailed]] = {
    error.code: error for error in (InvalidVatId, InvalidIban, InvalidBic, QrIbanNotDebitable)
}
"""Refusals of one field with a ``code`` of their own: a schema validator raises the code as its
error type (``PydanticCustomError``), and the problem document carries it when every invalid
field of the request has it."""


def unreadable_body(reason: str) -> ValidationFailed:
    """The one answer for a body that cannot be read, wherever that is found out."""
    return ValidationFailed(f"The request body is {reason}.", errors=[{"loc": ["body"], "msg": reason}])


class BillingModeRequiresFullAccess(Unprocessable):
    code, title = "billing_mode_requires_full_access", "Billing mode 'partner' needs full access"


class PartnerNotReseller(Unprocessable):
    code, title = "partner_not_reseller", "The partner organisation has no reseller tier"


class PartnerIsCustomer(Unprocessable):
    code, title = "partner_is_customer", "An organisation cannot be its own partner"


class PriceNotAvailable(Unprocessable):
    code, title = "price_not_available", "The product has no price in the payer's currency"


class IdempotencyKeyReused(Unprocessable):
    code, title = "idempotency_key_reused", "This Idempotency-Key was used with a different request"


class RateLimited(DomainError):
    status, code, title = 429, "rate_limited", "Too many requests with this key"

    def __init__(self, detail: str, headers: dict[str, str]) -> None:
        super().__init__(detail)
        self.headers = headers


class ServiceUnavailable(DomainError):
    status, code, title = 503, "service_unavailable", "The service is temporarily unavailable"


class Timeout(DomainError):
    status, code, title = 503, "timeout", "The request took too long and was cancelled"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: list[JSON] | None = None,
    **extra: object,
) -> JSON:
    """An RFC 9457 problem document."""
    body: JSON = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body
