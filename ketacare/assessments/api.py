"""Rating-scale endpoints: the same permissions, scoring and audit as the pages."""

import uuid

from ninja import Router
from ninja.responses import Status

from ketacare.assessments import services
from ketacare.assessments.models import Assessment
from ketacare.assessments.queries import assessments_of
from ketacare.assessments.schemas import AssessmentIn, AssessmentOut
from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.patients.queries import patient_for, patient_read_for

router = Router()


@router.get("/{uuid:patient_id}/assessments", response=list[AssessmentOut])
@requires(Perm.CHART_VIEW_CLINICAL)
def assessment_list(
    request: StaffRequest, patient_id: uuid.UUID, instrument: str = ""
) -> list[Assessment]:
    """A patient's rating scales, newest first, with item-level answers."""
    access = patient_read_for(request.actor, patient_id, Perm.CHART_VIEW_CLINICAL, via="api")
    rows = assessments_of(access.patient)
    return list(rows.filter(instrument=instrument) if instrument else rows)


@router.post("/{uuid:patient_id}/assessments", response={201: AssessmentOut})
@requires(Perm.ASSESSMENT_RECORD)
def assessment_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: AssessmentIn
) -> Status[Assessment]:
    """Record and score one administration; a bad item is named in `fields` ("answers.3")."""
    patient = patient_for(request.actor, patient_id, Perm.ASSESSMENT_RECORD, via="api").patient
    assessment = services.assessment_record(
        actor=request.actor,
        patient=patient,
        **payload.dict(),
    )
    return Status(201, assessment)
