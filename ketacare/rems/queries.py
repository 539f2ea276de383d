"""Access-checked reads of REMS monitoring forms and the clinic's list of forms due."""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.dosing.models import DosingSession, Status
from ketacare.dosing.queries import dosing_for
from ketacare.rems.models import RemsMonitoringForm
from ketacare.rems.prefill import ESKETAMINE_ROUTE, treatment_start


def rems_session_for(actor: Actor, dosing_id: uuid.UUID, perm: Perm) -> DosingSession:
    """An esketamine dosing session the user may reach with `perm`; other routes have no
    REMS form (REFERENCE §1.11 covers SPRAVATO only)."""
    session = dosing_for(actor, dosing_id, perm)
    if session.route != ESKETAMINE_ROUTE:
        raise Http404("Only esketamine sessions have a REMS monitoring form.")
    return session


def form_record(session: DosingSession) -> RemsMonitoringForm | None:
    return RemsMonitoringForm.objects.filter(session=session).select_related("submitted_by").first()


@dataclass(frozen=True, slots=True)
class DueForm:
    session: DosingSession
    treatment_date: dt.date
    due_on: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def forms_due(clinic: Clinic) -> list[DueForm]:
    """Every discharged esketamine session of the clinic whose form is not submitted, oldest
    first, with its 7-calendar-day deadline (REFERENCE §1.11). Three queries, whatever the count."""
    sessions = (
        DosingSession.objects.filter(
            clinic=clinic, route=ESKETAMINE_ROUTE, status=Status.DISCHARGED
        )
        .exclude(rems_form__submitted_at__isnull=False)
        .select_related("patient", "clinic")
        .prefetch_related("administrations__devices")
    )
    today = clinic.today()
    rows = [_due(session, today) for session in sessions]
    return sorted(rows, key=lambda row: (treatment_start(row.session), row.session.pk))


def _due(session: DosingSession, today: dt.date) -> DueForm:
    day = timezone.localtime(treatment_start(session), _zone(session.clinic)).date()
    due_on = clinical.rems_form_due(day)
    return DueForm(session, day, due_on, (due_on - today).days)


def _zone(clinic: Clinic) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(clinic.timezone)
