"""How recent the weight of a weight-based dose must be (REFERENCE §2.1 leaves it to the
clinic: the protocol setting `weight_max_age_days`)."""

import dataclasses
import datetime as dt

import pytest

from ketacare.clinical import (
    DEFAULT_WEIGHT_MAX_AGE_DAYS,
    ClinicalInputError,
    DoseRule,
    customise,
    get_protocol,
    stale_weight_finding,
    weight_age_days,
)

TODAY = dt.date(2026, 3, 31)


def test_a_weight_taken_today_is_zero_days_old() -> None:
    assert weight_age_days(TODAY, TODAY) == 0
    assert weight_age_days(dt.date(2026, 3, 1), TODAY) == 30


def test_a_weight_dated_after_today_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match="measured_on: 2026-04-01 is after today"):
        weight_age_days(dt.date(2026, 4, 1), TODAY)


def test_a_weight_exactly_at_the_limit_needs_no_acknowledgement() -> None:
    assert stale_weight_finding(TODAY - dt.timedelta(days=30), TODAY, max_age_days=30) is None


def test_a_weight_one_day_past_the_limit_is_a_warning_naming_its_date_and_age() -> None:
    finding = stale_weight_finding(dt.date(2026, 2, 28), TODAY, max_age_days=30)
    assert finding is not None
    assert (finding.code, finding.kind, finding.field) == (
        "weight_stale",
        "warning",
        "weight_acknowledged",
    )
    assert "31 days ago (2026-02-28)" in finding.message
    assert "at most 30 days old" in finding.message
    assert finding.source == "REFERENCE §2.1; protocol setting weight_max_age_days"
    assert not finding.blocks


@pytest.mark.parametrize("limit", [0, 366, 7.5, True, "30"])
def test_a_limit_outside_1_to_365_whole_days_is_refused(limit: object) -> None:
    with pytest.raises(ClinicalInputError, match="weight_max_age_days"):
        stale_weight_finding(TODAY, TODAY, max_age_days=limit)  # type: ignore[arg-type]


def test_dose_rules_default_to_30_days_and_a_clinic_version_may_change_it() -> None:
    protocol = get_protocol("iv_ketamine_twice_weekly")
    assert protocol.dose_rule.weight_max_age_days == DEFAULT_WEIGHT_MAX_AGE_DAYS == 30
    rule = dataclasses.replace(protocol.dose_rule, weight_max_age_days=7)
    assert customise(protocol, dose_rule=rule).dose_rule.weight_max_age_days == 7


def test_a_dose_rule_refuses_an_impossible_weight_age() -> None:
    with pytest.raises(ClinicalInputError, match="weight_max_age_days: 0 is out of range"):
        DoseRule(kind="fixed", description="x", source="x", weight_max_age_days=0)
