"""The protocol library: built-ins copied from the core, clinic versions, immutability."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare import clinical
from ketacare.clinics.models import Clinic
from ketacare.clinics.services import clinic_created
from ketacare.core.models import AuditEvent
from ketacare.treatment.definitions import protocol_from_dict, protocol_to_dict
from ketacare.treatment.library import (
    protocol_library_sync,
    protocol_version_create,
    protocol_version_update,
    sync_new_clinic,
)
from ketacare.treatment.models import ProtocolVersion
from ketacare.treatment.queries import protocol_of
from ketacare.treatment.tests.builders import builtin, started_course
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", list(clinical.PROTOCOLS))
def test_a_stored_protocol_rebuilds_into_the_same_core_protocol(code: str) -> None:
    protocol = clinical.PROTOCOLS[code]
    assert protocol_from_dict(protocol_to_dict(protocol)) == protocol


def test_a_new_clinic_starts_with_every_built_in_protocol_copied_by_a_task(world: World) -> None:
    builtins = ProtocolVersion.objects.filter(clinic=world.harbor, is_builtin=True)
    assert builtins.count() == len(clinical.PROTOCOLS) == 7
    copied = AuditEvent.objects.filter(object_type="protocolversion", chain=world.harbor.public_id)
    assert {(e.actor_kind, e.actor_task) for e in copied} == {("system", "protocol library")}
    assert protocol_library_sync(actor=world.task(), clinic=world.harbor) == 0


@pytest.fixture
def older_clinic(world: World) -> Iterator[Clinic]:
    """A clinic created before a release brought its built-in protocols."""
    clinic_created.disconnect(dispatch_uid="treatment.sync_new_clinic")
    try:
        yield ClinicFactory.create(name="Older Clinic", slug="older")
    finally:
        clinic_created.connect(sync_new_clinic, dispatch_uid="treatment.sync_new_clinic")


def test_the_command_copies_missing_built_ins_into_every_clinic_once(older_clinic: Clinic) -> None:
    out = io.StringIO()
    call_command("syncprotocols", stdout=out)
    assert "Older Clinic: 7 built-in protocol versions added" in out.getvalue()
    assert "Harbor Clinic: 0 built-in protocol versions added" in out.getvalue()
    assert ProtocolVersion.objects.filter(clinic=older_clinic, is_builtin=True).count() == 7
    call_command("syncprotocols", stdout=out)
    assert ProtocolVersion.objects.filter(clinic=older_clinic, is_builtin=True).count() == 7


def test_staff_other_than_the_clinic_admin_may_not_sync_the_library(world: World) -> None:
    with pytest.raises(PermissionDenied):
        protocol_library_sync(actor=world.nina, clinic=world.harbor)
    with pytest.raises(PermissionDenied):
        protocol_library_sync(actor=world.task(), clinic=world.summit)
    assert protocol_library_sync(actor=world.ada, clinic=world.harbor) == 0


def test_reading_the_library_writes_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as reads:
        assert client_for(world.ada).get("/protocols/").status_code == 200
        assert client_for(world.ada).get("/api/v1/protocols").status_code == 200
    writes = [q["sql"] for q in reads.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert [sql for sql in writes if "treatment_" in sql] == []


def test_a_clinic_admin_makes_an_im_version_with_clinic_vital_limits(world: World) -> None:
    base = builtin(world.harbor, "im_ketamine")
    created = protocol_version_create(
        actor=world.ada,
        base=base,
        change_note="Our IM regimen",
        dose_mg_per_kg=0.25,
        weight_basis="adjusted",
        max_dose_mg=40.0,
        in_session_sbp_max=180.0,
        in_session_spo2_min=94.0,
        min_observation_min=60,
        phase_induction_weeks=4,
    )
    protocol = protocol_of(created)
    assert (created.version, created.based_on) == (2, "im_ketamine@v1")
    assert protocol.dose_rule.weight_basis == "adjusted"
    assert protocol.dose_rule.max_mg == 40.0
    assert protocol.monitoring.in_session_thresholds.sbp_max == 180.0
    assert protocol.monitoring.min_observation_min == 60
    assert protocol.phases[0].weeks == 4
    event = AuditEvent.objects.filter(object_id=str(created.public_id)).get()
    assert event.changes["settings"]["dose_mg_per_kg"] == 0.25


def test_only_a_clinic_admin_manages_the_library(world: World) -> None:
    base = builtin(world.harbor, "im_ketamine")
    for user in (world.pia, world.nina, world.fran, world.sol):
        with pytest.raises(PermissionDenied):
            protocol_version_create(actor=user, base=base, name="Not mine")


def test_a_version_used_by_a_course_cannot_change_but_a_new_version_can_be_made(
    world: World,
) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    draft = protocol_version_create(actor=world.ada, base=base, dose_mg_per_kg=0.6)
    draft = protocol_version_update(actor=world.ada, version=draft, dose_mg_per_kg=0.7)
    assert protocol_of(draft).dose_rule.mg_per_kg == 0.7
    assert protocol_of(draft).based_on == "iv_ketamine_twice_weekly@v1"
    started_course(world.patient, nurse=world.nina, prescriber=world.pia, version=draft)
    draft.refresh_from_db()
    assert draft.locked_at is not None
    with pytest.raises(ValidationError, match="in use by a course"):
        protocol_version_update(actor=world.ada, version=draft, dose_mg_per_kg=0.8)
    with pytest.raises(ValidationError, match="built-in protocol is never changed"):
        protocol_version_update(actor=world.ada, version=base, dose_mg_per_kg=0.8)
    newer = protocol_version_create(actor=world.ada, base=draft, dose_mg_per_kg=0.8)
    assert newer.version == 3
    assert protocol_of(draft).dose_rule.mg_per_kg == 0.7


def test_bad_settings_name_the_setting_and_the_allowed_values(world: World) -> None:
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    trd = builtin(world.harbor, "esketamine_trd")
    cases: list[tuple[ProtocolVersion, dict[str, Any], str, str]] = [
        (iv, {"in_session_spo2_min": 120.0}, "in_session_spo2_min", "from 20 to 100"),
        (iv, {"in_session_hr_min": 130.0, "in_session_hr_max": 120.0}, "in_session_hr_min", ""),
        (iv, {"dose_mg_per_kg": 12.0}, "dose_mg_per_kg", "more than 0 to 10"),
        (iv, {"weight_basis": "lean"}, "weight_basis", "'actual', 'ideal', 'adjusted'"),
        (iv, {"phase_induction_sessions_per_week": 9}, "phase_induction_sessions_per_week", ""),
        (trd, {"min_observation_min": 60}, "min_observation_min", "120 to 1440"),
        (trd, {"dose_mg_per_kg": 0.5}, "dose_mg_per_kg", "Not a setting"),
    ]
    for base, changes, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            protocol_version_create(actor=world.ada, base=base, **changes)
        assert field in refused.value.message_dict, changes
        assert words in refused.value.message_dict[field][0]
    assert ProtocolVersion.objects.filter(is_builtin=False).count() == 0


def test_the_new_version_page_keeps_what_was_typed_and_names_the_field(world: World) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    url = f"/protocols/{base.public_id}/new-version/"
    page = client_for(world.ada).get(url)
    assert page.status_code == 200
    data = {"name": "Harbor IV", "dose_mg_per_kg": "0.5", "weight_basis": "actual"}
    data |= {"in_session_sbp_max": "400", "phase_induction_sessions_per_week": "2"}
    refused = client_for(world.ada).post(url, data)
    assert refused.status_code == 200
    assert "from 40 to 300" in refused.content.decode()
    assert 'value="Harbor IV"' in refused.content.decode()
    data["in_session_sbp_max"] = "180"
    saved = client_for(world.ada).post(url, data)
    assert saved.status_code == 302
    assert ProtocolVersion.objects.get(name="Harbor IV").version == 2


def _list_queries(world: World) -> int:
    client = client_for(world.nina)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/protocols/").status_code == 200
    return len(captured)


def test_the_protocol_list_costs_the_same_however_many_versions(world: World) -> None:
    base = builtin(world.harbor, "oral_ketamine")
    protocol_version_create(actor=world.ada, base=base, name="Oral A")
    small = _list_queries(world)
    for number in range(12):
        protocol_version_create(actor=world.ada, base=base, name=f"Oral {number}")
    assert _list_queries(world) == small
    assert small <= 15


def test_another_clinics_protocol_is_not_found_and_the_attempt_is_audited(world: World) -> None:
    theirs = builtin(world.summit, "esketamine_trd")
    assert client_for(world.nina).get(f"/protocols/{theirs.public_id}/").status_code == 404
    api = client_for(world.nina).get(f"/api/v1/protocols/{theirs.public_id}")
    assert api.status_code == 404
    denied = AuditEvent.objects.filter(object_id=str(theirs.public_id), outcome="denied")
    assert denied.count() == 2
    assert denied.first().clinic_id == world.summit.public_id  # type: ignore[union-attr]


def test_a_clinic_version_sets_how_old_the_dosing_weight_may_be(world: World) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    assert protocol_of(base).dose_rule.weight_max_age_days == clinical.DEFAULT_WEIGHT_MAX_AGE_DAYS
    created = protocol_version_create(actor=world.ada, base=base, weight_max_age_days=7)
    assert protocol_of(created).dose_rule.weight_max_age_days == 7
    with pytest.raises(ValidationError) as refused:
        protocol_version_create(actor=world.ada, base=base, weight_max_age_days=0)
    assert "weight_max_age_days" in refused.value.message_dict


def test_esketamine_has_no_weight_age_setting(world: World) -> None:
    trd = builtin(world.harbor, "esketamine_trd")
    with pytest.raises(ValidationError) as refused:
        protocol_version_create(actor=world.ada, base=trd, weight_max_age_days=7)
    assert "weight_max_age_days" in refused.value.message_dict


def test_a_clinic_schedules_its_safety_watch_with_its_own_questions_and_cut_offs(
    world: World,
) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    url = f"/protocols/{base.public_id}/new-version/"
    data = {"name": "Harbor IV", "dose_mg_per_kg": "0.5", "weight_basis": "actual"}
    data |= {"phase_induction_sessions_per_week": "2", "watch_blood_pressure_every_weeks": "8"}
    refused = client_for(world.ada).post(url, data)
    assert refused.status_code == 200
    assert "set the cut-off of a scheduled check" in refused.content.decode()
    data |= {
        "watch_blood_pressure_positive_at": "20",
        "watch_blood_pressure_readings": "3",
        "watch_bladder_every_weeks": "4",
        "watch_bladder_questions": "Any pain passing urine?\nAny blood in your urine?",
        "watch_bladder_positive_at": "2",
    }
    assert client_for(world.ada).post(url, data).status_code == 302
    version = ProtocolVersion.objects.get(name="Harbor IV")
    page = client_for(world.nina).get(f"/protocols/{version.public_id}/").content.decode()
    assert "Bladder and urinary symptoms" in page
    assert "every 4 weeks" in page
    assert "Any blood in your urine?" in page
    assert "2 yes answers or more" in page
    assert "a systolic rise of 20 mmHg or more" in page
    assert "not checked: the clinic sets how often" in page  # memory, misuse, liver
