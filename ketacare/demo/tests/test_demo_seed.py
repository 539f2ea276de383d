"""The demo network: enough to explore every screen, and safe to seed twice."""

import pytest

from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.core.audit import verify_chains
from ketacare.demo.seed import seed
from ketacare.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_seeding_creates_two_clinics_every_role_and_forty_patients() -> None:
    assert seed(progress=lambda _line: None)
    assert Clinic.objects.count() == 2
    for clinic in Clinic.objects.all():
        roles = set(Membership.objects.filter(clinic=clinic).values_list("role", flat=True))
        assert roles == set(Role.values)
    assert Patient.objects.count() >= 40
    patient = Patient.objects.first()
    assert patient is not None
    assert patient.measurements.exists()
    assert patient.diagnoses.exists()
    assert verify_chains() == []


def test_seeding_again_changes_nothing() -> None:
    seed(progress=lambda _line: None)
    count = Patient.objects.count()
    assert not seed(progress=lambda _line: None)
    assert Patient.objects.count() == count
