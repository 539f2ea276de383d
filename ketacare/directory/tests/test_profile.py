"""A clinic admin drafts the public profile, previews it, publishes and withdraws it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Clock, World
from ketacare.clinics.models import Role
from ketacare.core.models import AuditEvent
from ketacare.directory.models import ClinicProfile
from ketacare.directory.profile import profile_publish, profile_update, profile_withdraw
from ketacare.directory.tests.builders import WEEKDAY_HOURS, membership, published
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_public_until_it_is_published_and_then_as_it_stood(world: World) -> None:
    profile_update(actor=world.ada, clinic=world.harbor, description="Calm rooms.",
                   protocol_codes=["iv_ketamine_twice_weekly"])  # fmt: skip
    assert ClinicProfile.objects.get().live is None
    profile = profile_publish(actor=world.ada, clinic=world.harbor)
    assert profile.live is not None
    assert (profile.live["description"], profile.live["routes"]) == ("Calm rooms.", ["iv"])
    profile_update(actor=world.ada, clinic=world.harbor, description="Changed, not published.")
    kept = ClinicProfile.objects.get().live
    assert kept is not None
    assert kept["description"] == "Calm rooms."


def test_publishing_needs_the_clinics_city_a_description_and_a_protocol(world: World) -> None:
    summit_admin = staff(world.summit, Role.CLINIC_ADMIN)
    with pytest.raises(ValidationError) as refused:
        profile_publish(actor=summit_admin, clinic=world.summit)
    assert set(refused.value.message_dict) == {
        "city", "state", "phone", "description", "protocol_codes",
    }  # fmt: skip
    assert "Give the clinic's city on Clinic details" in refused.value.message_dict["city"][0]
    assert not ClinicProfile.objects.filter(clinic=world.summit).exists()


def test_a_clinic_that_offers_esketamine_must_say_it_is_a_certified_rems_setting(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as refused:
        profile_update(actor=world.ada, clinic=world.harbor, protocol_codes=["esketamine_trd"])
    assert "certified SPRAVATO REMS" in refused.value.message_dict["rems_certified"][0]
    profile = profile_update(actor=world.ada, clinic=world.harbor,
                             protocol_codes=["esketamine_trd"], rems_certified=True)  # fmt: skip
    assert profile.protocol_codes == ["esketamine_trd"]


def test_a_built_in_template_cannot_be_offered_until_the_clinic_makes_its_own_version(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as refused:
        profile_update(actor=world.ada, clinic=world.harbor, protocol_codes=["oral_ketamine"])
    assert "template" in refused.value.message_dict["protocol_codes"][0]
    with pytest.raises(ValidationError) as unknown:
        profile_update(actor=world.ada, clinic=world.harbor, protocol_codes=["lsd_microdose"])
    assert unknown.value.message_dict == {
        "protocol_codes": ["Choose protocols from the clinic's library."]
    }


def test_bad_hours_and_languages_are_refused_naming_the_day_and_the_choices(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as refused:
        profile_update(actor=world.ada, clinic=world.harbor, hours={"2": ["17:00", "08:00"]},
                       languages=["klingon"])  # fmt: skip
    errors = refused.value.message_dict
    assert errors["hours"] == ["Wednesday: the clinic must close after it opens."]
    assert errors["languages"][0].startswith("Choose from: English, Spanish")
    assert not ClinicProfile.objects.filter(hours__has_key="2").exists()


def test_only_the_clinic_admin_keeps_the_profile_and_only_with_the_clinics_staff(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        profile_update(actor=world.nina, clinic=world.harbor, description="Nurse edit")
    with pytest.raises(PermissionDenied):
        profile_update(actor=world.ada, clinic=world.summit, description="Not my clinic")
    with pytest.raises(ValidationError) as foreign:
        profile_update(actor=world.ada, clinic=world.harbor, team=[membership(world.sol)])
    assert foreign.value.message_dict == {"team": ["Choose people who work at this clinic."]}


def test_every_change_and_publication_is_audited_with_old_and_new_values(world: World) -> None:
    published(world)
    profile_update(
        actor=world.ada, clinic=world.harbor, telehealth=True, team=[membership(world.pia)]
    )
    events = AuditEvent.objects.filter(object_type="clinicprofile").order_by("seq")
    changes = [event.changes for event in events]
    assert changes[1] == {"published": "listed"}
    assert changes[2]["telehealth"] == {"old": False, "new": True}
    assert changes[2]["team"] == {"old": [], "new": [str(membership(world.pia).public_id)]}
    assert {event.actor_email for event in events} == {"ada@harbor.test"}


def test_withdrawing_needs_a_reason_and_takes_the_clinic_out_of_the_directory(
    world: World, clock: Clock
) -> None:
    published(world, hours=WEEKDAY_HOURS)
    with pytest.raises(ValidationError):
        profile_withdraw(actor=world.ada, clinic=world.harbor, reason="  ")
    clock.advance(minutes=5)
    profile = profile_withdraw(actor=world.ada, clinic=world.harbor, reason="Moving premises")
    assert profile.live is None
    assert profile.published_at is not None
    with pytest.raises(ValidationError) as again:
        profile_withdraw(actor=world.ada, clinic=world.harbor, reason="Twice")
    assert again.value.message_dict == {"published": ["The profile is not published."]}
    last = AuditEvent.objects.filter(object_type="clinicprofile").order_by("-seq").first()
    assert last is not None
    assert last.changes == {"published": "withdrawn", "reason": "Moving premises"}
