"""Access-checked reads of protocol versions, courses and sessions, and the read-side helpers
the pages and the session work build on (readiness for a first session, dose previews)."""

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ketacare import clinical
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.patients.models import BodyMeasurement, Patient
from ketacare.screening.models import EligibilityDecision
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import (
    CourseEvent,
    CourseStatus,
    DoseOrder,
    PlannedSession,
    ProtocolVersion,
    TreatmentCourse,
)

ELIGIBLE_DECISIONS = ("eligible", "eligible_with_override")


def protocol_of(version: ProtocolVersion) -> clinical.Protocol:
    """The stored version as the clinical core's Protocol."""
    return protocol_from_dict(version.definition)


def library_versions(clinic: Clinic) -> QuerySet[ProtocolVersion]:
    """The clinic's protocol versions, built-in first, newest version first."""
    return (
        ProtocolVersion.objects.filter(clinic=clinic)
        .select_related("created_by")
        .order_by("-is_builtin", "code", "-version")
    )


def protocol_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> ProtocolVersion:
    """A protocol version of one of the actor's clinics, if their role there holds `perm`."""
    version = (
        ProtocolVersion.objects.filter(public_id=public_id, clinic_id__in=actor.clinic_ids)
        .select_related("clinic", "created_by")
        .first()
    )
    if version is None:
        raise access_denied(actor=actor, model=ProtocolVersion, public_id=public_id, via=via)
    actor.demand(perm, version.clinic)
    return version


def course_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> TreatmentCourse:
    course = (
        TreatmentCourse.objects.filter(
            public_id=public_id, patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "patient", "protocol_version", "prescriber")
        .first()
    )
    if course is None:
        raise access_denied(actor=actor, model=TreatmentCourse, public_id=public_id, via=via)
    actor.demand(perm, course.clinic)
    return course


def session_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> PlannedSession:
    session = (
        PlannedSession.objects.filter(
            public_id=public_id, course__patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "course__patient", "course__clinic")
        .first()
    )
    if session is None:
        raise access_denied(actor=actor, model=PlannedSession, public_id=public_id, via=via)
    actor.demand(perm, session.clinic)
    return session


def courses_of(patient: Patient) -> QuerySet[TreatmentCourse]:
    return TreatmentCourse.objects.filter(patient=patient).select_related(
        "protocol_version", "prescriber", "rems_enrolled_by", "eligibility_decision"
    )


def open_course(patient: Patient) -> TreatmentCourse | None:
    return courses_of(patient).exclude(status=CourseStatus.ENDED).first()


def course_with_history(course: TreatmentCourse) -> TreatmentCourse:
    """The course with its sessions, dose orders and events: one query per list."""
    return (
        courses_of(course.patient)
        .filter(pk=course.pk)
        .select_related("clinic", "patient")
        .prefetch_related(
            Prefetch("sessions", PlannedSession.objects.order_by("scheduled_on", "number")),
            Prefetch("dose_orders", DoseOrder.objects.select_related("ordered_by")),
            Prefetch("events", CourseEvent.objects.select_related("by")),
        )
        .get()
    )


def eligible_decision(patient: Patient, route: str) -> EligibilityDecision | None:
    """The latest signed decision for `route`, when it says eligible; else None."""
    latest = (
        EligibilityDecision.objects.filter(patient=patient, route=route)
        .select_related("signed_by")
        .first()
    )
    return latest if latest and latest.decision in ELIGIBLE_DECISIONS else None


def latest_decisions(patient: Patient) -> dict[str, EligibilityDecision]:
    """The latest signed decision per route."""
    latest: dict[str, EligibilityDecision] = {}
    for decision in EligibilityDecision.objects.filter(patient=patient):
        latest.setdefault(decision.route, decision)
    return latest


def previous_doses(course: TreatmentCourse) -> list[int]:
    """The course's ordered fixed doses, oldest first: what the label's next-dose rule reads
    until sessions record the doses given."""
    orders = course.dose_orders.all()
    return [order.fixed_dose_mg for order in orders if order.fixed_dose_mg is not None]


def course_ready_for_first_session(course: TreatmentCourse) -> dict[str, str]:
    """What must happen before the course's first session: {code: message}; empty when ready.

    The protocol's own pre-dose rules decide: an esketamine protocol lists REMS enrollment
    (REFERENCE §1.11), so its courses need one recorded.
    """
    missing: dict[str, str] = {}
    if course.status != CourseStatus.ACTIVE:
        missing["course_active"] = f"The course is {course.get_status_display().lower()}."
    rules = {rule.code: rule for rule in protocol_of(course.protocol_version).pre_dose}
    if "rems_enrolled" in rules and course.rems_enrolled_on is None:
        missing["rems_enrolled"] = rules["rems_enrolled"].text + " Record the enrollment."
    return missing


@dataclass(frozen=True, slots=True)
class DosePreview:
    """A weight-based dose worked out by the core on the patient's latest measurement."""

    dose: clinical.Dose | None
    measurement: BodyMeasurement | None
    problem: str


def dose_preview(
    patient: Patient,
    *,
    dose_mg_per_kg: float | None,
    weight_basis: str,
    max_dose_mg: float | None,
) -> DosePreview:
    measurement = latest_measurement(patient)
    if measurement is None:
        return DosePreview(None, None, "No weight is recorded: record one on the chart.")
    if dose_mg_per_kg is None:
        return DosePreview(None, measurement, "Give the dose in mg/kg.")
    sex = patient.sex if patient.sex in ("male", "female") else None
    try:
        dose = clinical.weight_based_dose(
            float(measurement.weight_kg),
            float(dose_mg_per_kg),
            basis=weight_basis,
            height_cm=float(measurement.height_cm) if measurement.height_cm else None,
            sex=sex,
            max_mg=float(max_dose_mg) if max_dose_mg is not None else None,
        )
    except clinical.ClinicalInputError as error:
        return DosePreview(None, measurement, str(error))
    return DosePreview(dose, measurement, "")


def latest_measurement(patient: Patient) -> BodyMeasurement | None:
    return (
        BodyMeasurement.objects.filter(patient=patient, entered_in_error=False)
        .order_by("-measured_at")
        .first()
    )
