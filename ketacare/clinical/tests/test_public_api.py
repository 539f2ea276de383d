"""The public face of `ketacare.clinical` is a contract other code relies on."""

import pytest

from ketacare import clinical

CONTRACT = [
    "ClinicalInputError",
    "score",
    "Score",
    "classify",
    "Outcome",
    "suicide_triage",
    "Triage",
    "assess_eligibility",
    "EligibilityFacts",
    "Eligibility",
    "Finding",
    "esketamine_devices",
    "allowed_esketamine_doses",
    "dosing_weight",
    "weight_based_dose",
    "Dose",
    "infusion",
    "Infusion",
    "PROTOCOLS",
    "plan_sessions",
    "PlannedSession",
    "Vitals",
    "VitalThresholds",
    "pre_dose_check",
    "evaluate_vitals",
    "discharge_readiness",
    "Readiness",
    "plausibility",
    "codes",
    "wilson_interval",
    "Episode",
    "outcome_summary",
    "OutcomeSummary",
    "Rate",
]


@pytest.mark.parametrize("name", CONTRACT)
def test_the_contract_name_is_exported(name: str) -> None:
    assert name in clinical.__all__
    assert hasattr(clinical, name)


def test_every_name_in_all_exists() -> None:
    missing = [name for name in clinical.__all__ if not hasattr(clinical, name)]
    assert missing == []


def test_clinical_input_error_is_a_value_error_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"instrument") as caught:
        clinical.score("hamd", {})
    assert isinstance(caught.value, clinical.ClinicalInputError)
    assert caught.value.field == "instrument"
    assert "phq9" in str(caught.value)
