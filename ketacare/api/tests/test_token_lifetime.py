"""API tokens expire, and their last use is written at most once per few minutes."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import World
from ketacare.accounts.models import ApiToken
from ketacare.accounts.services import api_token_create
from tests.factories import SETUP

pytestmark = pytest.mark.django_db


def _get(raw: str) -> int:
    response = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code


@override_settings(API_TOKEN_DAYS=30)
def test_a_new_token_expires_after_the_configured_days(world: World) -> None:
    token, _raw = api_token_create(actor=SETUP, user=world.nina.user, name="sync")
    lifetime = token.expires_at - timezone.now()
    assert dt.timedelta(days=29, hours=23) < lifetime <= dt.timedelta(days=30)


def test_an_expired_token_is_refused_with_the_standard_401(world: World) -> None:
    token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="sync")
    assert _get(raw) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@override_settings(API_TOKEN_TOUCH_MINUTES=5)
def test_last_use_is_written_at_most_once_per_few_minutes(world: World) -> None:
    token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="sync")
    assert _get(raw) == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert _get(raw) == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    earlier = timezone.now() - dt.timedelta(minutes=6)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert _get(raw) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > earlier + dt.timedelta(minutes=5)
