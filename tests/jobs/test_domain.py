"""The report of a resumed job: what the first worker saved plus what the second did."""

from __future__ import annotations

from partnerbilling.jobs.domain import LISTED_FAILURES, merge_reports


def test_a_fresh_job_reports_its_run_alone() -> None:
    run = {"as_of": "2027-01-01T00:00:00.000000Z", "renewed": 3, "reasons": {}}
    assert merge_reports(None, run) == run
    assert merge_reports({}, run) == run


def test_counts_and_counts_by_code_add_up_and_failures_follow_each_other() -> None:
    saved = {
        "as_of": "2027-01-01T00:00:00.000000Z",
        "renewed": 5,
        "failed": 1,
        "skipped": 0,
        "failures": [{"subscription_id": "sub_a", "code": "price_not_available", "detail": "x"}],
        "reasons": {"price_not_available": 1},
    }
    resumed = {
        "as_of": "2027-01-01T00:00:00.000000Z",
        "renewed": 7,
        "failed": 2,
        "skipped": 1,
        "failures": [
            {"subscription_id": "sub_b", "code": "price_not_available", "detail": "y"},
            {"subscription_id": "sub_c", "code": "timeout", "detail": "z"},
        ],
        "reasons": {"price_not_available": 1, "timeout": 1, "suspended": 1},
    }
    merged = merge_reports(saved, resumed)
    assert merged["renewed"] == 12
    assert (merged["failed"], merged["skipped"]) == (3, 1)
    assert [f["subscription_id"] for f in merged["failures"]] == ["sub_a", "sub_b", "sub_c"]
    assert merged["reasons"] == {"price_not_available": 2, "timeout": 1, "suspended": 1}
    assert merged["as_of"] == resumed["as_of"]


def test_the_listed_failures_stay_within_the_limit() -> None:
    failure = {"subscription_id": "sub_a", "code": "timeout", "detail": "z"}
    saved = {"failures": [failure] * (LISTED_FAILURES - 1)}
    merged = merge_reports(saved, {"failures": [failure] * 5})
    assert len(merged["failures"]) == LISTED_FAILURES


def test_dunning_levels_add_up_by_level() -> None:
    merged = merge_reports({"stepped": 2, "levels": {"1": 2}}, {"stepped": 3, "levels": {"1": 1, "2": 2}})
    assert merged == {"stepped": 5, "levels": {"1": 3, "2": 2}}
