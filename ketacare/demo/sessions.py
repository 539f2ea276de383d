"""Demo dosing sessions: the sessions a course has already had, and today's chair board.

Sessions go through the same services the chair uses, and so do their REMS monitoring
forms. A finished session of an earlier day is
recorded with the clock set to the moment each step happened (`_clock`): check-in only opens
on the session's own day, and every row and audit event then carries the time it would have
had. Today's sessions are placed at moments before now, so the board shows them live: one
discharged, one ready to leave, one with its 40-minute BP overdue, one dosing, one blocked
for a prescriber, one just checked in, one booked and not yet arrived: at any hour, as just
after midnight the earlier stages began the evening before. Started again on a later day, the
demo closes what the last board left open and lays out that day's board (`close_the_day`).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils import timezone

from ketacare.assessments.models import Assessment
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Clinic
from ketacare.demo import ledger
from ketacare.demo.clock import clock_at
from ketacare.dosing import administration, discharge, services
from ketacare.dosing.models import DosingSession, Status
from ketacare.patients.models import Patient
from ketacare.patients.services import measurement_record
from ketacare.rems.services import rems_form_record_answers, rems_form_submit
from ketacare.treatment import schedule
from ketacare.treatment import services as treatment
from ketacare.treatment.models import PlannedSession, SessionStatus, TreatmentCourse

CLOSED = (Status.DISCHARGED, Status.ABORTED)
Stage = Literal["booked", "checked_in", "blocked", "dosing", "monitoring", "ready", "discharged"]
STAGES: tuple[Stage, ...] = (
    "booked",
    "checked_in",
    "blocked",
    "dosing",
    "monitoring",
    "ready",
    "discharged",
)
# Minutes from check-in: checklist done, dose started; the observation outlasts both the
# esketamine label's 2 hours (REFERENCE §1.6) and the IV protocols' observation time.
CHECKLIST_AT, DOSE_AT, OBSERVED = 10, 15, 125
# The REMS forms of the last few days' sessions are still to be submitted (REFERENCE §1.11).
FORM_LAG = dt.timedelta(days=5)
# How long before now each of today's stages must have begun, in minutes.
MINUTES_NEEDED: dict[Stage, int] = {
    "booked": 0,
    "checked_in": 5,
    "blocked": 12,
    "dosing": DOSE_AT + 3,  # the first esketamine device given, the next due; an infusion running
    "monitoring": DOSE_AT + 52,  # dosed 52 min ago: the 40-minute BP is overdue
    "ready": DOSE_AT + OBSERVED + 2,
    "discharged": DOSE_AT + OBSERVED + 40,
}


@dataclass(frozen=True)
class Staff:
    nurse: Actor
    prescriber: Actor


def _local_time(planned: PlannedSession, moment: dt.datetime) -> dt.time:
    zone = zoneinfo.ZoneInfo(planned.clinic.timezone)
    return moment.astimezone(zone).time().replace(second=0, microsecond=0)


def _phq9(total: int) -> dict[str, int]:
    """Answers adding up to `total` (at most 24), item 9 (self-harm) always 0."""
    answers = {str(item): 0 for item in range(1, 10)}
    for step in range(min(total, 24)):
        answers[str(step % 8 + 1)] += 1
    return answers


def run_session(
    planned: PlannedSession,
    staff: Staff,
    *,
    start: dt.datetime,
    stage: Stage,
    phq9_total: int,
    chair: str,
    pre_dose_sbp: int = 124,
    incident: bool = False,
) -> DosingSession | None:
    """One session from check-in to `stage`, its steps placed from `start` on."""
    if stage == "booked":
        schedule.session_book(
            actor=staff.nurse,
            session=planned,
            scheduled_time=_local_time(planned, _at(start, 30)),
            chair=chair,
        )
        return None
    with clock_at(start):
        session = services.session_check_in(actor=staff.nurse, planned=planned, chair=chair)
    if stage != "checked_in":
        _prepare(session, staff, start, phq9_total, pre_dose_sbp)
    if STAGES.index(stage) >= STAGES.index("dosing"):
        _dose(session, staff, start + dt.timedelta(minutes=DOSE_AT))
    if STAGES.index(stage) >= STAGES.index("monitoring") and session.route == "iv":
        with clock_at(_at(start, DOSE_AT + 42)):
            administration.session_stop_infusion(
                actor=staff.nurse, session=session, stopped_at=_at(start, DOSE_AT + 40)
            )
    if STAGES.index(stage) >= STAGES.index("ready"):
        _checkpoint_40(session, staff.nurse, _at(start, DOSE_AT), incident)
        _ready(session, staff, _at(start, DOSE_AT + OBSERVED))
    if stage == "discharged":
        _discharge(session, staff, _at(start, DOSE_AT + OBSERVED + 2))
    return session


def _discharge(session: DosingSession, staff: Staff, when: dt.datetime) -> None:
    with clock_at(when):
        discharge.session_discharge(
            actor=staff.nurse,
            session=session,
            vitals_acceptable=True,
            clinician_confirms=True,
            no_driving_instruction_given=True,
        )


def _at(start: dt.datetime, minutes: float) -> dt.datetime:
    return start + dt.timedelta(minutes=minutes)


def _prepare(
    session: DosingSession, staff: Staff, start: dt.datetime, phq9_total: int, sbp: int
) -> None:
    nurse = staff.nurse
    with clock_at(_at(start, CHECKLIST_AT)):
        if session.route == "iv":
            _weigh(session.patient, nurse, _at(start, 2))
        services.session_record_score(
            actor=nurse,
            session=session,
            instrument="phq9",
            answers=_phq9(phq9_total),
            administered_at=_at(start, 4),
        )
        services.session_record_vitals(
            actor=nurse, session=session, measured_at=_at(start, 8), checkpoint="pre_dose",
            sbp=sbp, dbp=min(sbp - 40, 108), hr=74, spo2=98, rr=14,
        )  # fmt: skip
        services.session_record_checklist(
            actor=nurse, session=session, **dict.fromkeys(services.CHECKLIST_FIELDS, True)
        )


def _weigh(patient: Patient, nurse: Actor, when: dt.datetime) -> None:
    """The nurse weighs an IV patient on arrival: the dose is weight-based."""
    latest = patient.measurements.filter(entered_in_error=False).order_by("-measured_at").first()
    measurement_record(
        actor=nurse,
        patient=patient,
        measured_at=when,
        weight_kg=latest.weight_kg if latest else Decimal("75.0"),
        height_cm=latest.height_cm if latest else None,
    )


def _dose(session: DosingSession, staff: Staff, dose_at: dt.datetime) -> None:
    """The dose drawn from the ledger (`ledger.stock_for`: the soonest-expiring lot in hand,
    from the treatment room cabinet first); what an IV draw left over the dose is wasted
    with the prescriber as witness right after."""
    nurse = staff.nurse
    with clock_at(_at(dose_at, 1)):
        order = administration.ordered_dose(session)
        dose_mg = Decimal(str(order.dose_mg))
        stock, drawn = ledger.stock_for(nurse, session, dose_mg, dose_at)
        record = administration.session_record_administration(
            actor=nurse,
            session=session,
            stock=stock,
            drawn_quantity=drawn,
            dose_mg=dose_mg,
            started_at=dose_at,
            concentration_mg_per_ml=Decimal("1.0") if session.route == "iv" else None,
        )
    remainder = administration.dose_remainder(record)
    if remainder > 0:
        with clock_at(_at(dose_at, 3)):
            administration.session_record_waste(
                actor=nurse,
                session=session,
                waste_quantity=remainder,
                witness=person_of(staff.prescriber),
                wasted_at=_at(dose_at, 2),
            )
    # Esketamine devices 5 minutes apart (REFERENCE §1.4); the first starts the dose. A dose
    # still under way today has only the devices given by now.
    for device in range(record.devices_planned or 0):
        given = _at(dose_at, 5 * device)
        if _at(given, 0.5) > timezone.now():
            break
        with clock_at(_at(given, 0.5)):
            administration.session_record_device(
                actor=nurse, session=session, administered_at=given
            )


def _checkpoint_40(
    session: DosingSession, nurse: Actor, dose_at: dt.datetime, incident: bool
) -> None:
    with clock_at(_at(dose_at, 42)):
        if incident:
            _incident(session, nurse, dose_at)
        services.session_record_vitals(
            actor=nurse, session=session, measured_at=_at(dose_at, 40), checkpoint="post_40min",
            sbp=168 if incident else 132, dbp=102 if incident else 84, hr=82, spo2=97, rr=15,
        )  # fmt: skip


def _incident(session: DosingSession, nurse: Actor, dose_at: dt.datetime) -> None:
    """Nausea treated with an antiemetic, and a transient BP rise kept as an adverse event."""
    services.session_record_side_effect(
        actor=nurse,
        session=session,
        observed_at=_at(dose_at, 20),
        kind="nausea",
        severity="moderate",
    )
    services.session_record_intervention(
        actor=nurse,
        session=session,
        given_at=_at(dose_at, 22),
        kind="antiemetic",
        detail="Ondansetron 4 mg orally.",
    )
    services.session_record_adverse_event(
        actor=nurse,
        session=session,
        onset_at=_at(dose_at, 38),
        severity="moderate",
        serious=False,
        description="Transient blood pressure rise with headache at about 40 minutes.",
        action_taken="Observed lying down; BP back to baseline by 90 minutes. Prescriber told.",
    )


def _ready(session: DosingSession, staff: Staff, end: dt.datetime) -> None:
    nurse = staff.nurse
    with clock_at(end):
        services.session_record_vitals(
            actor=nurse, session=session, measured_at=_at(end, -4), checkpoint="pre_discharge",
            sbp=126, dbp=80, hr=72, spo2=98, rr=14,
        )  # fmt: skip
        for instrument, answers in (
            ("moaas", {"1": 5}),
            ("cadss6", {str(item): 0 for item in range(1, 7)}),
        ):
            services.session_record_score(
                actor=nurse,
                session=session,
                instrument=instrument,
                answers=answers,
                administered_at=_at(end, -2),
            )


def _rems_form(session: DosingSession, staff: Staff, start: dt.datetime, *, submit: bool) -> None:
    """The nurse answers what the record cannot tell the REMS form; with `submit`, the form
    went to the REMS the next day, otherwise it is on the forms-due list."""
    with clock_at(_at(start, DOSE_AT + OBSERVED + 10)):
        rems_form_record_answers(
            actor=staff.nurse,
            session=session,
            respiratory_depression=False,
            ready_to_leave_minutes=OBSERVED,
        )
    if submit:
        with clock_at(_at(start, 24 * 60)):
            rems_form_submit(
                actor=staff.nurse,
                session=session,
                # What the REMS sends back: a reference of its own, no patient identifier.
                confirmation=f"SPR-{session.public_id.hex[:10].upper()}",
            )


# --- a course's history and today's board ------------------------------------------------------


def eased_phq9(patient: Patient, sessions_before: int) -> int:
    """The PHQ-9 at a patient's next session: 15 % lower at each session than at the one
    before, from the baseline score, so a long course reaches response and then remission."""
    baseline = (
        Assessment.objects.filter(patient=patient, instrument="phq9", context="baseline")
        .order_by("-administered_at")
        .values_list("total", flat=True)
        .first()
    )
    return round((baseline or 18) * 0.85 ** (sessions_before + 1))


def past_sessions(
    course: TreatmentCourse,
    staff: Staff,
    *,
    before: dt.date,
    incident_at: int | None = None,
) -> None:
    """Every session of the course planned before `before` and not yet run, each finished and
    discharged, with the PHQ-9 easing (`eased_phq9`); session number `incident_at` had a side
    effect and an adverse event. An esketamine course moves from 56 to 84 mg after its second
    session. Run again on a later day, it fills the days in between the same way."""
    today = course.patient.clinic.today()
    zone = zoneinfo.ZoneInfo(course.clinic.timezone)
    planned = course.sessions.filter(scheduled_on__lt=before, status=SessionStatus.PLANNED)
    for session in planned.order_by("scheduled_on"):
        index = course.dosing_sessions.count()
        start = dt.datetime.combine(session.scheduled_on, dt.time(9, 30), tzinfo=zone)
        if index == 2 and course.route == "esketamine_nasal":
            with clock_at(_at(start, -60)):
                treatment.course_change_dose(
                    actor=staff.prescriber,
                    course=course,
                    fixed_dose_mg=84,
                    reason="Tolerated 56 mg well; partial response after two sessions.",
                )
        dosed = run_session(
            session,
            staff,
            start=start,
            stage="discharged",
            phq9_total=eased_phq9(course.patient, index),
            chair=f"Chair {index % 4 + 1}",
            incident=index == incident_at,
        )
        if dosed is not None and dosed.route == "esketamine_nasal":
            # The form of the session with the adverse event is overdue: it awaits its notes.
            late = session.scheduled_on < today - FORM_LAG and index != incident_at
            _rems_form(dosed, staff, start, submit=late)


def board_start(stage: Stage, now: dt.datetime) -> dt.datetime:
    """When a session now at `stage` began: far enough back for its steps to have happened.
    Just after midnight that is the evening before; the board keeps such a session (open, or
    closed within the last hours) as a clinic's board does."""
    return now - dt.timedelta(minutes=MINUTES_NEEDED[stage])


def board_day(clinic: Clinic, stage: Stage, now: dt.datetime) -> dt.date:
    """The clinic's date of the session at `stage`: the day it is planned for."""
    return timezone.localtime(board_start(stage, now), zoneinfo.ZoneInfo(clinic.timezone)).date()


def board_session(
    course: TreatmentCourse, staff: Staff, *, stage: Stage, chair: str, now: dt.datetime
) -> None:
    """The course's session on the board, taken as far as `stage`, on the planned session of
    its day (front desk moved the next one there the evening before when the course had none
    that day)."""
    start = board_start(stage, now)
    day = board_day(course.clinic, stage, now)
    planned = course.sessions.filter(scheduled_on=day, status=SessionStatus.PLANNED).first()
    planned = planned or _moved_to(course, staff, day, _at(start, -60))
    if planned is None:
        return
    run_session(
        planned,
        staff,
        start=start,
        stage=stage,
        phq9_total=eased_phq9(course.patient, course.dosing_sessions.count()),
        chair=chair,
        # Above every demo protocol's pre-dose limit: a warning only a prescriber may override.
        pre_dose_sbp=186 if stage == "blocked" else 124,
    )


def _moved_to(
    course: TreatmentCourse, staff: Staff, day: dt.date, when: dt.datetime
) -> PlannedSession | None:
    upcoming = course.sessions.filter(scheduled_on__gt=day, status=SessionStatus.PLANNED)
    planned = upcoming.order_by("scheduled_on").first()
    if planned is None:
        return None
    with clock_at(when):
        return schedule.session_move(actor=staff.nurse, session=planned, scheduled_on=day)


# --- a later day: yesterday's board is closed and today's laid out -----------------------------


def close_the_day(course: TreatmentCourse, staff: Staff, before: dt.date) -> None:
    """What an earlier board left open is finished as the clinic would have: a dosed patient
    monitored and discharged, one never dosed sent home (aborted), and a booked patient who
    never came marked as not attending; each at the time it would have happened."""
    for session in course.dosing_sessions.exclude(status__in=CLOSED):
        if session.dose_started_at is None:
            _send_home(session, staff)
        else:
            _finish(session, staff)
    missed = course.sessions.filter(scheduled_on__lt=before, status=SessionStatus.BOOKED)
    for planned in missed.filter(dosing__isnull=True):
        with clock_at(dt.datetime.combine(planned.scheduled_on, dt.time(18), _zone(planned))):
            schedule.session_cancel(actor=staff.nurse, session=planned, reason="Did not attend.")


def _zone(planned: PlannedSession) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(planned.clinic.timezone)


def _send_home(session: DosingSession, staff: Staff) -> None:
    blocked = session.status == Status.BLOCKED
    reason = (
        "Not dosed: the blood pressure stayed above the protocol's limit; rebooked."
        if blocked
        else "Left before the dose; rebooked."
    )
    with clock_at(_at(session.checked_in_at, 45)):
        discharge.session_abort(actor=staff.nurse, session=session, reason=reason)
        if session.planned_session is not None:
            schedule.session_cancel(
                actor=staff.nurse, session=session.planned_session, reason="Not dosed that day."
            )


def _finish(session: DosingSession, staff: Staff) -> None:
    dose_at = session.dose_started_at
    assert dose_at is not None
    _remaining_devices(session, staff, dose_at)
    if session.route == "iv" and session.status == Status.DOSING:
        with clock_at(_at(dose_at, 42)):
            administration.session_stop_infusion(
                actor=staff.nurse, session=session, stopped_at=_at(dose_at, 40)
            )
    if not session.vitals.filter(checkpoint="post_40min", entered_in_error=False).exists():
        _checkpoint_40(session, staff.nurse, dose_at, incident=False)
    _ready(session, staff, _at(dose_at, OBSERVED))
    _discharge(session, staff, _at(dose_at, OBSERVED + 2))


def _remaining_devices(session: DosingSession, staff: Staff, dose_at: dt.datetime) -> None:
    given = session.administrations.filter(entered_in_error=False).first()
    if given is None or not given.devices_planned:
        return
    used = given.devices.filter(entered_in_error=False).count()
    for device in range(used, given.devices_planned):
        at = _at(dose_at, 5 * device)
        with clock_at(_at(at, 0.5)):
            administration.session_record_device(
                actor=staff.nurse, session=session, administered_at=at
            )
