"""The view of a renewal run's report (the platform's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerbilling.visibility.base import rfc3339

if TYPE_CHECKING:
    from partnerbilling.renewals.runner import RunReport


def run_result(report: RunReport) -> dict[str, object]:
    return {
        "as_of": rfc3339(report.as_of),
        "renewed": report.renewed,
        "failed": report.failed,
        "skipped": report.skipped,
        "failures": [
            {"subscription_id": f.subscription_id, "code": f.code, "detail": f.detail}
            for f in report.failures
        ],
        "reasons": dict(report.reasons),
    }
