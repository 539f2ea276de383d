"""Eligibility rules by route (REFERENCE §1.2, §1.5, §1.8-§1.10, §2.5, §3.2).

Label contraindications are hard stops; precautions, "not recommended" uses and the exclusions
common in trials are warnings that a prescriber reviews; the rest is information.
Any hard stop -> ineligible; else any warning -> needs_review; else eligible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Literal, NamedTuple

from ketacare.clinical.errors import ClinicalInputError, require_bool, require_choice, require_int
from ketacare.clinical.findings import Finding, FindingKind, ref, sort_findings
from ketacare.clinical.routes import ESKETAMINE, Route, check_route

__all__ = [
    "TRD_MIN_FAILED_TRIALS",
    "Eligibility",
    "EligibilityFacts",
    "EligibilityStatus",
    "HepaticImpairment",
    "assess_eligibility",
]

EligibilityStatus = Literal["eligible", "needs_review", "ineligible"]
HepaticImpairment = Literal["none", "mild", "moderate", "severe"]
HEPATIC_LEVELS: tuple[HepaticImpairment, ...] = ("none", "mild", "moderate", "severe")
TRD_MIN_FAILED_TRIALS = 2  # REFERENCE §1.2: inadequate response to at least 2 antidepressants
ADULT_AGE = 18


@dataclass(frozen=True, slots=True, kw_only=True)
class EligibilityFacts:
    """What the prescriber knows about the patient. Invalid values raise ClinicalInputError.

    `failed_adequate_trials` counts antidepressant trials of adequate dose and duration without
    adequate response in this episode. `hepatic_impairment` is none/mild/moderate (Child-Pugh B)/
    severe (Child-Pugh C). `oral_antidepressant` None means not recorded.
    """

    age: int
    mdd_diagnosis: bool
    failed_adequate_trials: int
    suicidal_ideation_or_behavior: bool = False
    aneurysmal_vascular_disease: bool = False
    arteriovenous_malformation: bool = False
    intracerebral_hemorrhage_history: bool = False
    ketamine_hypersensitivity: bool = False
    bp_rise_serious_risk: bool = False
    pregnant: bool = False
    breastfeeding: bool = False
    psychosis_current: bool = False
    psychosis_history: bool = False
    bipolar_or_mania: bool = False
    substance_use_disorder_active: bool = False
    substance_use_disorder_history: bool = False
    uncontrolled_hypertension: bool = False
    significant_arrhythmia: bool = False
    unstable_cerebrovascular_disease: bool = False
    raised_intracranial_or_intraocular_pressure: bool = False
    hypertensive_encephalopathy_history: bool = False
    ulcerative_or_interstitial_cystitis: bool = False
    hepatic_impairment: HepaticImpairment = "none"
    cns_depressants: bool = False
    psychostimulants: bool = False
    maois: bool = False
    oral_antidepressant: bool | None = None

    def __post_init__(self) -> None:
        require_int("age", self.age, 0, 130)
        require_int("failed_adequate_trials", self.failed_adequate_trials, 0, 50)
        require_choice("hepatic_impairment", self.hepatic_impairment, HEPATIC_LEVELS)
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type in ("bool", "bool | None") and value is not None:
                require_bool(item.name, value)

    @property
    def trd(self) -> bool:
        """Treatment-resistant: MDD with >= 2 failed adequate trials (REFERENCE §1.2)."""
        return self.mdd_diagnosis and self.failed_adequate_trials >= TRD_MIN_FAILED_TRIALS

    @property
    def mdsi(self) -> bool:
        """MDD with acute suicidal ideation or behaviour (REFERENCE §1.2)."""
        return self.mdd_diagnosis and self.suicidal_ideation_or_behavior


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The result: `status`, `findings` (hard stops first) and, for esketamine, the label
    `indications` met ("trd", "mdsi")."""

    route: Route
    status: EligibilityStatus
    findings: tuple[Finding, ...]
    indications: frozenset[str] = frozenset()

    @property
    def hard_stops(self) -> tuple[Finding, ...]:
        """The findings that block treatment."""
        return tuple(finding for finding in self.findings if finding.kind == "hard_stop")


def assess_eligibility(facts: EligibilityFacts, route: str) -> Eligibility:
    """Assess `facts` for treatment by `route` (REFERENCE §1.2, §1.8-§1.10, §2.5)."""
    if not isinstance(facts, EligibilityFacts):
        raise ClinicalInputError("facts", "must be an EligibilityFacts")
    checked = check_route(route)
    esketamine = checked == ESKETAMINE
    findings = [finding for rule in _RULES for finding in rule(facts, esketamine)]
    indications = {name for name, met in (("trd", facts.trd), ("mdsi", facts.mdsi)) if met}
    return Eligibility(
        route=checked,
        status=_status(findings),
        findings=sort_findings(findings),
        indications=frozenset(indications) if esketamine else frozenset(),
    )


def _status(findings: list[Finding]) -> EligibilityStatus:
    kinds = {finding.kind for finding in findings}
    if "hard_stop" in kinds:
        return "ineligible"
    return "needs_review" if "warning" in kinds else "eligible"


_Rule = Callable[[EligibilityFacts, bool], list[Finding]]


def _age(facts: EligibilityFacts, esketamine: bool) -> list[Finding]:
    if facts.age < ADULT_AGE:
        message = (
            f"Age {facts.age}: not approved in patients under 18; KetaCare treats adults only."
        )
        return [Finding("under_18", "hard_stop", message, ref("1.2"), "age")]
    findings = []
    if facts.age <= 24:
        message = "Age 24 or under: antidepressants carry a higher risk of suicidal thoughts."
        findings.append(Finding("age_24_or_under", "info", message, ref("1.9"), "age"))
    if facts.age >= 65 and esketamine:
        message = (
            "Age 65 or over: a US elderly starting dose is unverified (the EU SmPC starts at "
            "28 mg); response was lower in TRANSFORM-3."
        )
        findings.append(Finding("age_65_or_over", "info", message, ref("1.3", "5.2"), "age"))
    return findings


def _indication(facts: EligibilityFacts, esketamine: bool) -> list[Finding]:
    if not facts.mdd_diagnosis:
        kind: FindingKind = "hard_stop" if esketamine else "warning"
        message = "No diagnosis of major depressive disorder: outside the indication."
        return [Finding("no_mdd_diagnosis", kind, message, ref("1.2", "2.5"), "mdd_diagnosis")]
    if esketamine:
        return _esketamine_indication(facts)
    if not facts.trd:
        message = "Fewer than 2 failed adequate trials: IV ketamine evidence is mostly in TRD."
        return [Finding("not_trd", "info", message, ref("2.2"), "failed_adequate_trials")]
    return []


def _esketamine_indication(facts: EligibilityFacts) -> list[Finding]:
    if not (facts.trd or facts.mdsi):
        message = (
            "Esketamine needs treatment-resistant depression (at least 2 failed adequate trials) "
            "or MDD with acute suicidal ideation or behaviour."
        )
        return [Finding("no_esketamine_indication", "hard_stop", message, ref("1.2"))]
    findings = []
    if facts.mdsi:
        message = (
            "MDD with suicidal ideation or behaviour: esketamine does not replace hospitalisation "
            "when warranted; its efficacy in preventing suicide is not established."
        )
        findings.append(Finding("mdsi_limitations", "info", message, ref("1.2", "6.1")))
    if facts.mdsi and not facts.trd and facts.oral_antidepressant is not True:
        kind: FindingKind = "warning" if facts.oral_antidepressant is False else "info"
        message = "For MDSI esketamine is given together with an oral antidepressant."
        findings.append(Finding("mdsi_needs_oral_antidepressant", kind, message, ref("1.2")))
    message = "Enroll the patient in the SPRAVATO REMS before the first treatment."
    findings.append(Finding("rems_enrollment", "info", message, ref("1.11")))
    return findings


class _Outcome(NamedTuple):
    kind: FindingKind
    message: str
    source: str


def _out(kind: FindingKind, message: str, *sections: str) -> _Outcome:
    return _Outcome(kind, message, ref(*sections))


_BP_HAZARD = (
    ": a rise in blood pressure may be a serious hazard, which the ketamine label "
    "contraindicates. Review."
)
_TRIAL_EXCLUSION = ": a common exclusion in ketamine trials. Review."

# field -> (esketamine outcome, racemic ketamine outcome); None: no finding on that route.
_FLAG_RULES: tuple[tuple[str, _Outcome | None, _Outcome | None], ...] = (
    (
        "aneurysmal_vascular_disease",
        _out(
            "hard_stop",
            "Aneurysmal vascular disease (aorta, intracranial or peripheral "
            "arteries): contraindicated.",
            "1.8",
        ),
        _out("warning", "Aneurysmal vascular disease" + _BP_HAZARD, "2.5", "1.8"),
    ),
    (
        "arteriovenous_malformation",
        _out("hard_stop", "Arteriovenous malformation: contraindicated.", "1.8"),
        _out("warning", "Arteriovenous malformation" + _BP_HAZARD, "2.5", "1.8"),
    ),
    (
        "intracerebral_hemorrhage_history",
        _out("hard_stop", "History of intracerebral haemorrhage: contraindicated.", "1.8"),
        _out("warning", "History of intracerebral haemorrhage" + _BP_HAZARD, "2.5", "1.8"),
    ),
    (
        "ketamine_hypersensitivity",
        _out(
            "hard_stop",
            "Hypersensitivity to esketamine, ketamine or an excipient: contraindicated.",
            "1.8",
        ),
        _out("hard_stop", "Hypersensitivity to ketamine: contraindicated.", "2.5"),
    ),
    (
        "bp_rise_serious_risk",
        _out(
            "hard_stop",
            "A rise in blood pressure poses a serious risk: contraindicated.",
            "1.8",
            "1.5",
        ),
        _out(
            "hard_stop",
            "A significant rise in blood pressure would be a serious hazard: contraindicated.",
            "2.5",
        ),
    ),
    (
        "pregnant",
        _out("warning", "Pregnancy: esketamine may cause fetal harm; not recommended.", "1.9"),
        _out("warning", "Pregnancy" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "breastfeeding",
        _out("warning", "Breastfeeding: not recommended during esketamine treatment.", "1.9"),
        _out("warning", "Breastfeeding" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "psychosis_current",
        _out(
            "warning",
            "Current psychosis: assess carefully; treat only if the benefit outweighs the risk.",
            "1.9",
        ),
        _out("warning", "Current psychosis" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "psychosis_history",
        _out(
            "warning",
            "History of psychosis: assess carefully; treat only if the benefit outweighs the risk.",
            "1.9",
        ),
        _out("warning", "History of psychosis" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "bipolar_or_mania",
        _out(
            "warning",
            "Bipolar disorder or mania: outside the MDD indication. Review.",
            "1.2",
            "2.5",
        ),
        _out("warning", "Bipolar disorder or mania" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "substance_use_disorder_active",
        _out(
            "warning",
            "Active substance use disorder: esketamine (Schedule III) can be "
            "misused; assess and monitor abuse risk.",
            "1.9",
        ),
        _out(
            "warning", "Active substance use, especially ketamine or PCP" + _TRIAL_EXCLUSION, "2.5"
        ),
    ),
    (
        "substance_use_disorder_history",
        _out(
            "info",
            "History of substance use disorder: take particular care with abuse and misuse.",
            "1.9",
        ),
        _out("info", "History of substance use: consider baseline urine toxicology.", "2.4"),
    ),
    (
        "uncontrolled_hypertension",
        _out(
            "warning",
            "Uncontrolled hypertension: decide whether a rise in blood pressure "
            "poses a serious risk (a contraindication).",
            "1.5",
            "1.8",
        ),
        _out("warning", "Uncontrolled hypertension" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "significant_arrhythmia",
        _out(
            "warning",
            "Significant arrhythmia: excluded in ketamine trials; weigh the "
            "blood-pressure and heart-rate effects. Review.",
            "2.5",
            "1.5",
        ),
        _out("warning", "Significant arrhythmia" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "unstable_cerebrovascular_disease",
        _out(
            "warning",
            "Unstable cerebrovascular disease: excluded in ketamine trials; weigh "
            "the blood-pressure rise. Review.",
            "2.5",
            "1.5",
        ),
        _out("warning", "Unstable cerebrovascular disease" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "raised_intracranial_or_intraocular_pressure",
        _out(
            "warning",
            "Raised intracranial or intraocular pressure: may fall under the label "
            "contraindication (wording unverified). Review.",
            "1.5",
            "1.8",
        ),
        _out("warning", "Raised intracranial or intraocular pressure" + _TRIAL_EXCLUSION, "2.5"),
    ),
    (
        "hypertensive_encephalopathy_history",
        _out(
            "info",
            "History of hypertensive encephalopathy: monitor blood pressure more "
            "intensively or more often.",
            "1.5",
        ),
        None,
    ),
    (
        "ulcerative_or_interstitial_cystitis",
        _out(
            "info",
            "Ulcerative or interstitial cystitis: monitor for urinary-tract symptoms.",
            "1.9",
        ),
        None,
    ),
    (
        "cns_depressants",
        _out("warning", "Concomitant CNS depressants: more sedation; monitor closely.", "1.9"),
        _out("info", "Concomitant CNS depressants: may add to sedation (esketamine label).", "1.9"),
    ),
    (
        "psychostimulants",
        _out(
            "warning",
            "Concomitant psychostimulants: may raise blood pressure; monitor closely.",
            "1.9",
        ),
        _out(
            "info",
            "Concomitant psychostimulants: may raise blood pressure (esketamine label).",
            "1.9",
        ),
    ),
    (
        "maois",
        _out("warning", "Concomitant MAOIs: may raise blood pressure; monitor closely.", "1.9"),
        _out("info", "Concomitant MAOIs: may raise blood pressure (esketamine label).", "1.9"),
    ),
)


def _flags(facts: EligibilityFacts, esketamine: bool) -> list[Finding]:
    findings = []
    for name, on_esketamine, on_ketamine in _FLAG_RULES:
        outcome = on_esketamine if esketamine else on_ketamine
        if outcome is not None and getattr(facts, name):
            findings.append(Finding(name, outcome.kind, outcome.message, outcome.source, name))
    return findings


def _hepatic(facts: EligibilityFacts, esketamine: bool) -> list[Finding]:
    level = facts.hepatic_impairment
    if not esketamine or level in ("none", "mild"):
        return []
    if level == "severe":
        message = "Severe hepatic impairment (Child-Pugh C): not studied; use not recommended."
        return [Finding("hepatic_severe", "warning", message, ref("1.10"), "hepatic_impairment")]
    message = "Moderate hepatic impairment (Child-Pugh B): monitor for adverse reactions longer."
    return [Finding("hepatic_moderate", "info", message, ref("1.6", "1.10"), "hepatic_impairment")]


def _route_notes(facts: EligibilityFacts, esketamine: bool) -> list[Finding]:
    findings = []
    if facts.suicidal_ideation_or_behavior and not esketamine:
        message = "Suicidal ideation or behaviour: triage suicide risk before every session."
        findings.append(
            Finding("suicide_risk", "info", message, ref("6.1"), "suicidal_ideation_or_behavior")
        )
    if not esketamine:
        message = "Racemic ketamine for depression is off-label: record the consent and rationale."
        findings.append(Finding("off_label", "info", message, ref("2.1", "3.2")))
    return findings


_RULES: tuple[_Rule, ...] = (_age, _indication, _flags, _hepatic, _route_notes)
