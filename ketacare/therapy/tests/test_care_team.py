"""A patient's care team: who is on it, who is primary, and what the record keeps."""

import pytest
from django.core.exceptions import ValidationError

from conftest import Clock, World, client_for
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Role
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.dosing.tests.builders import checked_in
from ketacare.therapy.care_team import care_team_add, care_team_end, care_team_make_primary
from ketacare.therapy.models import CareTeamMember
from ketacare.therapy.queries import current_team, past_team
from ketacare.therapy.tests.builders import summit_therapist
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _nurse_two(world: World) -> StaffActor:
    return staff(world.harbor, Role.NURSE, email="noor@harbor.test", full_name="Noor Second")


def test_the_first_clinician_of_a_role_is_its_primary_and_a_new_primary_takes_over(
    world: World,
) -> None:
    noor = _nurse_two(world)
    first = care_team_add(actor=world.pia, patient=world.patient, member=world.nina.user,
                          team_role="nurse")  # fmt: skip
    second = care_team_add(actor=world.pia, patient=world.patient, member=noor.user,
                           team_role="nurse")  # fmt: skip
    assert (first.is_primary, second.is_primary) == (True, False)
    care_team_make_primary(actor=world.ada, place=second)
    team = {place.member.full_name: place.is_primary for place in current_team(world.patient)}
    assert team == {"Nina Nurse": False, "Noor Second": True}


def test_a_clinician_joins_a_team_only_in_their_own_role_at_the_patients_clinic(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as nurse_as_therapist:
        care_team_add(actor=world.pia, patient=world.patient, member=world.nina.user,
                      team_role="therapist")  # fmt: skip
    assert nurse_as_therapist.value.message_dict == {
        "member": ["Choose a therapist who works at this clinic."]
    }
    tess = summit_therapist(world)
    with pytest.raises(ValidationError):
        care_team_add(actor=world.pia, patient=world.patient, member=tess.user,
                      team_role="therapist")  # fmt: skip
    with pytest.raises(ValidationError) as unknown:
        care_team_add(actor=world.pia, patient=world.patient, member=world.theo.user,
                      team_role="healer")  # fmt: skip
    assert unknown.value.message_dict == {
        "team_role": ["Choose one of: prescriber, nurse, therapist."]
    }
    assert not CareTeamMember.objects.exists()


def test_adding_a_clinician_already_on_the_team_keeps_their_one_place(world: World) -> None:
    noor = _nurse_two(world)
    care_team_add(actor=world.pia, patient=world.patient, member=world.nina.user,
                  team_role="nurse")  # fmt: skip
    place = care_team_add(actor=world.pia, patient=world.patient, member=noor.user,
                          team_role="nurse")  # fmt: skip
    writes = AuditEvent.objects.filter(object_type="careteammember").count()
    again = care_team_add(actor=world.pia, patient=world.patient, member=noor.user,
                          team_role="nurse")  # fmt: skip
    assert again == place
    assert AuditEvent.objects.filter(object_type="careteammember").count() == writes
    care_team_add(actor=world.pia, patient=world.patient, member=noor.user, team_role="nurse",
                  primary=True)  # fmt: skip
    assert [(p.member.full_name, p.is_primary) for p in current_team(world.patient)] == [
        ("Noor Second", True),
        ("Nina Nurse", False),
    ]


def test_when_the_primary_leaves_the_longest_serving_takes_over_and_the_record_keeps_both(
    world: World,
) -> None:
    noor = _nurse_two(world)
    nina = care_team_add(actor=world.pia, patient=world.patient, member=world.nina.user,
                         team_role="nurse")  # fmt: skip
    care_team_add(actor=world.pia, patient=world.patient, member=noor.user, team_role="nurse")
    with pytest.raises(ValidationError) as blank:
        care_team_end(actor=world.pia, place=nina, reason="  ")
    assert list(blank.value.message_dict) == ["reason"]
    care_team_end(actor=world.pia, place=nina, reason="Moved to nights")
    assert [(p.member.full_name, p.is_primary) for p in current_team(world.patient)] == [
        ("Noor Second", True)
    ]
    assert [(p.member.full_name, p.end_reason) for p in past_team(world.patient)] == [
        ("Nina Nurse", "Moved to nights")
    ]
    with pytest.raises(ValidationError):
        care_team_end(actor=world.pia, place=nina, reason="Again")


def test_each_change_to_the_team_is_audited_on_the_patients_record(world: World) -> None:
    place = care_team_add(actor=world.ada, patient=world.patient, member=world.theo.user,
                          team_role="therapist")  # fmt: skip
    care_team_end(actor=world.nina, place=place, reason="Patient asked for another therapist")
    events = AuditEvent.objects.filter(object_type="careteammember", object_id=place.public_id)
    assert [(e.action, e.actor_email) for e in events.order_by("seq")] == [
        (AuditAction.CREATE, "ada@harbor.test"),
        (AuditAction.UPDATE, "nina@harbor.test"),
    ]
    assert {e.patient_id for e in events} == {world.patient.public_id}
    assert events.order_by("seq").last().changes["end_reason"]["new"] == (  # type: ignore[union-attr]
        "Patient asked for another therapist"
    )


def test_the_care_team_page_adds_a_clinician_and_the_chart_shows_the_team(world: World) -> None:
    client = client_for(world.nina)
    page = client.get(f"/patients/{world.patient.public_id}/care-team/")
    assert page.status_code == 200
    theo = world.theo.active
    assert theo is not None
    response = client.post(
        f"/patients/{world.patient.public_id}/care-team/add/", {"membership": theo.pk}
    )
    assert response.status_code == 302
    chart = client.get(f"/patients/{world.patient.public_id}/").content.decode()
    assert "Therapist: <strong>Theo Therapist</strong>" in chart
    assert "Primary" in chart


def test_my_patients_lists_only_my_current_places_and_the_read_names_them(world: World) -> None:
    client = client_for(world.theo)
    assert "on no patient" in client.get("/my-patients/").content.decode()
    place = care_team_add(actor=world.pia, patient=world.patient, member=world.theo.user,
                          team_role="therapist")  # fmt: skip
    page = client.get("/my-patients/").content.decode()
    assert "Paula Rivera" in page
    assert "Therapist (primary)" in page
    read = AuditEvent.objects.filter(object_type="caseload").get()
    assert read.changes["patients"] == [str(world.patient.public_id)]
    care_team_end(actor=world.pia, place=place, reason="Course finished")
    assert "Paula Rivera" not in client.get("/my-patients/").content.decode()


def test_the_chair_board_names_the_primaries_of_each_patients_team(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(12)
    checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    for member, role in ((world.theo, "therapist"), (world.nina, "nurse")):
        care_team_add(actor=world.pia, patient=world.patient, member=member.user, team_role=role)
    board = client_for(world.nina).get("/sessions/board/").content.decode()
    assert "Nurse: Nina Nurse, Therapist: Theo Therapist" in board
