"""Staff invite a patient to the portal from the chart: the worker emails a signed link (through
a real SMTP server) that works once and for KETACARE_PORTAL_INVITE_HOURS; the patient chooses a
password with the staff validators and lands on their portal; staff can revoke access."""

import re

import pytest
from django.test import Client

from conftest import Clock, SmtpServer, World, client_for
from ketacare.core.models import AuditEvent
from tests.factories import PatientFactory
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a lantern by the quay"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs after the request's transaction commits: these tests commit."""


def _invite(world: World) -> str:
    patient = PatientFactory.create(
        clinic=world.harbor, actor=world.nina, given_name="Iris", family_name="Okafor"
    )
    page = client_for(world.fran).post(
        f"/patients/{patient.public_id}/portal/",
        {"email": "iris@example.test", "invite": "1"},
        follow=True,
    )
    assert "Invitation sent" in page.content.decode()
    run_jobs()
    return str(patient.public_id)


def _link(smtp_server: SmtpServer) -> str:
    message = smtp_server.messages[-1]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://[^/\s]+(/portal/welcome/\S+/)", body.get_content())
    assert found is not None
    return found.group(1)


def test_an_invited_patient_sets_a_password_and_lands_on_their_portal(
    world: World, smtp_server: SmtpServer
) -> None:
    _invite(world)
    (message,) = smtp_server.messages
    assert (message["To"], message["Subject"]) == (
        "iris@example.test",
        "Your patient portal at Harbor Clinic",
    )
    assert "Okafor" not in message["Subject"]
    browser = Client()
    done = browser.post(
        _link(smtp_server), {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    text = done.content.decode()
    assert done.redirect_chain[-1][0] == "/portal/"
    assert "Hello, Iris" in text
    again = Client().get(_link(smtp_server)).content.decode()
    assert "This link no longer works" in again
    signed_in = Client()
    landed = signed_in.post(
        "/accounts/login/", {"username": "iris@example.test", "password": PASSWORD}, follow=True
    )
    assert landed.redirect_chain[-1][0] == "/portal/"
    set_event = AuditEvent.objects.get(object_type="portal_access", changes__portal_password="set")
    assert set_event.actor_kind == "patient"


def test_a_weak_password_is_refused_with_the_staff_rules(
    world: World, smtp_server: SmtpServer
) -> None:
    _invite(world)
    page = Client().post(_link(smtp_server), {"new_password1": "12345", "new_password2": "12345"})
    text = page.content.decode()
    assert "This password is too short" in text
    assert "Choose your password" in text


def test_the_link_stops_working_after_the_invitation_hours(
    world: World, smtp_server: SmtpServer, clock: Clock
) -> None:
    _invite(world)
    clock.advance(hours=71)
    assert "Choose your password" in Client().get(_link(smtp_server)).content.decode()
    clock.advance(hours=2)
    assert "This link no longer works" in Client().get(_link(smtp_server)).content.decode()


def test_revoking_access_stops_the_sign_in_and_a_new_invitation_asks_for_a_new_password(
    world: World, smtp_server: SmtpServer
) -> None:
    patient_id = _invite(world)
    first = _link(smtp_server)
    Client().post(first, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    again = client_for(world.fran).post(
        f"/patients/{patient_id}/portal/", {"email": "iris@example.test", "invite": "1"}
    )
    assert "already signs in to the portal" in again.content.decode()
    client_for(world.nina).post(f"/patients/{patient_id}/portal/", {"revoke": "1"})
    refused = Client().post(
        "/accounts/login/", {"username": "iris@example.test", "password": PASSWORD}
    )
    assert refused.status_code == 200  # the sign-in form again, not a redirect
    twice = client_for(world.nina).post(
        f"/patients/{patient_id}/portal/", {"revoke": "1"}, follow=True
    )
    assert "no portal access to revoke" in twice.content.decode()
    client_for(world.nina).post(
        f"/patients/{patient_id}/portal/", {"email": "iris@example.test", "invite": "1"}
    )
    run_jobs()
    second = _link(smtp_server)
    assert second != first
    assert "This link no longer works" in Client().get(first).content.decode()
    assert "Choose your password" in Client().get(second).content.decode()
    revoked = AuditEvent.objects.get(object_type="portal_access", changes__portal_access="revoked")
    assert revoked.actor_email == "nina@harbor.test"


def test_a_new_invitation_voids_the_one_sent_to_a_mistyped_address(
    world: World, smtp_server: SmtpServer
) -> None:
    patient_id = _invite(world)
    mistyped = _link(smtp_server)
    client_for(world.fran).post(
        f"/patients/{patient_id}/portal/", {"email": "iris.okafor@example.test", "invite": "1"}
    )
    run_jobs()
    assert smtp_server.messages[-1]["To"] == "iris.okafor@example.test"
    assert "This link no longer works" in Client().get(mistyped).content.decode()
    assert "Choose your password" in Client().get(_link(smtp_server)).content.decode()


def test_a_therapist_cannot_invite_and_an_address_in_use_is_refused(
    world: World, smtp_server: SmtpServer
) -> None:
    patient_id = _invite(world)
    refused = client_for(world.theo).get(f"/patients/{patient_id}/portal/")
    assert "Invite to the portal" not in refused.content.decode()
    assert "Send a new invitation" not in refused.content.decode()
    page = client_for(world.fran).post(
        f"/patients/{patient_id}/portal/", {"email": "nina@harbor.test", "invite": "1"}
    )
    assert "Another account already uses this email address." in page.content.decode()
