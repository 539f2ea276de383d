"""Resolving the actor of a request or a token: staff through their memberships, a patient
through their portal account (known from this layer up), anybody else as the public."""

from typing import Any

from ketacare.clinics.actors import PUBLIC, Actor, PatientActor, staff_actor
from ketacare.patients.models import PatientAccount


def actor_for(user: Any, clinic_public_id: str | None = None) -> Actor:
    """Staff when the user holds an active membership (one query); else the patient whose
    portal account it is (one more); else a signed-in user with no clinic, who may do
    nothing but see that page. Not signed in: the public."""
    if user is None or not user.is_authenticated:
        return PUBLIC
    staff = staff_actor(user, clinic_public_id)
    if staff.memberships:
        return staff
    account = (
        PatientAccount.objects.filter(user=user, user__is_active=True)
        .select_related("patient__clinic")
        .first()
    )
    if account is None:
        return staff
    patient = account.patient
    return PatientActor(user, patient.pk, patient.public_id, patient.clinic)
