"""The eligibility review: the facts gathered from the chart and the intake, and what the
clinical core makes of them. Nothing here is a clinical rule; it only collects the inputs
(`EligibilityFacts`, the suicide-triage items) and says where each came from."""

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.assessments.queries import latest_by_instrument
from ketacare.clinical import codes
from ketacare.patients.models import Diagnosis, Medication, RemsClass
from ketacare.screening.models import MEDICAL_FLAGS, AntidepressantTrial, Intake, PregnancyStatus

# REMS form classes (§1.11) -> the EligibilityFacts field the §1.9 interaction rules read.
REMS_FACTS = {
    RemsClass.BENZODIAZEPINE: "cns_depressants",
    RemsClass.NON_BENZO_SEDATIVE_HYPNOTIC: "cns_depressants",
    RemsClass.OPIOID: "cns_depressants",
    RemsClass.PSYCHOSTIMULANT: "psychostimulants",
    RemsClass.MAOI: "maois",
}
# C-SSRS flags that mean ideation in the past month or behaviour in the past 3 months; a
# lifetime-only attempt is history, not the "acute" ideation or behaviour of §1.2.
ACUTE_CSSRS_FLAGS = frozenset({"suicidal_ideation", "recent_suicidal_behavior"})
# The suicide item of each scale, as `suicide_triage` takes it (§6.2, §4.4, §4.5).
TRIAGE_ITEMS = (
    ("phq9", "9", "phq9_item9"),
    ("qids_sr16", "12", "qids_item12"),
    ("madrs", "10", "madrs_item10"),
)
# Unknown pregnancy is assessed as pregnant, so the core's warning shows until it is known.
PREGNANT_FOR_ELIGIBILITY = (PregnancyStatus.PREGNANT, PregnancyStatus.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Review:
    intake: Intake
    route: str
    missing: dict[str, str]
    facts: clinical.EligibilityFacts | None
    fact_sources: dict[str, str]
    eligibility: clinical.Eligibility | None
    triage: clinical.Triage | None
    baseline: dict[str, Assessment]
    digest: str

    @property
    def warnings(self) -> tuple[clinical.Finding, ...]:
        findings = self.eligibility.findings if self.eligibility else ()
        return tuple(finding for finding in findings if finding.kind == "warning")


@dataclass(frozen=True, slots=True)
class _Chart:
    diagnoses: list[Diagnosis]
    medications: list[Medication]
    trials: list[AntidepressantTrial]
    baseline: dict[str, Assessment]


def eligibility_review(intake: Intake, route: str = "") -> Review:
    """Gather the facts for `route` (default: the intake's intended route) and assess them."""
    route = route or intake.intended_route
    chart = _chart(intake)
    missing = _missing(intake, route, chart)
    facts: clinical.EligibilityFacts | None = None
    sources: dict[str, str] = {}
    if not missing:
        try:
            facts, sources = _facts(intake, chart)
        except clinical.ClinicalInputError as error:
            # e.g. a date of birth that gives an impossible age: fix the record, then review.
            missing[error.field] = str(error)
    eligibility = clinical.assess_eligibility(facts, route) if facts else None
    triage = _triage(chart.baseline)
    return Review(
        intake=intake,
        route=route,
        missing=missing,
        facts=facts,
        fact_sources=sources,
        eligibility=eligibility,
        triage=triage,
        baseline=chart.baseline,
        digest=_digest(route, facts, triage),
    )


def _chart(intake: Intake) -> _Chart:
    patient = intake.patient
    return _Chart(
        diagnoses=list(patient.diagnoses.filter(entered_in_error=False)),
        medications=list(patient.medications.filter(entered_in_error=False)),
        trials=list(intake.trials.filter(entered_in_error=False)),
        baseline=latest_by_instrument(patient),
    )


def _missing(intake: Intake, route: str, chart: _Chart) -> dict[str, str]:
    missing = {}
    if route not in clinical.ROUTES:
        missing["route"] = "Choose the intended route of treatment."
    if not intake.pregnancy_status:
        missing["pregnancy_status"] = "Record the pregnancy status (or not applicable)."
    if "cssrs_screener" not in chart.baseline:
        missing["cssrs_screener"] = "Record a baseline C-SSRS Screener."
    return missing


def _age(intake: Intake) -> int:
    born, today = intake.patient.date_of_birth, intake.clinic.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _facts(intake: Intake, chart: _Chart) -> tuple[clinical.EligibilityFacts, dict[str, str]]:
    values: dict[str, Any] = {name: getattr(intake, name) for name, _ in MEDICAL_FLAGS}
    sources = {name: "intake" for name, value in values.items() if value}
    values["age"] = _age(intake)
    sources["age"] = f"date of birth {intake.patient.date_of_birth:%Y-%m-%d}"
    _diagnosis_facts(chart.diagnoses, values, sources)
    _trial_facts(chart.trials, values, sources)
    _medication_facts(chart.medications, intake.clinic.today(), values, sources)
    _cssrs_facts(chart.baseline, values, sources)
    _intake_facts(intake, values, sources)
    return clinical.EligibilityFacts(**values), sources


def _diagnosis_facts(
    diagnoses: list[Diagnosis], values: dict[str, Any], sources: dict[str, str]
) -> None:
    mdd = [d.code for d in diagnoses if codes.is_mdd(d.system, d.code)]
    values["mdd_diagnosis"] = bool(mdd)
    sources["mdd_diagnosis"] = f"diagnoses: {', '.join(mdd)}" if mdd else "no MDD diagnosis coded"
    psychotic = [d.code for d in diagnoses if codes.has_psychotic_features(d.system, d.code)]
    if psychotic:
        values["psychosis_history"] = True
        sources["psychosis_history"] = f"diagnosis with psychotic features: {', '.join(psychotic)}"


def _trial_facts(
    trials: list[AntidepressantTrial], values: dict[str, Any], sources: dict[str, str]
) -> None:
    failed = [trial.drug for trial in trials if trial.counts_as_failed]
    values["failed_adequate_trials"] = len(failed)
    sources["failed_adequate_trials"] = (
        f"adequate trials without response: {', '.join(failed)}" if failed else "none recorded"
    )


def _medication_facts(
    medications: list[Medication], today: dt.date, values: dict[str, Any], sources: dict[str, str]
) -> None:
    for medication in medications:
        fact = REMS_FACTS.get(RemsClass(medication.rems_class)) if medication.rems_class else None
        if fact and (medication.stopped_on is None or medication.stopped_on >= today):
            values[fact] = True
            named = f"{medication.name} ({medication.get_rems_class_display()})"
            sources[fact] = (
                f"{sources[fact]}, {named}" if fact in sources else f"medications: {named}"
            )


def _cssrs_facts(
    baseline: dict[str, Assessment], values: dict[str, Any], sources: dict[str, str]
) -> None:
    cssrs = baseline["cssrs_screener"]
    if ACUTE_CSSRS_FLAGS & set(cssrs.flags):
        values["suicidal_ideation_or_behavior"] = True
        when = f"{cssrs.administered_at:%Y-%m-%d}"
        source = f"baseline C-SSRS {when}: {cssrs.risk} risk"
        prior = sources.get("suicidal_ideation_or_behavior")
        sources["suicidal_ideation_or_behavior"] = f"{prior}; {source}" if prior else source


def _intake_facts(intake: Intake, values: dict[str, Any], sources: dict[str, str]) -> None:
    values["pregnant"] = intake.pregnancy_status in PREGNANT_FOR_ELIGIBILITY
    if values["pregnant"]:
        sources["pregnant"] = f"intake: pregnancy status {intake.get_pregnancy_status_display()}"
    values["breastfeeding"] = intake.breastfeeding
    if intake.breastfeeding:
        sources["breastfeeding"] = "intake"
    # A fresh model holds the TextChoices member; the core takes only the plain string.
    values["hepatic_impairment"] = str(intake.hepatic_impairment)
    sources["hepatic_impairment"] = "intake"
    values["oral_antidepressant"] = intake.on_oral_antidepressant
    sources["oral_antidepressant"] = "intake"


def _triage(baseline: dict[str, Assessment]) -> clinical.Triage | None:
    inputs: dict[str, Any] = {}
    if "cssrs_screener" in baseline:
        inputs["cssrs"] = baseline["cssrs_screener"].answers
    for instrument, item, name in TRIAGE_ITEMS:
        if instrument in baseline:
            inputs[name] = baseline[instrument].answers.get(item)
    if not any(value is not None for value in inputs.values()):
        return None
    return clinical.suicide_triage(**inputs)


def _digest(
    route: str, facts: clinical.EligibilityFacts | None, triage: clinical.Triage | None
) -> str:
    """A fingerprint of what the prescriber reviewed; signing refuses if it has changed."""
    payload = {
        "route": route,
        "facts": dataclasses.asdict(facts) if facts else None,
        "triage": triage.level if triage else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def finding_dicts(findings: tuple[clinical.Finding, ...]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(finding) for finding in findings]


def triage_dict(triage: clinical.Triage | None) -> dict[str, Any]:
    return dataclasses.asdict(triage) if triage else {}
