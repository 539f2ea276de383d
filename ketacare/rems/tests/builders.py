"""REMS-form set-up through the services: a clinic with its contact details, and an
esketamine session taken from check-in to discharge."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Clinic, Role
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import cleared, monitored
from ketacare.patients.models import Patient
from ketacare.rems.prefill import treatment_start
from tests.factories import ClinicFactory, PatientFactory, staff

CONTACT = {
    "phone": "555-0100",
    "email": "front@bay.test",
    "address_line1": "1 Bay Street",
    "city": "Boston",
    "state": "MA",
    "postal_code": "02110",
}


@dataclass(frozen=True)
class Bay:
    """A clinic whose address and contact fill the form's setting and HCP sections."""

    clinic: Clinic
    nurse: StaffActor
    prescriber: StaffActor
    admin: StaffActor
    patient: Patient


def bay_clinic(zone: str = "America/New_York") -> Bay:
    clinic = ClinicFactory.create(name="Bay Clinic", slug="bay", timezone=zone, **CONTACT)
    nurse = staff(clinic, Role.NURSE, email="nora@bay.test", full_name="Nora Lind")
    return Bay(
        clinic=clinic,
        nurse=nurse,
        prescriber=staff(clinic, Role.PRESCRIBER, email="pat@bay.test", full_name="Pat Kim"),
        admin=staff(clinic, Role.CLINIC_ADMIN, email="abe@bay.test", full_name="Abe Stone"),
        patient=PatientFactory.create(
            clinic=clinic, actor=nurse, given_name="Ellen", family_name="Ortiz", sex="female"
        ),
    )


def discharged(patient: Patient, *, nurse: StaffActor, prescriber: StaffActor) -> DosingSession:
    """Esketamine 56 mg, two devices from 130 minutes ago, the three REMS BPs, MOAA/S 5 and
    CADSS-6 0, discharged now by the nurse."""
    session = cleared(patient, nurse=nurse, prescriber=prescriber)
    return discharge_now(monitored(session, nurse, minutes_ago=130), nurse)


def discharge_now(session: DosingSession, nurse: StaffActor) -> DosingSession:
    return session_discharge(
        actor=nurse,
        session=session,
        vitals_acceptable=True,
        clinician_confirms=True,
        no_driving_instruction_given=True,
    )


def treated_on(session: DosingSession) -> dt.date:
    """The treatment's date at the clinic (the first device's day)."""
    zone = zoneinfo.ZoneInfo(session.clinic.timezone)
    return timezone.localtime(treatment_start(session), zone).date()


def days_left(session: DosingSession) -> int:
    """What the forms-due list should say: the 7 calendar days from the treatment's date."""
    return 7 - (session.clinic.today() - treated_on(session)).days


def just_after_midnight() -> str:
    """A time zone whose clock now reads 01:xx, so a dose 130 minutes ago was yesterday there."""
    hours = (1 - timezone.now().hour) % 24
    hours = hours - 24 if hours > 14 else hours
    return f"Etc/GMT{-hours:+d}"  # the Etc zones' sign is inverted: Etc/GMT-5 is UTC+5
