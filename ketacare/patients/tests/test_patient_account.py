"""Portal accounts: a patient's own sign-in, linked to their record, seeing no staff pages."""

import pytest

from conftest import World, client_for
from ketacare.core.actors import ActorKind
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_portal_account_is_linked_to_the_record_and_audited(world: World) -> None:
    assert world.paula_user.patient_account.patient == world.patient
    created = AuditEvent.objects.get(object_type="patient_account")
    assert (created.patient_id, created.actor_email) == (
        world.patient.public_id,
        "nina@harbor.test",
    )


def test_a_patient_signed_in_to_the_portal_finds_no_staff_page_not_even_their_own_chart(
    world: World,
) -> None:
    client = client_for(world.paula)
    assert client.get("/").url == "/portal/"  # type: ignore[attr-defined]
    response = client.get(f"/patients/{world.patient.public_id}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Emergency contact" not in page
    assert world.patient.mrn not in page
    denied = AuditEvent.objects.get(outcome=AuditOutcome.DENIED)
    assert (denied.actor_kind, denied.object_type) == (ActorKind.PATIENT, "staff_page")


def test_signing_in_is_audited_with_the_kind_of_account(world: World) -> None:
    for who in (world.paula, world.nina):
        assert (
            client_for(None)
            .post("/accounts/login/", {"username": who.user.email, "password": PASSWORD})
            .status_code
            == 302
        )
    logins = AuditEvent.objects.filter(action=AuditAction.LOGIN).order_by("seq")
    assert [(e.actor_email, e.actor_kind) for e in logins] == [
        ("paula@example.test", ActorKind.PATIENT),
        ("nina@harbor.test", ActorKind.STAFF),
    ]
