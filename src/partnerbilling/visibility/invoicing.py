"""The monthly close's report, as its request answers it and its job keeps it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339

if TYPE_CHECKING:
    from partnerbilling.invoicing.runner import CloseReport


def close_result(report: CloseReport) -> JSON:
    return {
        "as_of": rfc3339(report.as_of),
        "billed_before": rfc3339(report.billed_before),
        "invoices": report.invoices,
        "charges": report.charges,
        "failed": report.failed,
        "failures": [
            {"payer_id": f.payer_id, "currency": f.currency, "code": f.code, "detail": f.detail}
            for f in report.failures
        ],
        "reasons": dict(report.reasons),
    }
