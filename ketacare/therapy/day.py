"""The therapist's day: today's sessions, the patients on their caseload with each one's
PHQ-9 since the course began and the last dosing session (dose, MOAA/S, CADSS-6, side
effects) as the context for the conversation, and those dosed recently with no integration
session booked after that dose. A fixed number of queries whatever the caseload."""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.assessments.models import Assessment
from ketacare.clinics.models import Clinic
from ketacare.dosing.models import Administration, DosingSession, SessionScore, SideEffect
from ketacare.patients.models import Patient
from ketacare.therapy.models import (
    TAKES_TIME,
    CareTeamMember,
    TeamRole,
    TherapyNote,
    TherapySession,
)
from ketacare.therapy.queries import caseload

# How far back a dose counts as "recent" on the day's list of integrations still to book (a
# view of the list, not a clinical rule: the protocol's integration window will say when).
DOSED_RECENTLY = dt.timedelta(days=7)
# The scores of the chair the conversation starts from, by the names clinicians use.
AT_THE_CHAIR = {"moaas": "MOAA/S", "cadss6": "CADSS-6"}


@dataclass(frozen=True, slots=True)
class LastDose:
    session: DosingSession
    dose_mg: str
    scores: tuple[str, ...]
    side_effects: tuple[str, ...]
    integration_booked: bool


@dataclass(frozen=True, slots=True)
class CasePatient:
    place: CareTeamMember
    phq9_first: int | None
    phq9_latest: int | None
    last_dose: LastDose | None
    needs_integration: bool

    @property
    def patient(self) -> Patient:
        return self.place.patient


@dataclass(frozen=True, slots=True)
class TherapistDay:
    sessions: list[TherapySession]
    caseload: list[CasePatient]

    @property
    def needing_integration(self) -> list[CasePatient]:
        return [case for case in self.caseload if case.needs_integration]

    @property
    def patient_ids(self) -> list[uuid.UUID]:
        shown = [s.patient.public_id for s in self.sessions]
        return shown + [case.patient.public_id for case in self.caseload]


def _today(clinic: Clinic) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    start = dt.datetime.combine(clinic.today(), dt.time(), zone)
    return start, dt.datetime.combine(clinic.today() + dt.timedelta(days=1), dt.time(), zone)


def _todays_sessions(therapist: User, clinic: Clinic) -> list[TherapySession]:
    start, end = _today(clinic)
    own_notes = TherapyNote.objects.filter(author=therapist, entered_in_error=False)
    return list(
        TherapySession.objects.filter(
            therapist=therapist, clinic=clinic, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("patient")
        .prefetch_related(Prefetch("notes", own_notes, to_attr="own_notes"))
        .order_by("starts_at")
    )


def _last_doses(patients: list[Patient]) -> dict[int, DosingSession]:
    sessions = (
        DosingSession.objects.filter(patient__in=patients, dose_started_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "administrations",
                Administration.objects.filter(entered_in_error=False),
                to_attr="valid_administrations",
            ),
            Prefetch(
                "scores",
                SessionScore.objects.filter(entered_in_error=False).select_related("assessment"),
                to_attr="valid_scores",
            ),
            Prefetch(
                "side_effects",
                SideEffect.objects.filter(entered_in_error=False),
                to_attr="valid_side_effects",
            ),
            Prefetch(
                "integrations",
                TherapySession.objects.filter(status__in=TAKES_TIME),
                to_attr="booked_integrations",
            ),
        )
        .order_by("patient_id", "-dose_started_at")
    )
    latest: dict[int, DosingSession] = {}
    for session in sessions:
        latest.setdefault(session.patient_id, session)
    return latest


def _last_dose(session: DosingSession) -> LastDose:
    records: list[Administration] = getattr(session, "valid_administrations", [])
    scores: list[SessionScore] = getattr(session, "valid_scores", [])
    effects: list[SideEffect] = getattr(session, "valid_side_effects", [])
    return LastDose(
        session=session,
        dose_mg=f"{records[0].dose_mg.normalize():f} mg" if records else "",
        scores=tuple(
            f"{AT_THE_CHAIR[s.assessment.instrument]} {s.assessment.total}"
            for s in scores
            if s.assessment.instrument in AT_THE_CHAIR
        ),
        side_effects=tuple(
            f"{e.get_kind_display()} ({e.get_severity_display().lower()})" for e in effects
        ),
        integration_booked=bool(getattr(session, "booked_integrations", [])),
    )


def _phq9(patients: list[Patient]) -> dict[int, list[int | None]]:
    totals: dict[int, list[int | None]] = {}
    rows = (
        Assessment.objects.filter(
            patient__in=patients, instrument="phq9", entered_in_error=False, total__isnull=False
        )
        .order_by("administered_at")
        .values_list("patient_id", "total")
    )
    for patient_id, total in rows:
        totals.setdefault(patient_id, []).append(total)
    return totals


def _case(
    place: CareTeamMember, session: DosingSession | None, totals: list[int | None]
) -> CasePatient:
    last = _last_dose(session) if session is not None else None
    dosed = session.dose_started_at if session is not None else None
    recent = dosed is not None and dosed >= timezone.now() - DOSED_RECENTLY
    return CasePatient(
        place=place,
        phq9_first=totals[0] if totals else None,
        phq9_latest=totals[-1] if totals else None,
        last_dose=last,
        needs_integration=recent and last is not None and not last.integration_booked,
    )


def therapist_day(therapist: User, clinic: Clinic) -> TherapistDay:
    """The day of `therapist` in `clinic`: nine queries whatever their caseload."""
    places = [p for p in caseload(therapist, clinic) if p.team_role == TeamRole.THERAPIST]
    patients = [place.patient for place in places]
    doses, scores = _last_doses(patients), _phq9(patients)
    cases = [_case(p, doses.get(p.patient_id), scores.get(p.patient_id, [])) for p in places]
    return TherapistDay(sessions=_todays_sessions(therapist, clinic), caseload=cases)
