"""A year of finished treatment courses at each demo clinic, so the outcome dashboard
(/clinic/outcomes/) has real breakdowns: a few hundred patients screened, signed eligible,
treated and discharged from the course over the twelve months before the demo's today, with
their PHQ-9 at intake and at each session, and a handful of suicide-risk alerts that staff
acknowledged and resolved.

Why in bulk: the rest of the demo goes through the services one patient at a time, which for
a few hundred courses (thousands of sessions and scores) would make `ketacare demo` take
minutes. This history is the clinic's past, as a migration from its previous system would
bring it: its rows are written with `bulk_create`, each dated when it happened (their
`created_at` is when the demo was built), and one audit event per clinic records the import
with its counts. The audit chains stay intact (`ketacare audit verify`), the database
constraints check every row, and the clinical core scores every questionnaire, plans every
schedule and assesses every eligibility, as it does for the live demo.

Everything comes from one seeded `random.Random` and from times relative to now.
"""

import dataclasses
import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.db.models import Model
from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.assessments.models import AlertAction, Assessment, AssessmentContext, RiskAlert
from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.patients.models import BodyMeasurement, Diagnosis, Patient
from ketacare.screening.models import AntidepressantTrial, EligibilityDecision, Intake
from ketacare.screening.review import finding_dicts, triage_dict
from ketacare.treatment import schedule
from ketacare.treatment.library import protocol_version_lock
from ketacare.treatment.models import (
    CourseEvent,
    CourseEventKind,
    CourseStatus,
    DoseOrder,
    PlannedSession,
    ProtocolVersion,
    SessionStatus,
    TreatmentCourse,
)
from ketacare.treatment.queries import protocol_of

HISTORY_SEED = 20261127
IMPORT = "demo history import"


@dataclass(frozen=True)
class Cohort:
    """The year's courses on one protocol: how many, and the share of those completing
    induction who responded (PHQ-9 fall of at least 50 %) and who remitted (REFERENCE §5.1)."""

    protocol: str
    courses: int
    response: float
    remission: float
    indication: str = ""


# The target shape is REFERENCE §5.2. IV ketamine: response 55.4 % (ELEKT-D), 51-67 % with
# remission 31-40 % (Tan 2025), 27 % / 13 % in the real-world CRTCE series; esketamine with an
# oral antidepressant: response 69.3 % and remission 52.5 % in TRANSFORM-2 (on the MADRS),
# 54 % and 36-39 % in TRANSFORM-1, remission 27.1 % in ESCAPE-TRD. A clinic's PHQ-9 remission
# (< 5) is stricter than the trials' MADRS <= 12, so the demo sits in the middle of the
# ranges. IM ketamine at Northside and the MDSI protocol at Lakeshore are rarely used, so
# their breakdowns show "fewer than 11 patients".
COHORTS: dict[str, tuple[Cohort, ...]] = {
    "northside": (
        Cohort("iv_ketamine_twice_weekly", 150, response=0.55, remission=0.30),
        Cohort("iv_ketamine_thrice_weekly", 45, response=0.58, remission=0.33),
        Cohort("im_ketamine", 7, response=0.50, remission=0.25),
    ),
    "lakeshore": (
        Cohort("esketamine_trd", 80, response=0.60, remission=0.35, indication="trd"),
        Cohort("esketamine_mdsi", 6, response=0.60, remission=0.35, indication="mdsi"),
    ),
}
# §5.2: 11.3 % dropout at a public academic IV clinic; 7 % stopped esketamine for adverse
# events in TRANSFORM-2.
DROPPED_AFTER_FIRST = 0.09
STOPPED_EARLY = 0.05
# Courses whose PHQ-9 item 9 was positive at a session, raising an alert (REFERENCE §6.2).
SESSION_ALERTS = {"northside": 6, "lakeshore": 3}
OLDEST_DAYS = 355  # the first courses began just inside the dashboard's default 12 months
SETTLED_DAYS = 7  # the newest course ended at least this long before today

Fate = Literal["completed", "dropped", "stopped"]

GIVEN = (
    "Ada", "Bea", "Cara", "Dina", "Elsa", "Fay", "Gwen", "Ines", "Jade", "Kira", "Lena", "Mina",
    "Alan", "Bruno", "Colin", "Dev", "Eric", "Frank", "Gus", "Hugo", "Ivan", "Joel", "Kai",
    "Luca",
)  # fmt: skip
FAMILY = (
    "Abbott", "Baker", "Castro", "Dubois", "Ellis", "Fischer", "Gupta", "Holm", "Ito", "Jensen",
    "Kaur", "Lopez", "Mensah", "Novak", "Ortiz", "Price", "Quinn", "Rossi", "Sato", "Torres",
)  # fmt: skip
TRIALS = ("Sertraline", "Escitalopram", "Venlafaxine XR", "Bupropion XL", "Duloxetine")
COMPLETED_REASONS = {
    "remission": "Induction complete, in remission; follow-up with the referring psychiatrist.",
    "response": "Induction complete with a response; maintenance with the referring psychiatrist.",
    "none": "Induction complete without a response; other treatments discussed.",
}
DROPPED_REASONS = (
    "Did not return after the first session.",
    "Stopped after the first session: the dissociation was too distressing.",
    "Stopped after the first session: could not arrange a ride home.",
)
STOPPED_REASONS = (
    "Stopped: blood pressure rose at each session.",
    "Stopped: nausea and headache after each session.",
    "Stopped: no improvement; other treatments discussed.",
)


@dataclass(frozen=True)
class _Clinic:
    clinic: Clinic
    nurse: User
    prescriber: User
    zone: zoneinfo.ZoneInfo
    today: dt.date
    versions: dict[str, ProtocolVersion]


@dataclass
class _Rows:
    """Unsaved rows in the order they are inserted (each refers only to rows before it)."""

    by_model: dict[type[Model], list[Model]] = field(default_factory=dict)

    def add(self, row: Model) -> None:
        self.by_model.setdefault(type(row), []).append(row)

    def save(self) -> dict[str, int]:
        for model, rows in self.by_model.items():
            model._default_manager.bulk_create(rows)
        return {model._meta.model_name or "": len(rows) for model, rows in self.by_model.items()}


def seed_history(clinic: Clinic, nurse: User, prescriber: User) -> dict[str, int]:
    """Write the clinic's year of finished courses (`COHORTS`); returns the rows written."""
    cohorts = COHORTS.get(clinic.slug, ())
    versions = {cohort.protocol: _version(clinic, cohort.protocol) for cohort in cohorts}
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    place = _Clinic(clinic, nurse, prescriber, zone, clinic.today(), versions)
    rng = random.Random(f"{HISTORY_SEED}-{clinic.slug}")
    rows = _Rows()
    # Registered in the order they came: the first course of the year gets the first MRN.
    plans = sorted(
        (
            (_first_dose(rng, place, cohort), cohort)
            for cohort in cohorts
            for _ in range(cohort.courses)
        ),
        key=lambda plan: plan[0],
    )
    alerting = set(rng.sample(range(len(plans)), SESSION_ALERTS.get(clinic.slug, 0)))
    number = Patient.objects.filter(clinic=clinic).count()
    for index, (first_dose, cohort) in enumerate(plans):
        number += 1
        patient = _patient(rng, place, number)
        rows.add(patient)
        _course(rng, place, rows, patient, cohort, first_dose, alert=index in alerting)
    counts = rows.save()
    for version in versions.values():
        # The versions the year's courses used never change again.
        protocol_version_lock(version, timezone.now())
    entry = audit.AuditEntry(
        action=AuditAction.CREATE,
        object_type="demo_history",
        clinic_id=clinic.public_id,
        changes={"months": 12, **counts},
    )
    audit.record(entry, SystemActor(IMPORT, clinic))
    return counts


def _first_dose(rng: random.Random, place: _Clinic, cohort: Cohort) -> dt.date:
    """A weekday far enough back for the longest course of the protocol to have ended."""
    longest = 70 if cohort.protocol.startswith("esketamine") else 30
    day = place.today - dt.timedelta(days=rng.randint(longest + SETTLED_DAYS, OLDEST_DAYS - 14))
    return day - dt.timedelta(days=max(0, day.weekday() - 3))  # Monday to Thursday


def _at(place: _Clinic, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=place.zone)


def _patient(rng: random.Random, place: _Clinic, number: int) -> Patient:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    clinic = place.clinic
    return Patient(
        clinic=clinic,
        mrn=f"{clinic.mrn_prefix}-{number:06d}",
        given_name=given,
        family_name=family,
        date_of_birth=dt.date(1952, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50)),
        sex="female" if GIVEN.index(given) < 12 else "male",
        phone=f"555-03{rng.randint(10, 99)}",
        email=f"{given.lower()}.{family.lower()}{number}@example.org",
        city=clinic.city,
        state=clinic.state,
    )


# --- screening ---------------------------------------------------------------------------------


def _course(
    rng: random.Random,
    place: _Clinic,
    rows: _Rows,
    patient: Patient,
    cohort: Cohort,
    first_dose: dt.date,
    *,
    alert: bool,
) -> None:
    version = place.versions[cohort.protocol]
    protocol = protocol_of(version)
    intake_day = first_dose - dt.timedelta(days=rng.randint(9, 24))
    intake, trials = _intake(rng, place, rows, patient, protocol.route, intake_day, cohort)
    signed_at = _at(place, intake_day + dt.timedelta(days=rng.randint(2, 6)), 16)
    decision = _decision(place, rows, intake, trials, protocol.route, signed_at)
    planned = schedule.plan(protocol, first_dose, None, "", None, None)
    fate, outcome = _fate(rng, cohort)
    baseline = rng.randint(14, 24)
    intake_total = max(10, min(24, baseline + rng.choice([-1, 0, 1, 2])))
    _scale(rows, place, patient, "phq9", _phq9(intake_total, int(cohort.indication == "mdsi")),
           _at(place, intake_day, 10), AssessmentContext.BASELINE, rng)  # fmt: skip
    cssrs = {"1": cohort.indication == "mdsi", "2": False, "6": False}
    _scale(rows, place, patient, "cssrs_screener", cssrs, _at(place, intake_day, 10, 10),
           AssessmentContext.BASELINE, rng)  # fmt: skip
    course = TreatmentCourse(
        clinic=place.clinic,
        patient=patient,
        protocol_version=version,
        eligibility_decision=decision,
        route=protocol.route,
        indication=cohort.indication if protocol.drug == "esketamine" else "",
        status=CourseStatus.ENDED,
        start_phase=planned[0].phase_code,
        start_date=first_dose,
        weekdays=list(schedule.weekdays_for(protocol, None, "")),
        prescriber=place.prescriber,
        started_at=signed_at + dt.timedelta(minutes=30),
        **_dose(protocol),
    )
    if protocol.route == "esketamine_nasal":
        course.rems_enrollment_id = f"REMS-{patient.mrn}"
        course.rems_enrolled_on = intake_day + dt.timedelta(days=1)
        course.rems_enrolled_by = place.nurse
    rows.add(course)
    done = _sessions_done(rng, planned, fate)
    end = _end_score(rng, baseline, outcome)
    scores = _trajectory(rng, baseline, end, planned, done)
    sessions = _sessions(rng, place, rows, course, planned, scores, alert=alert)
    _end(rng, place, rows, course, sessions, fate, outcome)
    if fate == "completed":  # the plan's end-of-induction PHQ-9, the day after the last session
        last = max(session.date for session in planned if session.phase == "induction")
        at = _at(place, last + dt.timedelta(days=1), 11)
        _scale(rows, place, patient, "phq9", _phq9(end), at, AssessmentContext.FOLLOW_UP, rng)


def _intake(
    rng: random.Random,
    place: _Clinic,
    rows: _Rows,
    patient: Patient,
    route: str,
    day: dt.date,
    cohort: Cohort,
) -> tuple[Intake, list[AntidepressantTrial]]:
    intake = Intake(
        clinic=place.clinic,
        patient=patient,
        started_by=place.nurse,
        status="closed",
        referral_source=rng.choice(["psychiatrist", "primary_care", "therapist", "self"]),
        psychiatric_history="Recurrent major depression; antidepressants without remission.",
        intended_route=route,
        on_oral_antidepressant=True,
        pregnancy_status="not_pregnant" if patient.sex == "female" else "not_applicable",
        substance_use="Alcohol socially; no other substances.",
        suicidal_ideation_or_behavior=cohort.indication == "mdsi",
    )
    rows.add(intake)
    measured_at = _at(place, day, 9, 40)
    height = rng.randint(152, 172) if patient.sex == "female" else rng.randint(165, 190)
    rows.add(
        BodyMeasurement(
            patient=patient, clinic=place.clinic, recorded_by=place.nurse,
            measured_at=measured_at, weight_kg=Decimal(rng.randint(52, 118)),
            height_cm=Decimal(height),
        )
    )  # fmt: skip
    rows.add(
        Diagnosis(
            patient=patient, clinic=place.clinic, recorded_by=place.prescriber,
            system="icd10cm", code="F33.2",
            term="Major depressive disorder, recurrent severe without psychotic features",
        )
    )  # fmt: skip
    trials = [
        AntidepressantTrial(
            patient=patient, clinic=place.clinic, recorded_by=place.nurse, intake=intake,
            drug=drug, dose="standard dose", weeks=rng.randint(6, 12), adequate=True,
            outcome=rng.choice(["no_response", "partial_response"]),
        )
        for drug in rng.sample(TRIALS, rng.randint(2, 3))
    ]  # fmt: skip
    for trial in trials:
        rows.add(trial)
    return intake, trials


def _decision(
    place: _Clinic,
    rows: _Rows,
    intake: Intake,
    trials: list[AntidepressantTrial],
    route: str,
    signed_at: dt.datetime,
) -> EligibilityDecision:
    """The prescriber's decision on the facts the chart gives, assessed by the core."""
    born = intake.patient.date_of_birth
    day = signed_at.date()
    facts = clinical.EligibilityFacts(
        age=day.year - born.year - ((day.month, day.day) < (born.month, born.day)),
        mdd_diagnosis=True,
        failed_adequate_trials=len(trials),
        suicidal_ideation_or_behavior=intake.suicidal_ideation_or_behavior,
        oral_antidepressant=True,
    )
    eligibility = clinical.assess_eligibility(facts, route)
    answers = {"1": intake.suicidal_ideation_or_behavior, "2": False, "6": False}
    triage = clinical.suicide_triage(cssrs=answers, phq9_item9=int(answers["1"]))
    clean = eligibility.status == "eligible"
    decision = EligibilityDecision(
        clinic=place.clinic,
        patient=intake.patient,
        intake=intake,
        route=route,
        status=eligibility.status,
        findings=finding_dicts(eligibility.findings),
        facts=dataclasses.asdict(facts),
        fact_sources={
            "age": f"date of birth {born:%Y-%m-%d}",
            "mdd_diagnosis": "diagnoses: F33.2",
            "failed_adequate_trials": "adequate trials without response: "
            + ", ".join(trial.drug for trial in trials),
            "oral_antidepressant": "intake",
        },
        indications=sorted(eligibility.indications),
        triage=triage_dict(triage),
        decision="eligible" if clean else "eligible_with_override",
        reason="" if clean else "Reviewed with the patient; closer monitoring planned.",
        overridden_warnings=[] if clean else [f.code for f in eligibility.findings],
        signed_by=place.prescriber,
        signed_at=signed_at,
    )
    rows.add(decision)
    return decision


# --- the course --------------------------------------------------------------------------------


def _version(clinic: Clinic, code: str) -> ProtocolVersion:
    """The clinic's newest version of the protocol (Northside's own IV limits included)."""
    return ProtocolVersion.objects.filter(clinic=clinic, code=code).order_by("-version")[0]


def _dose(protocol: clinical.Protocol) -> dict[str, object]:
    """The protocol's own dose order, as the course form suggests it."""
    rule = protocol.dose_rule
    if rule.kind == "fixed":
        return {"fixed_dose_mg": rule.first_dose_mg}
    cap = Decimal(str(rule.max_mg)) if rule.max_mg is not None else None
    return {
        "dose_mg_per_kg": Decimal(str(rule.mg_per_kg)),
        "weight_basis": rule.weight_basis,
        "max_dose_mg": cap,
    }


def _fate(rng: random.Random, cohort: Cohort) -> tuple[Fate, str]:
    """Whether the course completed induction, and its outcome at the end of it."""
    draw = rng.random()
    if draw < DROPPED_AFTER_FIRST:
        return "dropped", "none"
    if draw < DROPPED_AFTER_FIRST + STOPPED_EARLY:
        return "stopped", "none"
    outcome = rng.random()
    if outcome < cohort.remission:
        return "completed", "remission"
    return "completed", "response" if outcome < cohort.response else "none"


def _end_score(rng: random.Random, baseline: int, outcome: str) -> int:
    """A PHQ-9 total at the end of induction giving `outcome` from `baseline` (§5.1:
    response a fall of at least 50 %, remission a total below 5)."""
    if outcome == "remission":
        return rng.randint(1, 4)
    if outcome == "response":
        return rng.randint(5, baseline // 2)
    return rng.randint(baseline // 2 + 1, baseline)


def _sessions_done(rng: random.Random, planned: list[clinical.PlannedSession], fate: Fate) -> int:
    induction = sum(session.phase == "induction" for session in planned)
    if fate == "dropped":
        return 1
    if fate == "stopped":
        return rng.randint(2, induction - 2)
    return rng.randint(induction, len(planned))


def _trajectory(
    rng: random.Random,
    baseline: int,
    end: int,
    planned: list[clinical.PlannedSession],
    done: int,
) -> list[int]:
    """The PHQ-9 before each session given: from the baseline at the first to the end score at
    the last induction session, steepest early on; then near the end score."""
    last = sum(session.phase == "induction" for session in planned) - 1
    scores = []
    for index in range(done):
        if index in (0, last):
            value = baseline if index == 0 else end
        elif index < last:
            value = round(baseline + (end - baseline) * (index / last) ** 0.7) + rng.randint(-1, 1)
        else:
            value = end + rng.randint(-1, 1)
        scores.append(max(0, min(24, value)))
    return scores


def _sessions(
    rng: random.Random,
    place: _Clinic,
    rows: _Rows,
    course: TreatmentCourse,
    planned: list[clinical.PlannedSession],
    scores: list[int],
    *,
    alert: bool,
) -> list[PlannedSession]:
    """The planned sessions: the first `len(scores)` given and discharged, each with its PHQ-9;
    the rest cancelled when the course ended (`_end`)."""
    made = []
    for index, session in enumerate(planned):
        start = _at(place, session.date, rng.randint(8, 14), rng.choice([0, 15, 30, 45]))
        row = PlannedSession(
            clinic=place.clinic, course=course, number=index + 1, scheduled_on=session.date,
            week=session.week, stage=session.phase, phase_code=session.phase_code,
            dose_rule=session.dose_rule.description[:300], allowed_mg=list(session.allowed_mg),
        )  # fmt: skip
        rows.add(row)
        made.append(row)
        if index >= len(scores):
            continue
        row.status, row.completed_at = SessionStatus.COMPLETED, start + dt.timedelta(minutes=145)
        row.scheduled_time, row.chair = start.time(), f"Chair {index % 4 + 1}"
        # An alerting course had item 9 positive at its third session, or its last (§6.2).
        item9 = rng.choice([1, 1, 2]) if alert and index == min(2, len(scores) - 1) else 0
        _scale(rows, place, course.patient, "phq9", _phq9(max(scores[index], item9), item9),
               start + dt.timedelta(minutes=4), AssessmentContext.FOLLOW_UP, rng)  # fmt: skip
    return made


def _end(
    rng: random.Random,
    place: _Clinic,
    rows: _Rows,
    course: TreatmentCourse,
    sessions: list[PlannedSession],
    fate: Fate,
    outcome: str,
) -> None:
    """End the course as `course_end` does: a reason, the sessions left cancelled. One that
    stopped ended before its induction would have, so it did not complete induction."""
    given = [row for row in sessions if row.status == SessionStatus.COMPLETED]
    last_given, done = given[-1].scheduled_on, len(given)
    induction_end = max(row.scheduled_on for row in sessions if row.stage == "induction")
    if fate == "completed":
        reason, ended_on = COMPLETED_REASONS[outcome], last_given + dt.timedelta(rng.randint(1, 6))
    else:
        reasons = DROPPED_REASONS if fate == "dropped" else STOPPED_REASONS
        ended_on = min(
            last_given + dt.timedelta(rng.randint(1, 5)), induction_end - dt.timedelta(1)
        )
        reason = rng.choice(reasons)
    course.end_reason, course.ended_at = reason, _at(place, ended_on, 17)
    for row in sessions[done:]:
        row.status, row.cancel_reason = SessionStatus.CANCELLED, f"Course ended: {reason}"
    by, dose = place.prescriber, _dose_of(course)
    started, ended = course.started_at, course.ended_at
    cancelled = f"{len(sessions) - done} sessions cancelled"
    rows.add(
        DoseOrder(
            clinic=place.clinic, course=course, ordered_by=by, ordered_at=started,
            reason="Initial order.", **dose,
        )
    )  # fmt: skip
    rows.add(
        CourseEvent(
            course=course, kind=CourseEventKind.STARTED, at=started, by=by, detail=course.dose_text
        )
    )
    rows.add(
        CourseEvent(
            course=course,
            kind=CourseEventKind.ENDED,
            at=ended,
            by=by,
            reason=reason,
            detail=cancelled,
        )
    )


def _dose_of(course: TreatmentCourse) -> dict[str, object]:
    names = ("dose_mg_per_kg", "weight_basis", "max_dose_mg", "fixed_dose_mg")
    return {name: getattr(course, name) for name in names}


# --- questionnaires and alerts -----------------------------------------------------------------


def _phq9(total: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers adding up to `total`, item 9 as given, the rest spread over items 1-8."""
    rest = total - item9
    return {**{str(item): rest // 8 + (item <= rest % 8) for item in range(1, 9)}, "9": item9}


def _scale(
    rows: _Rows,
    place: _Clinic,
    patient: Patient,
    instrument: str,
    answers: dict[str, int] | dict[str, bool],
    at: dt.datetime,
    context: str,
    rng: random.Random,
) -> None:
    scored = clinical.score(instrument, answers)
    assessment = Assessment(
        patient=patient,
        clinic=place.clinic,
        recorded_by=place.nurse,
        instrument=scored.instrument,
        answers=dict(scored.answers),
        total=scored.total,
        severity=scored.severity or "",
        severity_label=scored.severity_label or "",
        flags=sorted(scored.flags),
        risk=scored.risk or "",
        administered_at=at,
        context=context,
    )
    rows.add(assessment)
    item = clinical.get_scale(instrument).suicide_item
    value = int(answers.get(item, 0)) if item else 0
    level = clinical.alert_level(instrument, value, clinical.TriageSettings()) if item else None
    if level is not None:
        rows.add(_resolved_alert(rng, place, assessment, level, value))


def _resolved_alert(
    rng: random.Random, place: _Clinic, assessment: Assessment, level: str, value: int
) -> RiskAlert:
    """The alert the positive item raised (§6.2), acknowledged by the nurse within minutes to
    an hour or two and resolved by the prescriber within a few hours, as the clinic did."""
    raised = assessment.administered_at
    acknowledged = raised + dt.timedelta(minutes=rng.choice([3, 6, 9, 14, 25, 48, 95]))
    resolved = acknowledged + dt.timedelta(minutes=rng.randint(20, 240))
    actions = [AlertAction.SEEN, AlertAction.CSSRS, AlertAction.SAFETY_PLAN]
    return RiskAlert(
        clinic=place.clinic,
        patient=assessment.patient,
        assessment=assessment,
        level=level,
        item_value=value,
        raised_at=raised,
        acknowledged_at=acknowledged,
        acknowledged_by=place.nurse,
        resolved_at=resolved,
        resolved_by=place.prescriber,
        actions=[str(action) for action in actions[: rng.randint(2, 3)]],
        note="Seen the same day; C-SSRS Screener low risk; safety plan reviewed.",
    )
