"""The API tokens page shows when each token expires, and the token lifetime setting is checked
when the settings load."""

import datetime as dt
import runpy
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conftest import World, client_for
from ketacare.accounts.models import ApiToken
from ketacare.accounts.services import api_token_create
from tests.factories import SETUP

SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"


@pytest.mark.django_db
def test_the_tokens_page_shows_each_expiry_and_tags_an_expired_token(world: World) -> None:
    live, _raw = api_token_create(actor=SETUP, user=world.nina.user, name="live-sync")
    old, _raw = api_token_create(actor=SETUP, user=world.nina.user, name="old-sync")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    page = client_for(world.nina).get(reverse("accounts:api_tokens"))
    html = page.content.decode()
    assert "Expires" in html
    shown_zone = zoneinfo.ZoneInfo(world.harbor.timezone)
    assert live.expires_at.astimezone(shown_zone).strftime("%Y-%m-%d %H:%M") in html
    rows = {row.name: row for row in page.context["tokens"]}
    assert rows["old-sync"].expired
    assert not rows["live-sync"].expired
    assert html.count('<span class="tag">expired</span>') == 1
    assert reverse("accounts:api_token_revoke", args=[old.public_id]) not in html
    assert reverse("accounts:api_token_revoke", args=[live.public_id]) in html


def _load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, days: str) -> dict[str, object]:
    monkeypatch.setenv("KETACARE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("KETACARE_API_TOKEN_DAYS", days)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize("days", ["0", "-5", "ninety"])
def test_a_token_lifetime_below_one_day_stops_the_settings_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, days: str
) -> None:
    with pytest.raises(
        RuntimeError, match="KETACARE_API_TOKEN_DAYS must be a whole number of at least 1"
    ):
        _load_settings(monkeypatch, tmp_path, days)


def test_a_token_lifetime_of_one_day_or_more_is_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _load_settings(monkeypatch, tmp_path, "1")["API_TOKEN_DAYS"] == 1
