"""Benchmark: the clinic's outcome dashboard over a year of treatment courses (issue #9).

One clinic, `--courses` courses started over the past year, each with its planned sessions,
PHQ-9 scores and the questionnaires sent for them, in realistic shapes: most complete
induction (some with no end score), some stop after the first session, a few are never dosed.
The first course of each protocol is started through the services; the rest are bulk-inserted
copies of it, so every row is one the services could have written. The first load after the
bulk inserts works out the new courses' kept outcomes (timed apart); then dashboard loads are
timed against a bare page (the same sign-in, role check and layout, nothing else) loaded
alternately in the same run, at a tenth of the courses and at all of them: seconds per load,
the ratio to the bare page, and SQL queries per load.
"""

import argparse
import datetime as dt
import random
import tempfile
import time
import types
import uuid
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chart_and_audit import queries_of, setup_django

PROTOCOLS = {  # code: share of the clinic's courses
    "iv_ketamine_twice_weekly": 0.45,
    "esketamine_trd": 0.35,
    "im_ketamine": 0.1,
    "sublingual_ketamine": 0.1,
}
BASELINE = "/bench/bare/"
DASHBOARD = "/clinic/outcomes/?months=12"
BATCH = 2000
TARGET_S = 1.0


@dataclass(frozen=True)
class Template:
    """A course started through the services, its rows to copy, and its sessions' offsets."""

    course: Any
    intake: Any
    decision: Any
    sessions: list[tuple[int, Any]]  # (days after the start date, the planned session)


@dataclass
class Cohort:
    clinic: Any
    nurse: Any
    prescribers: list[Any]
    templates: list[Template]
    weights: list[float]
    made: int = 0


def build_cohort() -> tuple[Any, Cohort]:
    from ketacare.clinics.models import Role
    from ketacare.treatment.tests.builders import started_course
    from tests.factories import ClinicFactory, PatientFactory, staff

    clinic = ClinicFactory.create(name="Bench Clinic", slug=f"bench-{time.time_ns()}")
    admin = staff(clinic, Role.CLINIC_ADMIN, email=f"admin{time.time_ns()}@bench.test")
    nurse = staff(clinic, Role.NURSE, email=f"nurse{time.time_ns()}@bench.test")
    prescribers = [
        staff(clinic, Role.PRESCRIBER, email=f"md{n}-{time.time_ns()}@bench.test") for n in range(3)
    ]
    templates = []
    for code in PROTOCOLS:
        patient = PatientFactory.create(clinic=clinic, actor=nurse, family_name=f"Template {code}")
        course = started_course(patient, nurse=nurse, prescriber=prescribers[0], code=code)
        templates.append(template_of(course))
    return admin, Cohort(clinic, nurse, prescribers, templates, list(PROTOCOLS.values()))


def template_of(course: Any) -> Template:
    decision = course.eligibility_decision
    sessions = [((s.scheduled_on - course.start_date).days, s) for s in course.sessions.all()]
    return Template(course, decision.intake, decision, sorted(sessions, key=lambda t: t[0]))


def copy(row: Any, **changes: Any) -> Any:
    """An unsaved row with `row`'s values, a fresh public id, and `changes`."""
    fields = [f for f in row._meta.concrete_fields if f.name not in changes and not f.primary_key]
    values = {f.attname: getattr(row, f.attname) for f in fields}
    if "public_id" in values:
        values["public_id"] = uuid.uuid4()
    return type(row)(**values | changes)


@dataclass(frozen=True)
class Shape:
    """What happened to one course: how far it got, and its PHQ-9 before and at the end."""

    dosed: str  # "all" (induction completed), "first" (stopped after it) or "none"
    baseline: int
    end: int | None


def shape_of(rng: random.Random) -> Shape:
    baseline = rng.randint(18, 24)
    kind = rng.random()
    if kind < 0.08:
        return Shape("none", baseline, None)
    if kind < 0.2:
        return Shape("first", baseline, None)
    if kind < 0.3:
        return Shape("all", baseline, None)  # completed, but no end score was recorded
    # End scores: about a third remit, a quarter more respond, the rest fall less or not at all.
    fall = rng.choice([0.9, 0.85, 0.8, 0.7, 0.65, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0])
    return Shape("all", baseline, max(0, round(baseline * (1 - fall))))


def add_courses(cohort: Cohort, count: int, now: dt.datetime, rng: random.Random) -> None:
    for first in range(0, count, BATCH):
        add_batch(cohort, min(BATCH, count - first), now, rng)


def add_batch(cohort: Cohort, count: int, now: dt.datetime, rng: random.Random) -> None:
    from ketacare.patients.models import Patient
    from ketacare.screening.models import EligibilityDecision, Intake
    from ketacare.treatment.models import TreatmentCourse

    n0 = cohort.made
    cohort.made += count
    picks = rng.choices(cohort.templates, cohort.weights, k=count)
    base = picks[0].course.patient
    patients = Patient.objects.bulk_create(
        [copy(base, mrn=f"B{n0 + k:07d}", family_name=f"Bench{n0 + k}") for k in range(count)]
    )
    starts = [now - dt.timedelta(days=rng.uniform(1, 360)) for _ in range(count)]
    intakes = Intake.objects.bulk_create(
        [copy(t.intake, patient=p) for t, p in zip(picks, patients, strict=True)]
    )
    decisions = EligibilityDecision.objects.bulk_create(
        [
            copy(t.decision, patient=p, intake=i, signed_at=at - dt.timedelta(days=3))
            for t, p, i, at in zip(picks, patients, intakes, starts, strict=True)
        ]
    )
    shapes = [shape_of(rng) for _ in range(count)]
    courses = TreatmentCourse.objects.bulk_create(
        [
            course_row(cohort, t, p, d, at, s, now, rng)
            for t, p, d, at, s in zip(picks, patients, decisions, starts, shapes, strict=True)
        ]
    )
    add_sessions_and_scores(cohort, picks, courses, shapes, now)


def course_row(
    cohort: Cohort,
    template: Template,
    patient: Any,
    decision: Any,
    started_at: dt.datetime,
    shape: Shape,
    now: dt.datetime,
    rng: random.Random,
) -> Any:
    from django.utils import timezone

    start = timezone.localtime(started_at, zoneinfo.ZoneInfo(cohort.clinic.timezone)).date()
    # A course stopped early ended a few days in (not after the moment the data is built at).
    ended = min(started_at + dt.timedelta(days=4), now) if shape.dosed != "all" else None
    return copy(
        template.course,
        patient=patient,
        eligibility_decision=decision,
        prescriber_id=rng.choice(cohort.prescribers).user.pk,
        started_at=started_at,
        start_date=start,
        status="ended" if ended else "active",
        ended_at=ended,
        end_reason="Stopped by the patient" if ended else "",
    )


def add_sessions_and_scores(
    cohort: Cohort, picks: list[Template], courses: list[Any], shapes: list[Shape], now: dt.datetime
) -> None:
    from ketacare.assessments.models import Assessment
    from ketacare.treatment.models import PlannedSession

    sessions: list[Any] = []
    scores: list[Any] = []
    today = cohort.clinic.today()
    for template, course, shape in zip(picks, courses, shapes, strict=True):
        rows = [session_row(course, s, days, shape, today) for days, s in template.sessions]
        sessions += rows
        scores += score_rows(cohort, course, rows, shape, now)
    PlannedSession.objects.bulk_create(sessions)
    Assessment.objects.bulk_create(scores)
    add_questionnaires(cohort, courses, sessions, scores, now)


def add_questionnaires(
    cohort: Cohort, courses: list[Any], sessions: list[Any], scores: list[Any], now: dt.datetime
) -> None:
    """What the plan sent each course, for the completion figures: a PHQ-9 before each session
    (answered where a score of that day exists, else closed unanswered with one reminder sent,
    or still to come) and the baseline and end-of-induction ones the scores answered."""
    from ketacare.measurement.models import QuestionnaireAssignment, QuestionnaireReminder

    answered = {(a.patient_id, a.administered_at.date()): a for a in scores}
    by_course: dict[int, list[Any]] = {}
    for row in sessions:
        by_course.setdefault(row.course_id, []).append(row)
    rows: list[Any] = []
    for course in courses:
        days = {s.scheduled_on for s in by_course[course.pk] if s.status != "cancelled"}
        days |= {on for patient, on in answered if patient == course.patient_id}
        rows += [questionnaire(cohort, course, on, answered, now) for on in sorted(days)]
    unanswered = [r for r in rows if r.status == "open" and r.expires_at <= now]
    for row in unanswered:
        row.reminders_sent = 1  # the reminder row below
    QuestionnaireAssignment.objects.bulk_create(rows)
    QuestionnaireReminder.objects.bulk_create(
        [QuestionnaireReminder(assignment=r, number=1, sent_at=r.opens_at) for r in unanswered]
    )


def questionnaire(
    cohort: Cohort, course: Any, on: dt.date, answered: dict[Any, Any], now: dt.datetime
) -> Any:
    from ketacare.measurement.models import QuestionnaireAssignment

    opens = dt.datetime.combine(on, dt.time(5), dt.UTC)  # about the clinic's midnight
    score = answered.get((course.patient_id, on))
    return QuestionnaireAssignment(
        clinic=cohort.clinic,
        patient_id=course.patient_id,
        course=course,
        plan_key=f"phq9:day:{on.isoformat()}",
        instrument="phq9",
        opens_at=opens,
        expires_at=opens + dt.timedelta(days=1),
        status="completed" if score else "open",
        assessment=score,
        completed_at=score.administered_at if score else None,
        opened_at=score.administered_at if score else None,
        assigned_by=cohort.nurse.user,
    )


def session_row(course: Any, template: Any, days: int, shape: Shape, today: dt.date) -> Any:
    """The template's session `days` after this course's start, given as the shape says."""
    on = course.start_date + dt.timedelta(days=days)
    given = on < today and (
        shape.dosed == "all" or (shape.dosed == "first" and template.number == 1)
    )
    stopped = shape.dosed != "all" and not given
    return copy(
        template,
        course=course,
        scheduled_on=on,
        status="completed" if given else "cancelled" if stopped else "planned",
        completed_at=dt.datetime.combine(on, dt.time(15), dt.UTC) if given else None,
        cancel_reason="Course ended" if stopped else "",
    )


def score_rows(
    cohort: Cohort, course: Any, sessions: list[Any], shape: Shape, now: dt.datetime
) -> list[Any]:
    """A baseline PHQ-9 two days before the first session, and one the day after the last
    induction session (when the shape has an end score and that day has come)."""
    induction = [s.scheduled_on for s in sessions if s.stage == "induction"]
    dated = [(min(induction) - dt.timedelta(days=2), shape.baseline)]
    if shape.end is not None:
        dated.append((max(induction) + dt.timedelta(days=1), shape.end))
    return [
        phq9(cohort, course.patient, on, total)
        for on, total in dated
        if dt.datetime.combine(on, dt.time(12), dt.UTC) < now
    ]


def phq9(cohort: Cohort, patient: Any, on: dt.date, total: int) -> Any:
    from ketacare import clinical
    from ketacare.assessments.models import Assessment

    # Items 1-8 carry the total; item 9 stays 0, so no alert is due.
    items = [min(3, max(0, total - 3 * i)) for i in range(8)]
    answers = {str(i + 1): v for i, v in enumerate(items)} | {"9": 0}
    scored = clinical.score("phq9", answers)
    return Assessment(
        clinic=cohort.clinic,
        patient=patient,
        recorded_by=cohort.nurse.user,
        instrument="phq9",
        answers=answers,
        total=scored.total,
        severity=scored.severity or "",
        severity_label=scored.severity_label or "",
        flags=sorted(scored.flags),
        administered_at=dt.datetime.combine(on, dt.time(12), dt.UTC),
    )


def bare_page_urls() -> types.ModuleType:
    """The project's URLs plus a bare page: the dashboard's sign-in, role check and layout
    with nothing in it, so the ratio is what the dashboard itself costs."""
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import include, path

    from ketacare.clinics.access import staff_view
    from ketacare.clinics.http import StaffRequest
    from ketacare.clinics.permissions import Perm

    page = engines["django"].from_string('{% extends "base.html" %}')

    @staff_view(Perm.OUTCOMES_VIEW)
    def bare(request: StaffRequest) -> HttpResponse:
        return HttpResponse(page.render({}, request))

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(BASELINE.lstrip("/"), bare),
        path("", include("config.urls")),
    ]
    return urls


def timed(client: Any, loads: int) -> tuple[float, float]:
    """Seconds per load of the bare page and of the dashboard, loaded alternately."""
    spent = {BASELINE: 0.0, DASHBOARD: 0.0}
    for _ in range(loads):
        for url in spent:
            start = time.perf_counter()
            client.get(url)
            spent[url] += time.perf_counter() - start
    return spent[BASELINE] / loads, spent[DASHBOARD] / loads


def fill(client: Any, courses: int) -> None:
    """The first load after bulk inserts works out every new course's kept outcome (as it
    would after an upgrade that changed how outcomes are worked out): timed apart, once."""
    start = time.perf_counter()
    client.get(DASHBOARD)
    seconds = time.perf_counter() - start
    print(f"first load, working out {courses:,} courses' outcomes: {seconds:.1f} s")


def report(client: Any, courses: int, loads: int) -> float:
    from ketacare.measurement.models import QuestionnaireAssignment
    from ketacare.treatment.models import PlannedSession

    queries = queries_of(client, DASHBOARD)
    bare_queries = queries_of(client, BASELINE)
    bare_s, dashboard_s = timed(client, loads)
    sessions = PlannedSession.objects.count()
    sent = QuestionnaireAssignment.objects.count()
    print(
        f"courses={courses:,} sessions={sessions:,} questionnaires={sent:,}:"
        f" dashboard {dashboard_s:.3f} s per load"
        f" ({dashboard_s / bare_s:,.0f}x the bare page's {bare_s * 1000:.1f} ms),"
        f" {queries} SQL queries per load (bare page {bare_queries})"
    )
    return dashboard_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.conf import settings
        from django.test import Client
        from django.utils import timezone

        settings.ROOT_URLCONF = bare_page_urls()
        admin, cohort = build_cohort()
        client = Client()
        client.force_login(admin.user)
        rng = random.Random(9)
        now = timezone.now()
        small = args.courses // 10
        start = time.perf_counter()
        add_courses(cohort, small - len(PROTOCOLS), now, rng)
        fill(client, small)
        report(client, small, args.loads)
        add_courses(cohort, args.courses - small, now, rng)
        print(f"built {args.courses:,} courses in {time.perf_counter() - start:.0f} s (bulk)")
        fill(client, args.courses - small)
        seconds = report(client, args.courses, args.loads)
        verdict = "under" if seconds < TARGET_S else "NOT under"
        print(f"{verdict} {TARGET_S:g} s at {args.courses:,} courses")


if __name__ == "__main__":
    main()
