"""Alerts reach people (REFERENCE §6.2): the worker emails the patient's prescriber and the
on-call list at once, naming no patient; an alert nobody acknowledges within the clinic's
limit is escalated to the clinic admin, once."""

import pytest
from django.core import mail

from conftest import Clock, World, client_for
from ketacare.assessments.alerts import alert_acknowledge
from ketacare.assessments.models import RiskAlert
from ketacare.clinics.models import Membership, Role
from ketacare.clinics.services import membership_grant
from ketacare.core.models import AuditEvent
from ketacare.measurement.tests.builders import answered_by_paula
from ketacare.treatment.tests.builders import started_course
from tests.factories import SETUP
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
NOTICE = "A suicide-risk alert needs a clinician at Harbor Clinic"
ESCALATION = "A suicide-risk alert is still unacknowledged at Harbor Clinic"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


def _sent(subject: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject == subject)


def test_the_prescribers_hear_of_an_alert_at_once_without_the_patient_named(
    world: World,
) -> None:
    answered_by_paula(world, item9=2)
    run_jobs()
    assert _sent(NOTICE) == ["pia@harbor.test"]
    message = next(m for m in mail.outbox if m.subject == NOTICE)
    alert = RiskAlert.objects.get()
    assert f"/alerts/{alert.public_id}/" in message.body
    assert "Urgent" in message.body
    for name in ("Paula", "Rivera", world.patient.mrn):
        assert name not in f"{message.subject} {message.body}"


def test_the_course_prescriber_and_the_on_call_list_are_told(world: World) -> None:
    started_course(world.patient, nurse=world.nina, prescriber=world.pia)
    Membership.objects.filter(user=world.nina.user).update(on_call=True)
    answered_by_paula(world, item9=1)
    run_jobs()
    assert _sent(NOTICE) == ["nina@harbor.test", "pia@harbor.test"]


def test_an_alert_left_unacknowledged_past_the_limit_is_escalated_to_the_admin_once(
    world: World, clock: Clock
) -> None:
    answered_by_paula(world, item9=1)
    run_jobs()
    clock.advance(minutes=59)
    run_jobs()
    assert _sent(ESCALATION) == []
    clock.advance(minutes=6)  # the escalation check runs every 5 minutes
    run_jobs()
    assert _sent(ESCALATION) == ["ada@harbor.test"]
    clock.advance(minutes=30)
    run_jobs()
    assert _sent(ESCALATION) == ["ada@harbor.test"]
    alert = RiskAlert.objects.get()
    assert alert.escalated_at is not None
    assert alert.resolved_at is None
    escalated = AuditEvent.objects.get(object_type="risk_alert", changes__escalated=True)
    assert escalated.actor_kind == "system"


def test_an_acknowledged_alert_is_not_escalated(world: World, clock: Clock) -> None:
    alert = answered_by_paula(world, item9=2).alert
    assert alert is not None
    alert_acknowledge(actor=world.pia, alert=alert)
    clock.advance(hours=3)
    run_jobs()
    assert _sent(ESCALATION) == []


def test_the_prescriber_works_the_alert_from_its_page(world: World) -> None:
    alert = answered_by_paula(world, item9=2).alert
    assert alert is not None
    pia = client_for(world.pia)
    listed = pia.get("/alerts/").content.decode()
    assert "Urgent" in listed
    assert world.patient.mrn in listed
    page = f"/alerts/{alert.public_id}/"
    pia.post(page, {"acknowledge": "1", "note": "Calling Paula."})
    refused = pia.post(page, {"resolve": "1"}).content.decode()
    assert "Tick at least one thing that was done." in refused
    pia.post(page, {"resolve": "1", "actions": ["called_patient", "cssrs_done"]})
    done = pia.get(page).content.decode()
    assert "Called the patient; C-SSRS Screener done" in done
    assert "Calling Paula." in done
    read = AuditEvent.objects.filter(object_type="risk_alerts").get()
    assert read.changes["patients"] == [str(world.patient.public_id)]


def test_staff_of_a_clinic_in_a_role_without_alerts_do_not_see_its_alerts(world: World) -> None:
    alert = answered_by_paula(world, item9=1).alert
    assert alert is not None
    membership_grant(
        actor=SETUP.for_clinic(world.harbor), clinic=world.harbor, user=world.sol.user,
        role=Role.FRONT_DESK,
    )  # fmt: skip
    sol = client_for(world.sol)
    sol.post("/clinic/switch/", {"clinic": str(world.summit.public_id)})  # a nurse there
    page = sol.get(f"/alerts/{alert.public_id}/")
    assert page.status_code == 404
    denied = AuditEvent.objects.get(object_type="riskalert", outcome="denied")
    assert denied.patient_id == world.patient.public_id
