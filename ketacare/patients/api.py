"""Patient endpoints: the same permissions and audit as the pages."""

import uuid

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.patients import services
from ketacare.patients.models import Medication, Patient
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.patients.schemas import (
    MedicationIn,
    MedicationOut,
    PatientIn,
    PatientOut,
    PatientPatch,
)

router = Router()


class PatientFilter(Schema):
    q: str = ""
    clinic_id: uuid.UUID | None = None


@router.get("", response=list[PatientOut])
@requires(Perm.PATIENT_LIST)
@paginate(LimitOffsetPagination)
def patient_list(request: StaffRequest, filters: Query[PatientFilter]) -> list[Patient]:
    """Patients of your clinics; search by name, date of birth (YYYY-MM-DD) or MRN."""
    patients = Patient.objects.visible_to(request.actor).select_related("clinic")
    if filters.clinic_id:
        patients = patients.filter(clinic__public_id=filters.clinic_id)
    return patients.search(filters.q)  # type: ignore[return-value]


def _clinic_for_create(request: StaffRequest, clinic_id: uuid.UUID | None) -> Clinic:
    memberships = request.actor.memberships
    chosen: Membership | None = None
    if clinic_id is None and len(memberships) == 1:
        chosen = memberships[0]
    else:
        chosen = next((m for m in memberships if m.clinic.public_id == clinic_id), None)
    if chosen is None:
        raise ValidationError(
            {
                "clinic_id": "Give the id of one of your clinics: "
                + ", ".join(str(m.clinic.public_id) for m in memberships)
            }
        )
    request.actor.demand(Perm.PATIENT_REGISTER, chosen.clinic)
    return chosen.clinic


@router.post("", response={201: PatientOut})
@requires(Perm.PATIENT_REGISTER)
def patient_create(request: StaffRequest, payload: PatientIn) -> Status[Patient]:
    clinic = _clinic_for_create(request, payload.clinic_id)
    data = payload.dict(exclude={"clinic_id"})
    patient = services.patient_register(actor=request.actor, clinic=clinic, **data)
    return Status(201, patient)


@router.get("/{uuid:patient_id}", response=PatientOut)
@requires(Perm.PATIENT_VIEW)
def patient_read(request: StaffRequest, patient_id: uuid.UUID) -> Patient:
    return patient_read_for(request.actor, patient_id, Perm.PATIENT_VIEW, via="api").patient


@router.patch("/{uuid:patient_id}", response=PatientOut)
@requires(Perm.PATIENT_EDIT)
def patient_update(request: StaffRequest, patient_id: uuid.UUID, payload: PatientPatch) -> Patient:
    patient = patient_for(request.actor, patient_id, Perm.PATIENT_EDIT, via="api").patient
    changes = payload.dict(exclude_unset=True)
    return services.patient_update(actor=request.actor, patient=patient, **changes)


@router.get("/{uuid:patient_id}/medications", response=list[MedicationOut])
@requires(Perm.CHART_VIEW_CLINICAL)
def medication_list(request: StaffRequest, patient_id: uuid.UUID) -> list[Medication]:
    patient = patient_read_for(
        request.actor, patient_id, Perm.CHART_VIEW_CLINICAL, via="api"
    ).patient
    return list(patient.medications.order_by("entered_in_error", "name"))


@router.post("/{uuid:patient_id}/medications", response={201: MedicationOut})
@requires(Perm.CHART_RECORD)
def medication_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: MedicationIn
) -> Status[Medication]:
    """Record a current medication, with its REMS concomitant class (eligibility reads it)."""
    patient = patient_for(request.actor, patient_id, Perm.CHART_RECORD, via="api").patient
    medication = services.medication_record(actor=request.actor, patient=patient, **payload.dict())
    return Status(201, medication)
