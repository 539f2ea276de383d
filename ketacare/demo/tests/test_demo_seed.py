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


def test_seeding_adds_intakes_baseline_scales_and_signed_decisions() -> None:
    from ketacare.assessments.models import Assessment
    from ketacare.screening.models import EligibilityDecision, Intake

    seed(progress=lambda _line: None)
    assert Intake.objects.filter(eligibility_decisions__isnull=True).exists()
    decisions = set(EligibilityDecision.objects.values_list("decision", flat=True))
    assert {"eligible", "not_eligible"} <= decisions
    assert EligibilityDecision.objects.filter(status="ineligible").count() == 2
    assert Assessment.objects.filter(instrument="cssrs_screener").exists()
    assert verify_chains() == []


def test_seeding_adds_protocol_versions_and_courses_in_every_state() -> None:
    from ketacare.treatment.models import ProtocolVersion, TreatmentCourse

    seed(progress=lambda _line: None)
    assert ProtocolVersion.objects.filter(is_builtin=False, locked_at__isnull=False).exists()
    states = set(TreatmentCourse.objects.values_list("route", "status"))
    assert {("iv", "active"), ("esketamine_nasal", "active")} <= states
    assert {"paused", "ended"} <= {status for _route, status in states}
    esketamine = TreatmentCourse.objects.filter(route="esketamine_nasal", status="active").first()
    assert esketamine is not None
    assert esketamine.rems_enrolled_on is not None
    assert esketamine.sessions.filter(stage="maintenance").exists()
    assert verify_chains() == []
