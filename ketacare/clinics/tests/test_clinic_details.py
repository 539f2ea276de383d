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


CARE = {
    "care": "1",
    "crisis_line": "988, or the county line 555-0111",
    "alert_escalation_minutes": "30",
    "reminder_points": "0, 25, 75",
    "reminder_max": "3",
    "quiet_from": "20:00",
    "quiet_until": "09:00",
}


def test_a_clinic_admin_sets_the_crisis_line_escalation_and_reminders_audited(
    world: World,
) -> None:
    response = client_for(world.ada).post(reverse("clinic_details"), CARE)
    assert response.status_code == 302
    clinic = Clinic.objects.get(pk=world.harbor.pk)
    assert clinic.crisis_line == "988, or the county line 555-0111"
    assert (clinic.alert_escalation_minutes, clinic.reminder_max) == (30, 3)
    assert clinic.reminder_points == [0, 25, 75]
    assert (clinic.quiet_from.hour, clinic.quiet_until.hour) == (20, 9)
    event = AuditEvent.objects.filter(object_type="clinic", action=AuditAction.UPDATE).get()
    assert event.changes["reminder_points"] == {"old": [0, 50], "new": [0, 25, 75]}
    assert event.changes["quiet_from"] == {"old": "21:00:00", "new": "20:00:00"}
    assert clinic.address_line1 == "1 Harbor Way"  # the other form's fields are untouched


def test_the_care_settings_page_shows_the_points_as_typed_by_people(world: World) -> None:
    page = client_for(world.ada).get(reverse("clinic_details")).content.decode()
    assert 'value="0, 50"' in page
    assert 'value="21:00"' in page
    assert "Save care settings" in page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("reminder_points", "0, 120", "Give whole per cents from 0 (when it opens) to 99"),
        ("reminder_points", "half", "Give whole per cents from 0 (when it opens) to 99"),
        ("alert_escalation_minutes", "2", "Escalate after 5 to 1440 minutes."),
        ("reminder_max", "9", "Send at most 5 reminders per questionnaire."),
        ("quiet_from", "25:00", "Enter a valid time."),
    ],
)
def test_a_bad_care_setting_names_the_field_and_keeps_what_was_typed(
    world: World, field: str, typed: str, message: str
) -> None:
    page = client_for(world.ada).post(reverse("clinic_details"), CARE | {field: typed})
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text
    assert f'value="{typed}"' in text
    assert 'value="988, or the county line 555-0111"' in text
    assert Clinic.objects.get(pk=world.harbor.pk).crisis_line.startswith("988 (Suicide")
