"""The demo's therapy: in each clinic the therapist's caseload of patients in a course, each
with a care team (the prescriber, the nurse, the therapist), a preparation session before the
course began, an integration session the day after each dose given, and one session booked
next week; notes of both kinds; one patient's last integration session missed."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import StaffActor, staff_actor
from ketacare.demo.clock import clock_at
from ketacare.demo.network import DemoClinic, staff_email
from ketacare.dosing.models import DosingSession, Status
from ketacare.patients.models import Patient
from ketacare.therapy.appointments import (
    therapy_session_book,
    therapy_session_held,
    therapy_session_missed,
)
from ketacare.therapy.care_team import care_team_add
from ketacare.therapy.models import TherapySession
from ketacare.therapy.notes import note_save, note_sign, note_start
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.queries import open_course

CASELOAD = 6
PRIVATE_NOTE_PATIENT = 0  # of the caseload: their preparation has a psychotherapy note too
BOOKED_AHEAD = dt.timedelta(days=1)  # how long before a session it was booked


def seed_therapy(
    spec: DemoClinic, patients: list[Patient], nurse: StaffActor, prescriber: StaffActor
) -> None:
    therapist = staff_actor(User.objects.get(email=staff_email("therapist", spec)))
    in_course = [(p, c) for p in patients if (c := open_course(p)) is not None][:CASELOAD]
    missed = False
    for index, (patient, course) in enumerate(in_course):
        for member, role in (
            (prescriber, "prescriber"),
            (nurse, "nurse"),
            (therapist, "therapist"),
        ):
            care_team_add(actor=prescriber, patient=patient, member=member.user, team_role=role)
        # Each patient has their own hour, so the therapist's sessions never overlap.
        hour = dt.time(10 + index)
        _preparation(course, therapist, hour, private=index == PRIVATE_NOTE_PATIENT)
        doses = list(
            DosingSession.objects.filter(
                course=course, status=Status.DISCHARGED, dose_started_at__isnull=False
            ).order_by("dose_started_at")
        )
        for number, dosing in enumerate(doses):
            last = number == len(doses) - 1
            missed = (
                _integration(course, dosing, therapist, hour, miss=last and not missed) or missed
            )
        _next_week(course, therapist, hour, doses[-1] if doses else None)


def _local(course: TreatmentCourse, day: dt.date, hour: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, hour, zoneinfo.ZoneInfo(course.clinic.timezone))


def _book(
    course: TreatmentCourse,
    therapist: StaffActor,
    start: dt.datetime,
    kind: str,
    follows: list[DosingSession],
) -> TherapySession:
    in_person = kind == "preparation"
    with clock_at(min(start - BOOKED_AHEAD, _now())):
        return therapy_session_book(
            actor=therapist, patient=course.patient, therapist=therapist.user, kind=kind,
            mode="in_person" if in_person else "telehealth", starts_at=start,
            duration_minutes=50, room="Therapy room" if in_person else "", follows=follows,
        )  # fmt: skip


def _now() -> dt.datetime:
    return timezone.now()


def _held(session: TherapySession, therapist: StaffActor, *, private: bool = False) -> None:
    """Held, with its progress note signed (and a private note where asked)."""
    with clock_at(session.ends_at):
        therapy_session_held(actor=therapist, session=session)
        kinds = ("progress", "psychotherapy") if private else ("progress",)
        for kind in kinds:
            note = note_start(actor=therapist, session=session, kind=kind)
            note_save(actor=therapist, note=note, **_note_text(session, kind))
            note_sign(actor=therapist, note=note)


def _note_text(session: TherapySession, kind: str) -> dict[str, str | bool]:
    if kind == "psychotherapy":
        return {"themes": "Therapist's own reflections on the alliance; hypotheses to explore."}
    if session.kind == "preparation":
        return {
            "risk_check": "none",
            "goals": "Feel less stuck; return to work part-time.",
            "themes": "Nervous about dissociation; questions about the nasal spray and the chair.",
            "coping_skills": "Box breathing practised; a playlist chosen for the session.",
            "share_with_patient": True,
            "plan": "Ready for the first dose.",
        }
    return {
        "risk_check": "none",
        "goals": "Make sense of the dosing session.",
        "themes": "A sense of distance from everyday worries; a memory of the family home.",
        "coping_skills": "Ten minutes of journaling each morning; a walk after lunch.",
        "share_with_patient": True,
        "plan": "Integration after the next dose.",
    }


def _preparation(
    course: TreatmentCourse, therapist: StaffActor, hour: dt.time, *, private: bool
) -> None:
    start = _local(course, course.start_date - dt.timedelta(days=3), hour)
    session = _book(course, therapist, start, "preparation", [])
    if session.ends_at < _now():
        _held(session, therapist, private=private)


def _integration(
    course: TreatmentCourse,
    dosing: DosingSession,
    therapist: StaffActor,
    hour: dt.time,
    *,
    miss: bool,
) -> bool:
    """Held, or missed where `miss` asks; returns whether it was missed (a session still to
    come is only booked)."""
    dosed = dosing.dose_started_at
    assert dosed is not None
    zone = zoneinfo.ZoneInfo(course.clinic.timezone)
    start = _local(course, dosed.astimezone(zone).date() + dt.timedelta(days=1), hour)
    session = _book(course, therapist, start, "integration", [dosing])
    if session.ends_at >= _now():
        return False
    if miss:
        with clock_at(session.ends_at):
            reason = "Did not join the call; a voicemail was left."
            therapy_session_missed(actor=therapist, session=session, reason=reason)
        return True
    _held(session, therapist)
    return False


def _next_week(
    course: TreatmentCourse, therapist: StaffActor, hour: dt.time, last: DosingSession | None
) -> None:
    day = course.clinic.today() + dt.timedelta(days=8)
    kind = "integration" if last is not None else "preparation"
    _book(course, therapist, _local(course, day, hour), kind, [last] if last else [])
