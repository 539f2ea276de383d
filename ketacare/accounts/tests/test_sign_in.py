"""Signing in and out: email login, audit, lockout, idle timeout, Argon2."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from config import settings as config_settings
from conftest import World
from ketacare.accounts.models import User
from ketacare.accounts.services import user_create
from ketacare.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, SETUP

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_staff_sign_in_with_email_and_land_on_their_patients(world: World) -> None:
    client = Client()
    response = _login(client, "nina@harbor.test", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/patients/"
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor_email="nina@harbor.test"
    ).exists()


def test_a_wrong_password_is_refused_and_audited_without_the_password(world: World) -> None:
    response = _login(Client(), "nina@harbor.test", "guess-guess-guess")
    assert response.status_code == 200  # type: ignore[attr-defined]
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_email == "nina@harbor.test"
    assert "guess" not in str(failed.changes)


def test_five_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "nina@harbor.test", "wrong-password-again")
    response = _login(client, "nina@harbor.test", PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "locked" in response.content.decode().lower()  # type: ignore[attr-defined]


def test_signing_out_is_audited(world: World) -> None:
    client = Client()
    _login(client, "nina@harbor.test", PASSWORD)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).count() == 1


def test_sessions_expire_after_fifteen_idle_minutes_by_default() -> None:
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    settings.PASSWORD_HASHERS = config_settings.PASSWORD_HASHERS
    user = user_create(actor=SETUP, email="argon@harbor.test", full_name="Argon", password=PASSWORD)
    assert User.objects.get(pk=user.pk).password.startswith("argon2")


def test_pages_send_signed_out_visitors_to_sign_in() -> None:
    response = Client().get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
