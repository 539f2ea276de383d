"""Dosing-session set-up through the services, as staff at the chair would enter it.

A session's story is told in order: the patient checks in `CHECK_IN_LEAD` before the test's
"now" (the clock is moved back for the check-in), then the steps follow at their own times.
So the story holds at any hour: just after midnight it began the evening before, and the
session's rules must then judge it on its own day, as they would in a clinic.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.utils import timezone

from ketacare.clinics.actors import StaffActor
from ketacare.dosing.administration import (
    session_pause_infusion,
    session_record_administration,
    session_record_device,
    session_stop_infusion,
)
from ketacare.dosing.discharge import session_abort
from ketacare.dosing.models import Administration, DosingSession, VitalsReading
from ketacare.dosing.services import (
    CHECKLIST_FIELDS,
    session_check_in,
    session_record_adverse_event,
    session_record_checklist,
    session_record_score,
    session_record_side_effect,
    session_record_vitals,
)
from ketacare.patients.models import Patient
from ketacare.patients.services import measurement_record
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse
from ketacare.treatment.services import course_end, rems_enrollment_record
from ketacare.treatment.tests.builders import started_course
from tests.factories import PASSWORD

ESKETAMINE = "esketamine_trd"
IV = "iv_ketamine_twice_weekly"
PHQ9_NONE = {str(item): 0 for item in range(1, 10)}
CSSRS_HIGH = {"1": True, "2": True, "3": True, "4": True, "5": True, "6": True, "6a": True}
CADSS_NONE = {str(item): 0 for item in range(1, 7)}
WEEK = dt.timedelta(days=7)
# Longer than the longest history a test builds (a dose 150 minutes ago, then monitoring).
CHECK_IN_LEAD = dt.timedelta(hours=3)


def ago(minutes: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


@contextmanager
def moved_to(moment: dt.datetime) -> Iterator[None]:
    """Record as if it were `moment` (rows and audit events carry that time); back after."""
    with time_machine.travel(moment, tick=True):
        yield


def course_today(
    patient: Patient,
    *,
    nurse: StaffActor,
    prescriber: StaffActor,
    code: str = ESKETAMINE,
    rems: bool = True,
    version: ProtocolVersion | None = None,
) -> TreatmentCourse:
    """A course whose first session is today (REMS-enrolled the week before for esketamine
    unless `rems` is False), on the built-in `code` or on `version` of it."""
    today = patient.clinic.today()
    weekdays: list[int | str] = [today.weekday(), (today.weekday() + 3) % 7]
    course = started_course(
        patient,
        nurse=nurse,
        prescriber=prescriber,
        code=code,
        version=version,
        start_date=today,
        weekdays=weekdays,
    )
    if rems and code == ESKETAMINE:
        rems_enrollment_record(
            actor=nurse, course=course, enrollment_id="R-1", enrolled_on=today - WEEK
        )
    if code != ESKETAMINE:
        weighed_today(patient, nurse)
    return course


def weighed_today(patient: Patient, nurse: StaffActor, weight_kg: str = "80.0") -> None:
    """A weight taken at the chair just now, so a weight-based dose uses a current one."""
    measurement_record(
        actor=nurse, patient=patient, measured_at=ago(1), weight_kg=Decimal(weight_kg),
        height_cm=Decimal("170.0"),
    )  # fmt: skip


def checked_in(
    patient: Patient,
    *,
    nurse: StaffActor,
    prescriber: StaffActor,
    code: str = ESKETAMINE,
    rems: bool = True,
) -> DosingSession:
    """Checked in `CHECK_IN_LEAD` ago, for the session planned that day."""
    with moved_to(timezone.now() - CHECK_IN_LEAD):
        course = course_today(patient, nurse=nurse, prescriber=prescriber, code=code, rems=rems)
        planned = course.sessions.get(scheduled_on=patient.clinic.today())
        return session_check_in(actor=nurse, planned=planned, chair="Chair 2")


def prepared(
    session: DosingSession, nurse: StaffActor, *, sbp: int = 120, dbp: int = 80, phq9: bool = True
) -> DosingSession:
    """Checklist ticked, today's PHQ-9 (all 0) and pre-dose vitals recorded."""
    if phq9:
        session_record_score(
            actor=nurse, session=session, instrument="phq9", answers=PHQ9_NONE,
            administered_at=ago(30),
        )  # fmt: skip
    session_record_vitals(
        actor=nurse, session=session, measured_at=ago(20), checkpoint="pre_dose",
        sbp=sbp, dbp=dbp, hr=72, spo2=98, rr=14,
    )  # fmt: skip
    return session_record_checklist(
        actor=nurse, session=session, **dict.fromkeys(CHECKLIST_FIELDS, True)
    )


def cleared(
    patient: Patient, *, nurse: StaffActor, prescriber: StaffActor, code: str = ESKETAMINE
) -> DosingSession:
    session = checked_in(patient, nurse=nurse, prescriber=prescriber, code=code)
    return prepared(session, nurse)


def administered(
    session: DosingSession,
    nurse: StaffActor,
    *,
    minutes_ago: float = 10,
    dose_mg: int = 56,
    devices: bool = True,
) -> Administration:
    """The ordered dose given `minutes_ago` (with `devices`, every esketamine device, 5
    minutes apart)."""
    iv = session.route == "iv"
    record = session_record_administration(
        actor=nurse,
        session=session,
        lot_number="LOT-7",
        lot_expiry=session.clinic.today() + dt.timedelta(days=90),
        dose_mg=Decimal("40.0") if iv else Decimal(dose_mg),
        started_at=ago(minutes_ago),
        concentration_mg_per_ml=Decimal("1.0") if iv else None,
    )
    for device in range(record.devices_planned or 0 if devices else 0):
        session_record_device(
            actor=nurse, session=session, administered_at=ago(minutes_ago - 5 * device)
        )
    return record


def monitored(
    session: DosingSession,
    nurse: StaffActor,
    *,
    minutes_ago: float = 130,
    ended_minutes_ago: float = 0,
) -> DosingSession:
    """Dosed `minutes_ago`, with the REMS BP checkpoints, MOAA/S 5 and CADSS-6 0 recorded; the
    last of them just before `ended_minutes_ago`."""
    administered(session, nurse, minutes_ago=minutes_ago)
    if session.route == "iv":
        session_stop_infusion(actor=nurse, session=session, stopped_at=ago(minutes_ago - 40))
    ended = ended_minutes_ago
    for checkpoint, when in (("post_40min", minutes_ago - 40), ("pre_discharge", ended + 2)):
        session_record_vitals(
            actor=nurse, session=session, measured_at=ago(when), checkpoint=checkpoint,
            sbp=125, dbp=80, hr=70, spo2=98, rr=14,
        )  # fmt: skip
    for instrument, answers in (("moaas", {"1": 5}), ("cadss6", CADSS_NONE)):
        session_record_score(
            actor=nurse, session=session, instrument=instrument, answers=answers,
            administered_at=ago(ended + 1),
        )  # fmt: skip
    session.refresh_from_db()
    return session


# --- the permission matrix: each API operation's session in the state it acts on ---------------


def matrix_session(
    path: str, patient: Patient, *, nurse: StaffActor, prescriber: StaffActor
) -> None:
    """Put `patient` in the state the operation at `path` acts on."""
    if path.endswith("/check-in"):
        course_today(patient, nurse=nurse, prescriber=prescriber)
        return
    iv = any(path.endswith(step) for step in ("/pauses", "/resume", "/stop"))
    session = checked_in(patient, nurse=nurse, prescriber=prescriber, code=IV if iv else ESKETAMINE)
    if path.endswith("/override"):
        prepared(session, nurse, sbp=150, dbp=95)
    elif path.endswith("/corrections"):
        session_record_vitals(actor=nurse, session=session, measured_at=ago(2), hr=70)
    elif any(path.endswith(step) for step in ("/administration", "/devices", "/discharge")) or iv:
        prepared(session, nurse)
        _matrix_dose(path, session, nurse)


def _matrix_dose(path: str, session: DosingSession, nurse: StaffActor) -> None:
    if path.endswith("/discharge"):
        monitored(session, nurse)
    elif not path.endswith("/administration"):
        administered(session, nurse, devices=False)
    if path.endswith("/resume"):
        session_pause_infusion(actor=nurse, session=session, paused_at=ago(1), reason="Matrix")


def matrix_body(path: str, patient: Patient) -> dict[str, object] | None:
    """A body valid for the operation at `path` on `patient`'s session."""
    now = ago(0.5).isoformat()
    bodies: dict[str, dict[str, object]] = {
        "/check-in": {},
        "/checklist": {},
        "/override": {"reason": "Matrix"},
        "/vitals": {"measured_at": now, "hr": 70},
        "/scores": {"instrument": "moaas", "answers": {"1": 5}, "administered_at": now},
        "/administration": {
            "lot_number": "M-1",
            "lot_expiry": "2099-01-01",
            "dose_mg": "56",
            "started_at": now,
        },
        "/devices": {"administered_at": now},
        # Signed by the clinic admin, who witnesses but does not dose, for whoever doses.
        "/waste": {
            "waste_quantity": "0.2",
            "wasted_at": now,
            "witness_email": "ada@harbor.test",
            "witness_password": PASSWORD,
        },
        "/pauses": {"paused_at": now, "reason": "Matrix"},
        "/resume": {"resumed_at": now},
        "/stop": {"stopped_at": now, "reason": "Matrix"},
        "/side-effects": {"observed_at": now, "kind": "nausea", "severity": "mild"},
        "/interventions": {"given_at": now, "kind": "antiemetic"},
        "/adverse-events": {
            "onset_at": now,
            "severity": "mild",
            "serious": False,
            "description": "Matrix",
        },
        "/discharge": dict.fromkeys(
            ("vitals_acceptable", "clinician_confirms", "no_driving_instruction_given"), True
        ),
        "/abort": {"reason": "Matrix"},
    }
    if path.endswith("/corrections"):
        reading = VitalsReading.objects.filter(patient=patient).first()
        return {"entry_id": str(reading.public_id) if reading else "", "reason": "Matrix"}
    return next((body for end, body in bodies.items() if path.endswith(end)), None)


# --- history: courses that ran and ended, each with a dosed session -----------------------------


def dosed_course(patient: Patient, *, nurse: StaffActor, prescriber: StaffActor) -> DosingSession:
    """An esketamine course whose session today was dosed (56 mg, 2 devices), had a serious
    adverse event and a severe side effect, and was stopped; the course is then ended, so
    another can be started."""
    session = cleared(patient, nurse=nurse, prescriber=prescriber)
    administered(session, nurse, minutes_ago=15)
    session_record_adverse_event(
        actor=nurse, session=session, onset_at=ago(5), severity="severe", serious=True,
        description="Hypertensive episode",
    )  # fmt: skip
    session_record_side_effect(
        actor=nurse, session=session, observed_at=ago(4), kind="nausea", severity="severe"
    )
    session = session_abort(actor=nurse, session=session, reason="Stopped after the event")
    course_end(actor=prescriber, course=session.course, reason="Course finished")
    return session
