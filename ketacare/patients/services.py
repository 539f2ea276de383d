"""Write paths for the patient record. One function per use case, each audited in the same
transaction as the change."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare.accounts.services import user_create
from ketacare.clinical import codes
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.patients.models import (
    Allergy,
    BodyMeasurement,
    ChartEntry,
    CodeSystem,
    Diagnosis,
    Medication,
    Patient,
    PatientAccount,
)

DEMOGRAPHIC_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "pronouns",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)


# The picker's list comes from the clinical core (REFERENCE §8.2, §8.3).
_DIAGNOSIS_TERMS = {(system, code): term for system, code, term in codes.DIAGNOSES}


def _entry(
    action: AuditAction, obj: Patient | ChartEntry, *, changes: dict[str, Any] | None = None
) -> audit.AuditEntry:
    patient = obj if isinstance(obj, Patient) else obj.patient
    return audit.entry_for(action, obj, changes or {}, clinic=patient.clinic, patient=patient)


def _known_demographics(fields: dict[str, Any]) -> None:
    """A misspelt or unknown field is refused by name, never dropped."""
    unknown = set(fields) - set(DEMOGRAPHIC_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})


def _next_mrn(clinic: Clinic) -> str:
    # The clinic row lock serialises registrations so two front desks never draw one MRN.
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
    number = Patient.objects.filter(clinic=clinic).count() + 1
    while Patient.objects.filter(clinic=clinic, mrn=f"{clinic.mrn_prefix}-{number:06d}").exists():
        number += 1
    return f"{clinic.mrn_prefix}-{number:06d}"


def patient_register(*, actor: Actor, clinic: Clinic, mrn: str = "", **fields: Any) -> Patient:
    actor.demand(Perm.PATIENT_REGISTER, clinic)
    _known_demographics(fields)
    with transaction.atomic():
        patient = Patient(clinic=clinic, mrn=mrn or _next_mrn(clinic), **fields)
        patient.full_clean()
        patient.save()
        audit.record(
            _entry(
                AuditAction.CREATE,
                patient,
                changes=audit.diff({}, audit.field_values(patient, ("mrn", *DEMOGRAPHIC_FIELDS))),
            ),
            actor,
        )
        return patient


def patient_update(*, actor: Actor, patient: Patient, **fields: Any) -> Patient:
    actor.demand(Perm.PATIENT_EDIT, patient.clinic)
    _known_demographics(fields)
    with transaction.atomic():
        # Lock and re-read: two people editing at once queue, and the diff is against the row.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        patient.refresh_from_db()
        changes = audit.assign_and_diff(patient, DEMOGRAPHIC_FIELDS, fields)
        if changes:
            patient.save()
            audit.record(
                _entry(AuditAction.UPDATE, patient, changes=changes),
                actor,
            )
        return patient


def patient_account_create(
    *, actor: Actor, patient: Patient, email: str, password: str | None
) -> PatientAccount:
    """Give a patient a portal sign-in linked to their record."""
    actor.demand(Perm.PATIENT_EDIT, patient.clinic)
    with transaction.atomic():
        name = f"{patient.given_name} {patient.family_name}"
        user = user_create(actor=actor, email=email, full_name=name, password=password)
        account = PatientAccount.objects.create(user=user, patient=patient)
        audit.record(
            audit.AuditEntry(
                action=AuditAction.CREATE,
                object_type="patient_account",
                object_id=str(user.public_id),
                clinic_id=patient.clinic.public_id,
                patient_id=patient.public_id,
                changes={"email": user.email},
            ),
            actor,
        )
        return account


def patient_chart_read(*, actor: Actor, patient: Patient, via: str = "web") -> None:
    """Record that `actor` opened this chart (HIPAA: every read of a chart is audited)."""
    actor.demand(Perm.PATIENT_VIEW, patient.clinic)
    with transaction.atomic():
        audit.record(_entry(AuditAction.READ, patient, changes={"via": via}), actor)


def patient_access_denied(*, actor: Actor, public_id: uuid.UUID, via: str = "web") -> None:
    """Record a request for a patient the actor may not see; the caller answers 404."""
    access_denied(actor=actor, model=Patient, public_id=public_id, via=via)


def _add_entry(
    actor: Actor, entry: ChartEntry, fields: tuple[str, ...], perm: Perm = Perm.CHART_RECORD
) -> Any:
    actor.demand(perm, entry.clinic)
    with transaction.atomic():
        entry.full_clean()
        entry.save()
        audit.record(
            _entry(
                AuditAction.CREATE, entry, changes=audit.diff({}, audit.field_values(entry, fields))
            ),
            actor,
        )
        return entry


def measurement_record(
    *,
    actor: Actor,
    patient: Patient,
    measured_at: datetime,
    weight_kg: Decimal,
    height_cm: Decimal | None = None,
) -> BodyMeasurement:
    entry = BodyMeasurement(
        patient=patient,
        clinic=patient.clinic,
        recorded_by=person_of(actor),
        measured_at=measured_at,
        weight_kg=weight_kg,
        height_cm=height_cm,
    )
    return _add_entry(actor, entry, ("measured_at", "weight_kg", "height_cm"))  # type: ignore[no-any-return]


def allergy_record(
    *, actor: Actor, patient: Patient, substance: str, reaction: str = "", severity: str = "unknown"
) -> Allergy:
    entry = Allergy(
        patient=patient,
        clinic=patient.clinic,
        recorded_by=person_of(actor),
        substance=substance,
        reaction=reaction,
        severity=severity,
    )
    return _add_entry(actor, entry, ("substance", "reaction", "severity"))  # type: ignore[no-any-return]


def medication_record(
    *,
    actor: Actor,
    patient: Patient,
    name: str,
    dose: str = "",
    frequency: str = "",
    started_on: Any = None,
    stopped_on: Any = None,
    rems_class: str = "",
) -> Medication:
    entry = Medication(
        patient=patient,
        clinic=patient.clinic,
        recorded_by=person_of(actor),
        name=name,
        dose=dose,
        frequency=frequency,
        started_on=started_on,
        stopped_on=stopped_on,
        rems_class=rems_class,
    )
    fields = ("name", "dose", "frequency", "started_on", "stopped_on", "rems_class")
    return _add_entry(actor, entry, fields)  # type: ignore[no-any-return]


def diagnosis_record(
    *, actor: Actor, patient: Patient, system: str, code: str, onset_on: Any = None
) -> Diagnosis:
    if system not in CodeSystem.values:
        raise ValidationError({"system": f"Use one of: {', '.join(CodeSystem.values)}."})
    term = _DIAGNOSIS_TERMS.get((system, code))
    if term is None:
        allowed = ", ".join(c for s, c, _ in codes.DIAGNOSES if s == system)
        raise ValidationError(
            {
                "code": f"{code!r} is not a known {CodeSystem(system).label} "
                f"depression code. Allowed: {allowed}."
            }
        )
    entry = Diagnosis(
        patient=patient,
        clinic=patient.clinic,
        recorded_by=person_of(actor),
        system=system,
        code=code,
        term=term,
        onset_on=onset_on,
    )
    fields = ("system", "code", "term", "onset_on")
    return _add_entry(actor, entry, fields, Perm.DIAGNOSIS_RECORD)  # type: ignore[no-any-return]


def chart_entry_mark_error(*, actor: Actor, entry: ChartEntry, reason: str) -> ChartEntry:
    """A chart's own entry (measurement, allergy, medication, diagnosis) struck out: the
    diagnosis by whoever may record one, the rest by whoever records on the chart."""
    perm = Perm.DIAGNOSIS_RECORD if isinstance(entry, Diagnosis) else Perm.CHART_RECORD
    return entry_mark_error(actor=actor, entry=entry, reason=reason, perm=perm)


def entry_mark_error(*, actor: Actor, entry: ChartEntry, reason: str, perm: Perm) -> ChartEntry:
    """Corrections never delete: the row stays, marked entered-in-error with the reason. `perm`
    is the permission that records this kind of entry (the intake's, the assessment's, the
    chair's), so whoever may record an entry may also strike out their mistake."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this entry is wrong (required)."})
    limit = ChartEntry._meta.get_field("error_reason").max_length
    if limit is not None and len(reason) > limit:
        raise ValidationError(
            {"reason": f"Keep the reason to {limit} characters (it has {len(reason)})."}
        )
    if entry.entered_in_error:
        raise ValidationError({"reason": "This entry is already marked entered in error."})
    actor.demand(perm, entry.clinic)
    with transaction.atomic():
        entry.entered_in_error, entry.error_reason = True, reason
        entry.save(update_fields=["entered_in_error", "error_reason", "updated_at"])
        audit.record(
            _entry(
                AuditAction.CORRECT,
                entry,
                changes={"entered_in_error": {"old": False, "new": True}, "reason": reason},
            ),
            actor,
        )
        return entry
