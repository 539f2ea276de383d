import datetime as dt

import pytest

from ketacare.clinical import ClinicalInputError
from ketacare.clinical.administration import device_rest_findings

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_first_device_needs_no_rest() -> None:
    assert device_rest_findings([], T0) == []


def test_a_device_five_minutes_after_the_previous_one_is_fine() -> None:
    assert device_rest_findings([T0], T0 + dt.timedelta(minutes=5)) == []


def test_a_device_sooner_than_five_minutes_is_a_warning_citing_the_label() -> None:
    (finding,) = device_rest_findings([T0], T0 + dt.timedelta(minutes=3))
    assert finding.code == "device_rest_short"
    assert finding.kind == "warning"
    assert "REFERENCE §1.4" in finding.source


def test_the_rest_counts_from_the_latest_device() -> None:
    earlier = [T0 + dt.timedelta(minutes=5), T0]
    assert device_rest_findings(earlier, T0 + dt.timedelta(minutes=7)) != []


def test_a_device_before_the_previous_one_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match="administered_at"):
        device_rest_findings([T0], T0 - dt.timedelta(minutes=1))
