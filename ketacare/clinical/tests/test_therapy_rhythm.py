"""The rhythm of therapy around the doses, as the protocol sets it (REFERENCE §7)."""

import dataclasses
import datetime as dt

import pytest

from ketacare.clinical import (
    PROTOCOLS,
    ClinicalInputError,
    customise,
    integration_window,
    preparation_finding,
)

BASE = PROTOCOLS["iv_ketamine_twice_weekly"]


def test_a_protocol_asks_for_no_preparation_and_no_window_unless_the_clinic_sets_them() -> None:
    assert preparation_finding(BASE, held=0) is None
    assert integration_window(BASE, dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)) is None


def test_too_few_preparation_sessions_warn_or_stop_as_the_protocol_says() -> None:
    two = customise(BASE, therapy_preparation_sessions=2)
    warning = preparation_finding(two, held=1)
    assert warning is not None
    assert (warning.kind, warning.message) == (
        "warning",
        "1 of 2 preparation sessions held before the first dose.",
    )
    assert preparation_finding(two, held=2) is None
    strict = dataclasses.replace(two, therapy_preparation_rule="hard_stop")
    stop = preparation_finding(strict, held=0)
    assert stop is not None
    assert stop.kind == "hard_stop"
    one = customise(BASE, therapy_preparation_sessions=1)
    assert "0 of 1 preparation session held" in preparation_finding(one, held=0).message  # type: ignore[union-attr]


def test_the_integration_window_runs_from_the_dose() -> None:
    protocol = customise(BASE, therapy_integration_min_hours=24, therapy_integration_max_hours=72)
    dosed = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    assert integration_window(protocol, dosed) == (
        dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"therapy_preparation_sessions": 13}, "therapy_preparation_sessions"),
        ({"therapy_preparation_rule": "maybe"}, "therapy_preparation_rule"),
        ({"therapy_integration_min_hours": 24}, "therapy_integration_max_hours"),
        (
            {"therapy_integration_min_hours": 72, "therapy_integration_max_hours": 24},
            "therapy_integration_max_hours",
        ),
        (
            {"therapy_integration_min_hours": -1, "therapy_integration_max_hours": 24},
            "therapy_integration_min_hours",
        ),
    ],
)
def test_therapy_settings_that_cannot_apply_are_refused_naming_the_setting(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        customise(BASE, **changes)
    assert refused.value.field == field
