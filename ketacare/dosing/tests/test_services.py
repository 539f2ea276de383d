"""The session at the chair, through the services: clearance, dose, monitoring, discharge."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.core.models import AuditEvent
from ketacare.dosing.administration import (
    session_pause_infusion,
    session_record_administration,
    session_record_device,
)
from ketacare.dosing.corrections import session_entry_mark_error
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.models import Administration, DosingSession, Status, VitalsReading
from ketacare.dosing.services import (
    SessionConflict,
    session_override,
    session_record_score,
    session_record_vitals,
)
from ketacare.dosing.tests.builders import (
    CSSRS_HIGH,
    ESKETAMINE,
    IV,
    administered,
    ago,
    checked_in,
    cleared,
    monitored,
    prepared,
)

pytestmark = pytest.mark.django_db


def _session(world: World, code: str = ESKETAMINE, rems: bool = True) -> DosingSession:
    return checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=code, rems=rems)


def _cleared(world: World, code: str = ESKETAMINE) -> DosingSession:
    return cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=code)


def test_a_complete_checklist_with_normal_readings_clears_the_patient_for_dosing(
    world: World,
) -> None:
    session = _cleared(world)
    assert session.status == Status.CLEARED
    assert session.phq9 is not None
    assert session.pre_dose_vitals is not None


def test_an_impossible_reading_is_refused_naming_the_field(world: World) -> None:
    session = _session(world)
    with pytest.raises(ValidationError) as refused:
        session_record_vitals(actor=world.nina, session=session, measured_at=ago(1), sbp=400)
    assert "sbp" in refused.value.message_dict
    assert VitalsReading.objects.count() == 0


def test_an_unusual_reading_needs_confirmation_and_is_kept_once_confirmed(world: World) -> None:
    session = _session(world)
    with pytest.raises(ValidationError) as refused:
        session_record_vitals(actor=world.nina, session=session, measured_at=ago(1), hr=160)
    assert "confirm_readings" in refused.value.message_dict
    reading = session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(1), hr=160, confirm_readings=True
    )
    assert reading.plausibility_confirmed


def test_esketamine_bp_above_140_90_blocks_until_a_prescriber_overrides(world: World) -> None:
    session = prepared(_session(world), world.nina, sbp=150, dbp=95)
    assert session.status == Status.BLOCKED
    assert "esketamine_bp_above_140_90" in [f["code"] for f in session.findings]
    with pytest.raises(PermissionDenied):
        session_override(actor=world.nina, session=session, reason="Looks fine")
    session = session_override(actor=world.pia, session=session, reason="White-coat; rechecked")
    assert session.status == Status.CLEARED
    assert session.override_by == world.pia.user


def test_an_override_covers_only_the_warning_the_prescriber_saw(world: World) -> None:
    session = prepared(_session(world), world.nina, sbp=150, dbp=95)
    session = session_override(actor=world.pia, session=session, reason="Rechecked; calm")
    assert session.status == Status.CLEARED
    session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(2), checkpoint="pre_dose",
        sbp=176, dbp=104, hr=80, spo2=98, rr=14, confirm_readings=True,
    )  # fmt: skip
    session.refresh_from_db()
    assert session.status == Status.BLOCKED


def test_high_suicide_triage_blocks_dosing_until_a_prescriber_overrides(world: World) -> None:
    session = prepared(_session(world), world.nina)
    session = session_record_score(
        actor=world.nina, session=session, instrument="cssrs_screener", answers=CSSRS_HIGH,
        administered_at=ago(5),
    ).session  # fmt: skip
    session.refresh_from_db()
    assert session.status == Status.BLOCKED
    with pytest.raises(ValidationError):
        administered(session, world.nina)
    with pytest.raises(PermissionDenied):
        session_override(actor=world.nina, session=session, reason="Seen")
    assert session_override(actor=world.pia, session=session, reason="Seen, safe").status == (
        Status.CLEARED
    )


def test_esketamine_without_rems_enrollment_is_refused_and_cannot_be_overridden(
    world: World,
) -> None:
    session = prepared(_session(world, rems=False), world.nina)
    assert session.status == Status.BLOCKED
    with pytest.raises(ValidationError, match="Cannot be overridden"):
        session_override(actor=world.pia, session=session, reason="Enrolling later")
    with pytest.raises(ValidationError, match="REMS"):
        administered(session, world.nina)


def _give(
    world: World, session: DosingSession, actor: StaffActor, dose: int, **extra: Any
) -> Administration:
    return session_record_administration(
        actor=actor, session=session, lot_number="L1",
        lot_expiry=world.harbor.today() + dt.timedelta(days=30),
        dose_mg=Decimal(dose), started_at=ago(1), **extra,
    )  # fmt: skip


def test_a_dose_above_the_order_needs_a_prescribers_override(world: World) -> None:
    session = _cleared(world)
    with pytest.raises(ValidationError) as refused:
        _give(world, session, world.nina, 84, difference_reason="Asked")
    assert "dose_mg" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        _give(world, session, world.nina, 84, difference_reason="x", override_reason="x")
    record = _give(
        world, session, world.pia, 84, difference_reason="Tolerated", override_reason="Signed"
    )
    assert record.overridden == ["dose_above_order", "esketamine_dose_not_allowed"]
    assert record.devices_planned == 3


def test_a_dose_different_from_the_order_needs_a_reason(world: World) -> None:
    session = _cleared(world, IV)
    with pytest.raises(ValidationError) as refused:
        _give(world, session, world.nina, 30, concentration_mg_per_ml=Decimal("1"))
    assert "difference_reason" in refused.value.message_dict
    record = _give(
        world, session, world.nina, 30, concentration_mg_per_ml=Decimal("1"),
        difference_reason="Nausea last time",
    )  # fmt: skip
    assert record.ordered_dose_mg == Decimal("40.0")


def test_an_expired_lot_is_refused(world: World) -> None:
    session = _cleared(world)
    with pytest.raises(ValidationError) as refused:
        session_record_administration(
            actor=world.nina, session=session, lot_number="OLD", lot_expiry=dt.date(2020, 1, 1),
            dose_mg=Decimal(56), started_at=ago(1),
        )  # fmt: skip
    assert "lot_expiry" in refused.value.message_dict


def test_a_dose_cannot_start_before_the_patient_checked_in(world: World) -> None:
    session = _cleared(world)
    yesterday = world.harbor.today() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        session_record_administration(
            actor=world.nina, session=session, lot_number="OLD", lot_expiry=yesterday,
            dose_mg=Decimal(56), started_at=session.checked_in_at - dt.timedelta(days=2),
        )  # fmt: skip
    assert "checked in at" in refused.value.message_dict["started_at"][0]
    assert not Administration.objects.filter(session=session).exists()


def test_iv_rates_come_from_the_core_infusion(world: World) -> None:
    record = administered(_cleared(world, IV), world.nina)
    assert record.weight_used_kg == Decimal("80.0")
    assert record.rate_mg_per_h == Decimal("60.00")  # 40 mg over 40 min
    assert record.rate_ml_per_h == Decimal("60.00")  # at 1 mg/mL
    assert record.infusion_minutes == 40


def test_esketamine_devices_are_counted_and_a_short_rest_is_flagged(world: World) -> None:
    session = _cleared(world)
    _give(world, session, world.nina, 56)
    first = session_record_device(actor=world.nina, session=session, administered_at=ago(4))
    second = session_record_device(actor=world.nina, session=session, administered_at=ago(1))
    assert (first.device_number, second.device_number) == (1, 2)
    assert [f["code"] for f in second.findings] == ["device_rest_short"]
    session.refresh_from_db()
    assert session.status == Status.MONITORING
    assert session.dose_started_at == first.administered_at
    with pytest.raises(SessionConflict):
        session_record_device(actor=world.nina, session=session, administered_at=ago(0))


def test_a_paused_infusion_cannot_be_paused_twice(world: World) -> None:
    session = _cleared(world, IV)
    administered(session, world.nina)
    session_pause_infusion(actor=world.nina, session=session, paused_at=ago(2), reason="Nausea")
    with pytest.raises(SessionConflict):
        session_pause_infusion(actor=world.nina, session=session, paused_at=ago(1), reason="x")


def test_esketamine_discharge_is_refused_before_120_minutes(world: World) -> None:
    session = monitored(_cleared(world), world.nina, minutes_ago=60)
    with pytest.raises(ValidationError, match="less than the minimum of 120"):
        session_discharge(
            actor=world.nina, session=session, vitals_acceptable=True, clinician_confirms=True,
            no_driving_instruction_given=True,
        )  # fmt: skip


def test_discharge_needs_the_clinician_and_the_no_driving_instruction(world: World) -> None:
    session = monitored(_cleared(world), world.nina)
    for confirms, instructed in ((False, True), (True, False)):
        with pytest.raises(ValidationError):
            session_discharge(
                actor=world.nina, session=session, vitals_acceptable=True,
                clinician_confirms=confirms, no_driving_instruction_given=instructed,
            )  # fmt: skip
    session = session_discharge(
        actor=world.nina, session=session, vitals_acceptable=True, clinician_confirms=True,
        no_driving_instruction_given=True,
    )  # fmt: skip
    assert session.status == Status.DISCHARGED
    assert session.discharged_by == world.nina.user


def test_a_correction_marks_the_entry_in_error_and_keeps_it(world: World) -> None:
    session = _session(world)
    reading = session_record_vitals(actor=world.nina, session=session, measured_at=ago(1), hr=70)
    session_entry_mark_error(actor=world.nina, session=session, entry=reading, reason="Wrong chair")
    reading.refresh_from_db()
    assert reading.entered_in_error
    assert reading.error_reason == "Wrong chair"
    assert AuditEvent.objects.filter(object_id=str(reading.public_id), action="correct").exists()
    with pytest.raises(SessionConflict):
        session_entry_mark_error(actor=world.nina, session=session, entry=reading, reason="x")


def test_front_desk_cannot_record_vitals(world: World) -> None:
    session = _session(world)
    with pytest.raises(PermissionDenied):
        session_record_vitals(actor=world.fran, session=session, measured_at=ago(1), hr=70)
