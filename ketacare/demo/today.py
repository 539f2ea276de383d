"""Today's chair board on a later day: what the last board left open is closed as the clinic
would have, the sessions planned in between are run, and the day's board is laid out."""

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import staff_actor
from ketacare.clinics.models import Clinic
from ketacare.demo import sessions
from ketacare.demo.network import BOARD, CLINICS, chair_of, staff_email
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.treatment.models import CourseStatus
from ketacare.treatment.queries import open_course

# A board laid out this long ago on an earlier day has nothing left in progress: every step of
# its sessions would have happened by now.
BOARD_SPAN = dt.timedelta(hours=4)


def lay_out_today(progress: Callable[[str], None] = print) -> list[str]:
    """On a later clinic day than the last board's, close what that board left open (as the
    clinic would have, at the time it would have), run the sessions planned in between, and
    lay out today's board; returns the clinics it did this for."""
    now = timezone.now()
    laid = []
    for spec in CLINICS:
        clinic = Clinic.objects.get(slug=spec.slug)
        if not _board_is_stale(clinic, now):
            continue
        staff = sessions.Staff(
            nurse=staff_actor(User.objects.get(email=staff_email("nurse", spec))),
            prescriber=staff_actor(User.objects.get(email=staff_email("prescriber", spec))),
        )
        with transaction.atomic():
            for number, stage in BOARD.items():
                _next_board_session(clinic, number, stage, staff, now)
        progress(f"  {spec.name}: today's chair board laid out")
        laid.append(spec.slug)
    return laid


def _board_patients(clinic: Clinic) -> dict[int, Patient]:
    mrns = {f"{clinic.mrn_prefix}-{number + 1:06d}": number for number in BOARD}
    return {mrns[p.mrn]: p for p in Patient.objects.filter(clinic=clinic, mrn__in=mrns)}


def _board_is_stale(clinic: Clinic, now: dt.datetime) -> bool:
    patients = _board_patients(clinic).values()
    sessions_ = DosingSession.objects.filter(clinic=clinic, patient__in=patients)
    laid = sessions_.aggregate(latest=Max("checked_in_at"))["latest"]
    if laid is None:
        return True
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    # The newest check-in of a board is minutes before it was laid out.
    laid_on = timezone.localtime(laid + dt.timedelta(minutes=10), zone).date()
    return laid_on != timezone.localtime(now, zone).date() and now - laid >= BOARD_SPAN


def _next_board_session(
    clinic: Clinic, number: int, stage: sessions.Stage, staff: sessions.Staff, now: dt.datetime
) -> None:
    course = open_course(_board_patients(clinic)[number])
    if course is None or course.status != CourseStatus.ACTIVE:
        return
    day = sessions.board_day(clinic, stage, now)
    sessions.close_the_day(course, staff, before=day)
    sessions.past_sessions(course, staff, before=day)
    sessions.board_session(course, staff, stage=stage, chair=chair_of(number), now=now)
