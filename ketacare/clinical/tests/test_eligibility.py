"""Eligibility by route (REFERENCE §1.2, §1.5, §1.8-§1.10, §2.5)."""

import dataclasses

import pytest

from ketacare.clinical import ClinicalInputError, EligibilityFacts, assess_eligibility

TRD_ADULT = EligibilityFacts(age=40, mdd_diagnosis=True, failed_adequate_trials=2)
KETAMINE_ROUTES = ["iv", "im", "sublingual", "oral"]


def facts(**changes: object) -> EligibilityFacts:
    return dataclasses.replace(TRD_ADULT, **changes)  # type: ignore[arg-type]


def codes(result: object) -> set[str]:
    return {finding.code for finding in result.findings}  # type: ignore[attr-defined]


def test_an_adult_with_trd_is_eligible_for_esketamine_with_a_rems_reminder() -> None:
    result = assess_eligibility(TRD_ADULT, "esketamine_nasal")
    assert result.status == "eligible"
    assert result.indications == {"trd"}
    assert codes(result) == {"rems_enrollment"}


def test_esketamine_needs_at_least_2_failed_trials_or_suicidal_ideation() -> None:
    result = assess_eligibility(facts(failed_adequate_trials=1), "esketamine_nasal")
    assert result.status == "ineligible"
    assert [f.code for f in result.hard_stops] == ["no_esketamine_indication"]


def test_mdd_with_acute_suicidal_ideation_is_an_esketamine_indication() -> None:
    result = assess_eligibility(
        facts(
            failed_adequate_trials=0, suicidal_ideation_or_behavior=True, oral_antidepressant=True
        ),
        "esketamine_nasal",
    )
    assert result.status == "eligible"
    assert result.indications == {"mdsi"}
    assert "mdsi_limitations" in codes(result)


def test_mdsi_without_an_oral_antidepressant_needs_review() -> None:
    result = assess_eligibility(
        facts(
            failed_adequate_trials=0, suicidal_ideation_or_behavior=True, oral_antidepressant=False
        ),
        "esketamine_nasal",
    )
    assert result.status == "needs_review"
    assert "mdsi_needs_oral_antidepressant" in codes(result)


def test_mdsi_with_the_antidepressant_not_recorded_is_a_reminder() -> None:
    result = assess_eligibility(
        facts(failed_adequate_trials=0, suicidal_ideation_or_behavior=True), "esketamine_nasal"
    )
    assert result.status == "eligible"
    kinds = {f.code: f.kind for f in result.findings}
    assert kinds["mdsi_needs_oral_antidepressant"] == "info"


@pytest.mark.parametrize("route", ["esketamine_nasal", *KETAMINE_ROUTES])
def test_under_18_is_ineligible_on_every_route(route: str) -> None:
    result = assess_eligibility(facts(age=17), route)
    assert result.status == "ineligible"
    assert result.findings[0].code == "under_18"
    assert result.findings[0].field == "age"


@pytest.mark.parametrize(
    "contraindication",
    [
        "aneurysmal_vascular_disease",
        "arteriovenous_malformation",
        "intracerebral_hemorrhage_history",
        "ketamine_hypersensitivity",
        "bp_rise_serious_risk",
    ],
)
def test_esketamine_label_contraindications_are_hard_stops(contraindication: str) -> None:
    result = assess_eligibility(facts(**{contraindication: True}), "esketamine_nasal")
    assert result.status == "ineligible"
    stop = result.hard_stops[0]
    assert (stop.code, stop.kind, stop.source) == (contraindication, "hard_stop", stop.source)
    assert "§1.8" in stop.source


@pytest.mark.parametrize("route", KETAMINE_ROUTES)
@pytest.mark.parametrize("contraindication", ["ketamine_hypersensitivity", "bp_rise_serious_risk"])
def test_ketamine_label_contraindications_are_hard_stops(route: str, contraindication: str) -> None:
    result = assess_eligibility(facts(**{contraindication: True}), route)
    assert result.status == "ineligible"
    assert "§2.5" in result.hard_stops[0].source


def test_aneurysm_on_ketamine_routes_asks_whether_the_bp_rise_is_a_serious_hazard() -> None:
    result = assess_eligibility(facts(aneurysmal_vascular_disease=True), "iv")
    assert result.status == "needs_review"


@pytest.mark.parametrize(
    "warning",
    [
        "pregnant",
        "breastfeeding",
        "psychosis_current",
        "psychosis_history",
        "bipolar_or_mania",
        "substance_use_disorder_active",
        "uncontrolled_hypertension",
        "significant_arrhythmia",
        "unstable_cerebrovascular_disease",
        "raised_intracranial_or_intraocular_pressure",
    ],
)
@pytest.mark.parametrize("route", ["esketamine_nasal", "iv"])
def test_precautions_and_trial_exclusions_need_review(warning: str, route: str) -> None:
    result = assess_eligibility(facts(**{warning: True}), route)
    assert result.status == "needs_review"
    assert {f.kind for f in result.findings if f.code == warning} == {"warning"}


@pytest.mark.parametrize("medicine", ["cns_depressants", "psychostimulants", "maois"])
def test_interacting_medicines_are_warnings_for_esketamine_and_info_for_ketamine(
    medicine: str,
) -> None:
    on_esketamine = assess_eligibility(facts(**{medicine: True}), "esketamine_nasal")
    on_ketamine = assess_eligibility(facts(**{medicine: True}), "iv")
    assert on_esketamine.status == "needs_review"
    assert on_ketamine.status == "eligible"
    assert medicine in codes(on_ketamine)


@pytest.mark.parametrize(
    "note", ["hypertensive_encephalopathy_history", "ulcerative_or_interstitial_cystitis"]
)
def test_esketamine_monitoring_notes_are_information_only(note: str) -> None:
    result = assess_eligibility(facts(**{note: True}), "esketamine_nasal")
    assert result.status == "eligible"
    assert note in codes(result)
    assert note not in codes(assess_eligibility(facts(**{note: True}), "iv"))


def test_substance_use_history_is_information() -> None:
    result = assess_eligibility(facts(substance_use_disorder_history=True), "iv")
    assert result.status == "eligible"
    assert "substance_use_disorder_history" in codes(result)


def test_severe_hepatic_impairment_needs_review_for_esketamine() -> None:
    result = assess_eligibility(facts(hepatic_impairment="severe"), "esketamine_nasal")
    assert result.status == "needs_review"
    assert "§1.10" in next(f.source for f in result.findings if f.code == "hepatic_severe")


def test_moderate_hepatic_impairment_extends_monitoring() -> None:
    result = assess_eligibility(facts(hepatic_impairment="moderate"), "esketamine_nasal")
    assert result.status == "eligible"
    assert "hepatic_moderate" in codes(result)


@pytest.mark.parametrize("level", ["none", "mild"])
def test_no_or_mild_hepatic_impairment_adds_nothing(level: str) -> None:
    assert "hepatic_moderate" not in codes(
        assess_eligibility(facts(hepatic_impairment=level), "esketamine_nasal")
    )


def test_hepatic_impairment_is_not_judged_for_ketamine_routes() -> None:
    assert not {"hepatic_severe"} & codes(
        assess_eligibility(facts(hepatic_impairment="severe"), "iv")
    )


def test_no_mdd_diagnosis_is_a_hard_stop_for_esketamine_and_a_warning_for_ketamine() -> None:
    assert assess_eligibility(facts(mdd_diagnosis=False), "esketamine_nasal").status == "ineligible"
    assert assess_eligibility(facts(mdd_diagnosis=False), "iv").status == "needs_review"


def test_ketamine_without_trd_is_information_and_off_label_is_noted() -> None:
    result = assess_eligibility(facts(failed_adequate_trials=1), "iv")
    assert result.status == "eligible"
    assert {"not_trd", "off_label"} <= codes(result)
    assert result.indications == frozenset()


def test_suicidal_ideation_on_ketamine_routes_reminds_to_triage() -> None:
    result = assess_eligibility(facts(suicidal_ideation_or_behavior=True), "iv")
    assert "suicide_risk" in codes(result)


def test_age_notes_for_24_or_under_and_65_or_over() -> None:
    assert "age_24_or_under" in codes(assess_eligibility(facts(age=24), "iv"))
    assert "age_65_or_over" in codes(assess_eligibility(facts(age=65), "esketamine_nasal"))
    assert "age_65_or_over" not in codes(assess_eligibility(facts(age=65), "iv"))


def test_findings_list_hard_stops_first() -> None:
    result = assess_eligibility(
        facts(pregnant=True, ketamine_hypersensitivity=True), "esketamine_nasal"
    )
    assert [f.kind for f in result.findings][:2] == ["hard_stop", "warning"]


def test_every_finding_names_its_reference_section() -> None:
    everything = facts(
        **{f.name: True for f in dataclasses.fields(EligibilityFacts) if f.type == "bool"}
    )
    for route in ["esketamine_nasal", *KETAMINE_ROUTES]:
        for finding in assess_eligibility(everything, route).findings:
            assert finding.source.startswith("REFERENCE §"), finding
            assert finding.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": "40"}, "age"),
        ({"failed_adequate_trials": -1}, "failed_adequate_trials"),
        ({"hepatic_impairment": "child_pugh_c"}, "hepatic_impairment"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"oral_antidepressant": 1}, "oral_antidepressant"),
    ],
)
def test_invalid_facts_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        facts(**changes)
    assert caught.value.field == field


def test_an_unknown_route_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match=r"route: 'nasal' is not allowed"):
        assess_eligibility(TRD_ADULT, "nasal")


def test_facts_must_be_eligibility_facts() -> None:
    with pytest.raises(ClinicalInputError, match=r"facts: must be an EligibilityFacts"):
        assess_eligibility({"age": 40}, "iv")  # type: ignore[arg-type]
