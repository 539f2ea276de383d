"""A forgotten password is reset by email: the link is sent by the worker through a real SMTP
server, works once and for an hour, and says nothing about which addresses have accounts."""

import re

import pytest
from django.test import Client

from conftest import Clock, SmtpServer, World
from ketacare.accounts.services import api_token_create
from ketacare.core.models import AuditAction, AuditEvent
from tests.factories import SETUP
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a quiet harbour at dawn"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs after the request's transaction commits: these tests commit."""


def _link(smtp_server: SmtpServer) -> str:
    (message,) = smtp_server.messages
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://\S+/accounts/password/reset/\S+/", body.get_content())
    assert found is not None
    return found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_a_nurse_resets_a_forgotten_password_through_the_emailed_link(
    world: World, smtp_server: SmtpServer
) -> None:
    asked = Client().post(RESET, {"email": "nina@harbor.test"})
    assert "Check your email" in asked.content.decode()
    run_jobs()
    (message,) = smtp_server.messages
    assert (message["To"], message["Subject"]) == (
        "nina@harbor.test",
        "Reset your KetaCare password",
    )
    assert message.get_body(preferencelist=("html",)) is not None
    browser = Client()
    form_page = browser.get("/" + _link(smtp_server), follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    signed_in = Client().post(
        "/accounts/login/", {"username": "nina@harbor.test", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    again = Client().get("/" + _link(smtp_server), follow=True)
    assert "This link no longer works" in again.content.decode()
    changed = AuditEvent.objects.get(object_type="user", action=AuditAction.UPDATE)
    assert changed.actor_email == "nina@harbor.test"


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    world: World, smtp_server: SmtpServer
) -> None:
    unknown = Client().post(RESET, {"email": "nobody@harbor.test"}).content.decode()
    known = Client().post(RESET, {"email": "nina@harbor.test"}).content.decode()
    assert "Check your email" in unknown
    assert _without_tokens(unknown) == _without_tokens(known)
    run_jobs()
    assert [m["To"] for m in smtp_server.messages] == ["nina@harbor.test"]
    requests = AuditEvent.objects.filter(object_type="password_reset").order_by("seq")
    assert [e.changes["account"] for e in requests] == [False, True]


def test_a_weak_new_password_is_refused_saying_why(world: World, smtp_server: SmtpServer) -> None:
    Client().post(RESET, {"email": "nina@harbor.test"})
    run_jobs()
    browser = Client()
    form_page = browser.get("/" + _link(smtp_server), follow=True)
    refused = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert refused.status_code == 200
    assert "too common" in refused.content.decode()


def test_the_link_stops_working_after_an_hour(
    world: World, smtp_server: SmtpServer, clock: Clock
) -> None:
    Client().post(RESET, {"email": "nina@harbor.test"})
    run_jobs()
    clock.advance(minutes=61)
    late = Client().get("/" + _link(smtp_server), follow=True)
    assert "This link no longer works" in late.content.decode()


def test_a_link_sent_before_the_account_was_deactivated_sets_no_password(
    world: World, smtp_server: SmtpServer
) -> None:
    Client().post(RESET, {"email": "nina@harbor.test"})
    run_jobs()
    user = world.nina.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    closed = Client().get("/" + _link(smtp_server), follow=True)
    assert "This link no longer works" in closed.content.decode()


def test_a_reset_revokes_the_accounts_api_tokens(world: World, smtp_server: SmtpServer) -> None:
    _token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="laptop")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/patients").status_code == 200
    Client().post(RESET, {"email": "nina@harbor.test"})
    run_jobs()
    browser = Client()
    form_page = browser.get("/" + _link(smtp_server), follow=True)
    browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert api.get("/api/v1/patients").status_code == 401
    changed = AuditEvent.objects.get(object_type="user", action=AuditAction.UPDATE)
    assert changed.changes["api_tokens_revoked"] == 1


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens, which differ from one visitor to the next."""
    return re.sub(r"[A-Za-z0-9]{64}", "", page)
