"""Portal accounts: a patient's own sign-in, linked to their record, seeing no staff pages."""

import pytest

from conftest import World, client_for
from ketacare.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_portal_account_is_linked_to_the_record_and_audited(world: World) -> None:
    assert world.paula_user.patient_account.patient == world.patient
    created = AuditEvent.objects.get(object_type="patient_account")
    assert (created.patient_id, created.actor_email) == (
        world.patient.public_id,
        "nina@harbor.test",
    )


def test_a_patient_signed_in_to_the_portal_cannot_open_staff_pages(world: World) -> None:
    client = client_for(world.paula_user)
    assert "Harbor Clinic" in client.get("/").content.decode()
    response = client.get(f"/patients/{world.patient.public_id}/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role may not open this page" in page
    assert "Emergency contact" not in page
