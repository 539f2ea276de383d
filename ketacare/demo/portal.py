"""The demo's patient portal: in each clinic a patient who signs in (printed by `ketacare demo`)
with their course's baseline PHQ-9 answered and its GAD-7 half-answered (and the plan's
questionnaires to come); in the first clinic another
patient's PHQ-9 answered at home with item 9 = 2, so an urgent alert waits on the alert list
(it would block that patient's first dosing session until a prescriber resolves it)."""

import datetime as dt

from django.utils import timezone

from ketacare.clinics.actors import PatientActor, StaffActor
from ketacare.demo.network import DEMO_PASSWORD, DemoClinic
from ketacare.measurement.assignments import (
    questionnaire_assign,
    questionnaire_save_draft,
    questionnaire_submit,
)
from ketacare.measurement.models import QuestionnaireAssignment
from ketacare.measurement.queries import due_now
from ketacare.patients.models import Patient
from ketacare.patients.services import patient_account_create

PORTAL_PATIENT = 1  # the patient mid-course in each clinic (see seed._seed_treatment)
ALERT_PATIENT = 19  # awaiting a course, in the first clinic only


def portal_email(clinic: DemoClinic) -> str:
    return f"patient@{clinic.slug}.demo"


def seed_portal(
    spec: DemoClinic, patients: list[Patient], prescriber: StaffActor, *, with_alert: bool
) -> None:
    patient = patients[PORTAL_PATIENT]
    paula = _account(patient, prescriber, portal_email(spec))
    answered = _sent(patient, prescriber, "phq9", days=3)
    questionnaire_submit(actor=paula, assignment=answered, answers=_phq9(item9=0, rest=1))
    started = _sent(patient, prescriber, "gad7", days=2)
    questionnaire_save_draft(actor=paula, assignment=started, answers={"1": 1, "2": 2})
    if with_alert:
        other = patients[ALERT_PATIENT]
        at_home = _account(other, prescriber, f"patient{ALERT_PATIENT}@{spec.slug}.demo")
        urgent = _sent(other, prescriber, "phq9", days=2)
        questionnaire_submit(actor=at_home, assignment=urgent, answers=_phq9(item9=2, rest=2))


def _account(patient: Patient, prescriber: StaffActor, email: str) -> PatientActor:
    user = patient_account_create(
        actor=prescriber, patient=patient, email=email, password=DEMO_PASSWORD
    ).user
    return PatientActor(user, patient.pk, patient.public_id, patient.clinic)


def _sent(
    patient: Patient, prescriber: StaffActor, instrument: str, days: int
) -> QuestionnaireAssignment:
    """One the course's measurement plan has open now, else one sent by hand that closes
    before the plan's next one opens."""
    planned = next((row for row in due_now(patient.pk) if row.instrument == instrument), None)
    if planned is not None:
        return planned
    later = QuestionnaireAssignment.objects.filter(
        patient=patient, instrument=instrument, status="open", opens_at__gt=timezone.now()
    ).order_by("opens_at")
    closes = timezone.now() + dt.timedelta(days=days)
    following = later.values_list("opens_at", flat=True).first()
    return questionnaire_assign(
        actor=prescriber,
        patient=patient,
        instrument=instrument,
        expires_at=min(closes, following) if following else closes,
    )


def _phq9(*, item9: int, rest: int) -> dict[str, int]:
    return {**{str(item): rest for item in range(1, 9)}, "9": item9}
