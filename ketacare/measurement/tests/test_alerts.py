"""Suicide-risk alerts (REFERENCE §6.2): a positive PHQ-9 item 9 raises one with the
assessment; an open alert keeps the patient's next dose from starting until a clinician
acknowledges it, an urgent one until a prescriber resolves it; alerts never close by themselves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import World, client_for
from ketacare.assessments.alerts import alert_acknowledge, alert_resolve
from ketacare.assessments.models import RiskAlert
from ketacare.assessments.services import assessment_record
from ketacare.core.models import AuditEvent
from ketacare.dosing.models import Status
from ketacare.dosing.tests.builders import cleared
from ketacare.measurement.tests.builders import answered_by_paula, phq9

pytestmark = pytest.mark.django_db


def test_item_nine_at_one_raises_an_alert_and_at_two_an_urgent_one(world: World) -> None:
    assert answered_by_paula(world, item9=0).alert is None
    assert answered_by_paula(world, item9=1).alert.level == "alert"  # type: ignore[union-attr]
    urgent = answered_by_paula(world, item9=2).alert
    assert urgent is not None
    assert urgent.level == "urgent"
    assert urgent.item_value == 2
    raised = AuditEvent.objects.filter(object_type="risk_alert").order_by("seq")
    assert [e.changes["level"] for e in raised] == ["alert", "urgent"]
    assert {e.actor_kind for e in raised} == {"patient"}


def test_a_phq9_recorded_by_staff_at_the_clinic_raises_the_same_alert(world: World) -> None:
    recorded = assessment_record(
        actor=world.nina,
        patient=world.patient,
        instrument="phq9",
        answers=phq9(3),
        administered_at=timezone.now(),
    )
    assert RiskAlert.objects.get(assessment=recorded).level == "urgent"


def test_a_nurse_acknowledges_and_a_prescriber_resolves_an_urgent_alert(world: World) -> None:
    alert = answered_by_paula(world, item9=2).alert
    assert alert is not None
    alert_acknowledge(actor=world.nina, alert=alert, note="Calling now.")
    with pytest.raises(PermissionDenied, match="Only a prescriber"):
        alert_resolve(actor=world.nina, alert=alert, actions=["called_patient"])
    done = alert_resolve(
        actor=world.pia, alert=alert, actions=["called_patient", "cssrs_done"], note="Safe."
    )
    assert (done.acknowledged_by, done.resolved_by) == (world.nina.user, world.pia.user)
    assert done.actions == ["called_patient", "cssrs_done"]
    assert done.note == "Calling now.\nSafe."
    with pytest.raises(ValidationError, match="already resolved"):
        alert_resolve(actor=world.pia, alert=done, actions=["called_patient"])


def test_resolving_needs_at_least_one_known_action_and_names_the_choices(world: World) -> None:
    alert = answered_by_paula(world, item9=1).alert
    assert alert is not None
    with pytest.raises(ValidationError) as nothing:
        alert_resolve(actor=world.pia, alert=alert, actions=[])
    assert "Say what was done" in str(nothing.value)
    with pytest.raises(ValidationError) as unknown:
        alert_resolve(actor=world.pia, alert=alert, actions=["prayed"])
    message = nothing.value.message_dict["actions"][0]
    assert "called_patient (Called the patient)" in message
    assert "Unknown ['prayed']" in unknown.value.message_dict["actions"][0]
    assert RiskAlert.objects.get(pk=alert.pk).resolved_at is None


def test_a_therapist_sees_alerts_but_cannot_act_on_them(world: World) -> None:
    alert = answered_by_paula(world, item9=1).alert
    assert alert is not None
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=world.theo, alert=alert)


def test_an_urgent_alert_blocks_the_next_dose_until_a_prescriber_resolves_it(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    assert session.status == Status.CLEARED
    alert = answered_by_paula(world, item9=2).alert
    assert alert is not None
    session.refresh_from_db()
    assert session.status == Status.BLOCKED
    stop = [f for f in session.findings if f["code"] == "risk_alert_open"]
    assert stop[0]["kind"] == "hard_stop"
    assert "a prescriber must resolve it" in stop[0]["message"]
    board = client_for(world.nina).get("/sessions/board/").content.decode()
    assert "An urgent suicide-risk alert is open: a prescriber must resolve it first." in board
    alert_acknowledge(actor=world.nina, alert=alert)
    session.refresh_from_db()
    assert session.status == Status.BLOCKED
    alert_resolve(actor=world.pia, alert=alert, actions=["seen_in_clinic", "safety_plan"])
    session.refresh_from_db()
    # The alert no longer blocks; today's newest PHQ-9 (item 9 = 2) still asks for a C-SSRS.
    assert _codes(session.findings) == {"cssrs_today": "missing"}
    assert session.status == Status.CHECKED_IN


def test_an_alert_blocks_the_dose_only_until_a_clinician_acknowledges_it(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    alert = answered_by_paula(world, item9=1).alert
    assert alert is not None
    session.refresh_from_db()
    assert session.status == Status.BLOCKED
    assert "a clinician must acknowledge it" in session.findings[-1]["message"]
    alert_acknowledge(actor=world.nina, alert=alert)
    session.refresh_from_db()
    assert "risk_alert_open" not in _codes(session.findings)


def _codes(findings: list[dict[str, str]]) -> dict[str, str]:
    return {f["code"]: f["kind"] for f in findings if f["kind"] != "info"}
