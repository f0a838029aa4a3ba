"""The view of a dunning run's report (the platform's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerbilling.visibility.base import rfc3339

if TYPE_CHECKING:
    from partnerbilling.dunning.runner import DunningReport


def dunning_result(report: DunningReport) -> dict[str, object]:
    return {
        "as_of": rfc3339(report.as_of),
        "invoices": report.invoices,
        "stepped": report.stepped,
        "unchanged": report.unchanged,
        "failed": report.failed,
        "levels": {str(level): n for level, n in sorted(report.levels.items())},
        "reasons": dict(report.reasons),
    }
