"""What the portal and the alert pages read: a patient's questionnaires due and answered, their
scores in plain words, their next sessions, and a clinic's alerts. Each takes the record the
caller has already fetched through an access-checked helper (or the actor itself)."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import RiskAlert
from ketacare.assessments.queries import trend_scores
from ketacare.clinical.outcomes import OUTCOME_INSTRUMENTS
from ketacare.clinics.actors import Answerer, StaffActor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.patients.models import Patient
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import PlannedSession, SessionStatus

UPCOMING_SHOWN = 5


def assignments_of(patient: Patient) -> QuerySet[QuestionnaireAssignment]:
    return QuestionnaireAssignment.objects.filter(patient=patient).select_related(
        "clinic", "patient", "assessment"
    )


def due_now(patient_id: int) -> list[QuestionnaireAssignment]:
    """Open questionnaires the patient can answer now, the soonest to expire first."""
    now = timezone.now()
    rows = QuestionnaireAssignment.objects.select_related("clinic", "patient").filter(
        patient_id=patient_id,
        status=AssignmentStatus.OPEN,
        opens_at__lte=now,
        expires_at__gt=now,
    )
    return list(rows.order_by("expires_at"))


def assignment_of(actor: Answerer, assignment_id: uuid.UUID) -> QuestionnaireAssignment | None:
    """The patient's own assignment, or None (someone else's is as absent as a missing one)."""
    return assignments_of_actor(actor).filter(public_id=assignment_id).first()


def assignments_of_actor(actor: Answerer) -> QuerySet[QuestionnaireAssignment]:
    return QuestionnaireAssignment.objects.filter(patient_id=actor.patient_id).select_related(
        "clinic", "patient", "assessment"
    )


@dataclass(frozen=True)
class ScoreChange:
    """A scale's first and latest totals, told the way a patient reads them."""

    name: str
    first: int
    latest: int
    percent: float | None

    @property
    def words(self) -> str:
        start = f"Your {self.name} went from {self.first} to {self.latest}"
        if self.first == self.latest:
            return f"Your {self.name} is {self.latest}, as it was at first."
        if self.percent is None:  # from 0: no percentage of nothing
            return f"{start}."
        direction = "drop" if self.percent < 0 else "rise"
        return f"{start}: a {abs(self.percent):.0f} % {direction}."


SHORT_NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "qids_sr16": "QIDS-SR16", "madrs": "MADRS"}


def score_changes(patient: Patient) -> list[ScoreChange]:
    """Each scale with at least two valid totals: first to latest (`clinical.classify`)."""
    by_instrument: dict[str, list[int]] = {}
    for row in trend_scores(patient):
        if row.total is not None and row.instrument in OUTCOME_INSTRUMENTS:
            by_instrument.setdefault(row.instrument, []).append(row.total)
    changes = []
    for code, totals in by_instrument.items():
        if len(totals) >= 2:
            outcome = clinical.classify(code, totals[0], totals[-1])
            changes.append(
                ScoreChange(SHORT_NAMES[code], totals[0], totals[-1], outcome.percent_change)
            )
    return changes


@dataclass(frozen=True)
class Upcoming:
    on: dt.date
    at: dt.time | None
    kind: str
    instructions: tuple[str, ...]


def upcoming_sessions(patient: Patient) -> list[Upcoming]:
    """The patient's next planned or booked dosing sessions with their protocol's instructions."""
    rows = (
        PlannedSession.objects.filter(
            course__patient=patient,
            status__in=(SessionStatus.PLANNED, SessionStatus.BOOKED),
            scheduled_on__gte=patient.clinic.today(),
        )
        .select_related("course__protocol_version")
        .order_by("scheduled_on", "scheduled_time", "number")[:UPCOMING_SHOWN]
    )
    shown = []
    for row in rows:
        version = row.course.protocol_version
        told = clinical.patient_instructions(protocol_from_dict(version.definition))
        shown.append(Upcoming(row.scheduled_on, row.scheduled_time, version.name, told))
    return shown


def alerts_of(clinic: Clinic) -> QuerySet[RiskAlert]:
    """The clinic's alerts: unresolved first (urgent, then oldest), then the resolved."""
    return RiskAlert.objects.filter(clinic=clinic).select_related(
        "patient", "assessment", "acknowledged_by", "resolved_by", "clinic"
    )


def open_alerts(clinic: Clinic) -> list[RiskAlert]:
    rows = alerts_of(clinic).filter(resolved_at__isnull=True)
    return sorted(rows.order_by("raised_at"), key=lambda a: a.level != "urgent")


def recently_resolved(clinic: Clinic, limit: int = 20) -> list[RiskAlert]:
    return list(
        alerts_of(clinic).filter(resolved_at__isnull=False).order_by("-resolved_at")[:limit]
    )


def alert_for(actor: StaffActor, alert_id: uuid.UUID) -> RiskAlert | None:
    """An alert of a clinic where the staff member's role may see alerts, else None (404):
    membership of a clinic in another role shows nothing of its alerts."""
    clinics = [clinic.pk for clinic in actor.clinics_where(Perm.ALERT_VIEW)]
    return alerts_of_clinics(clinics).filter(public_id=alert_id).first()


def alerts_of_clinics(clinic_ids: list[int]) -> QuerySet[RiskAlert]:
    return RiskAlert.objects.filter(clinic_id__in=clinic_ids).select_related(
        "patient", "assessment", "acknowledged_by", "resolved_by", "clinic"
    )
