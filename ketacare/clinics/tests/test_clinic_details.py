"""The clinic's own details, kept by its admin: the REMS form's setting and contact."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import World, client_for
from ketacare.clinics.models import Clinic
from ketacare.clinics.services import clinic_update
from ketacare.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Harbor Clinic",
    "phone": "555-0199",
    "email": "desk@harbor.test",
    "address_line1": "9 Pier Road",
    "address_line2": "",
    "city": "Boston",
    "state": "MA",
    "postal_code": "02111",
}


def test_a_clinic_admin_changes_the_address_and_the_change_is_audited(world: World) -> None:
    response = client_for(world.ada).post(reverse("clinic_details"), DETAILS)
    assert response.status_code == 302
    clinic = Clinic.objects.get(pk=world.harbor.pk)
    assert (clinic.address_line1, clinic.postal_code, clinic.phone) == (
        "9 Pier Road",
        "02111",
        "555-0199",
    )
    event = AuditEvent.objects.filter(object_type="clinic", action=AuditAction.UPDATE).get()
    assert event.changes["address_line1"] == {"old": "1 Harbor Way", "new": "9 Pier Road"}
    assert event.actor_id == world.ada.user.pk


def test_a_bad_email_names_the_field_and_keeps_what_was_typed(world: World) -> None:
    page = client_for(world.ada).post(reverse("clinic_details"), DETAILS | {"email": "nope"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enter a valid email address." in text
    assert 'value="9 Pier Road"' in text
    assert Clinic.objects.get(pk=world.harbor.pk).address_line1 == "1 Harbor Way"


def test_only_the_clinic_admin_keeps_the_clinic_details(world: World) -> None:
    assert client_for(world.nina).get(reverse("clinic_details")).status_code == 403
    with pytest.raises(PermissionDenied):
        clinic_update(actor=world.pia, clinic=world.harbor, phone="555-0000")


def test_the_time_zone_is_not_a_detail_an_admin_changes(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        clinic_update(actor=world.ada, clinic=world.harbor, timezone="Europe/Oslo")
    assert "timezone" in raised.value.message_dict
    assert Clinic.objects.get(pk=world.harbor.pk).timezone == world.harbor.timezone
