"""A weight-based dose on a weight older than the protocol allows (the setting
`weight_max_age_days`, REFERENCE §2.1): the nurse sees the weight's date and age, and must
acknowledge it (kept on the record) or record a fresh weight before the dose is recorded."""

import datetime as dt
import json
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.administration import ordered_dose, session_record_administration
from ketacare.dosing.models import Administration, DosingSession
from ketacare.dosing.queries import session_day
from ketacare.dosing.services import session_check_in
from ketacare.dosing.tests.builders import IV, ago, cleared, prepared, weighed_today
from ketacare.patients.models import BodyMeasurement
from ketacare.patients.services import chart_entry_mark_error, measurement_record
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.tests.builders import builtin, started_course

pytestmark = pytest.mark.django_db


def _zone(world: World) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(world.harbor.timezone)


def _noon(world: World, days_ago: int) -> dt.datetime:
    """Noon on the clinic's calendar `days_ago` days before the session's day (the weight's
    age counts to it): the age is exact in any season."""
    session = DosingSession.objects.filter(patient=world.patient).latest("checked_in_at")
    day = session_day(session) - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), tzinfo=_zone(world))


def _weighed(world: World, days_ago: int, weight_kg: str = "90.0") -> None:
    """Today's weight was entered on the wrong chart; the one before is `days_ago` old."""
    for wrong in BodyMeasurement.objects.filter(patient=world.patient, entered_in_error=False):
        chart_entry_mark_error(actor=world.nina, entry=wrong, reason="Wrong patient")
    measurement_record(
        actor=world.nina, patient=world.patient, measured_at=_noon(world, days_ago),
        weight_kg=Decimal(weight_kg), height_cm=Decimal("170.0"),
    )  # fmt: skip


def _iv_session(world: World, days_ago: int = 40) -> DosingSession:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    _weighed(world, days_ago)
    return session


def _give(world: World, session: DosingSession, **extra: Any) -> Administration:
    return session_record_administration(
        actor=world.nina, session=session, lot_number="L-1",
        lot_expiry=world.harbor.today() + dt.timedelta(days=90), dose_mg=Decimal("45.0"),
        started_at=ago(1), concentration_mg_per_ml=Decimal("1.0"), **extra,
    )  # fmt: skip


def test_a_dose_on_a_weight_older_than_30_days_is_refused_without_an_acknowledgement(
    world: World,
) -> None:
    session = _iv_session(world, days_ago=40)
    with pytest.raises(ValidationError) as refused:
        _give(world, session)
    problems = refused.value.message_dict["weight_acknowledged"]
    assert "measured 40 days ago" in problems[0]
    assert "at most 30 days old" in problems[0]
    assert "fresh weight" in problems[1]
    assert not Administration.objects.exists()


def test_the_acknowledgement_is_recorded_with_the_weights_date_and_audited(
    world: World,
) -> None:
    session = _iv_session(world, days_ago=40)
    record = _give(world, session, weight_acknowledged=True)
    assert record.weight_acknowledged is True
    assert record.weight_used_kg == Decimal("90.0")
    assert record.weight_measured_at is not None
    weighed_on = record.weight_measured_at.astimezone(_zone(world)).date()
    assert (session_day(session) - weighed_on).days == 40
    created = AuditEvent.objects.filter(action="create").order_by("-seq").first()
    assert created is not None
    assert created.changes["weight_acknowledged"] == {"old": None, "new": True}


def test_a_fresh_weight_needs_no_acknowledgement_and_none_is_recorded(world: World) -> None:
    session = _iv_session(world, days_ago=40)
    weighed_today(world.patient, world.nina, weight_kg="90.0")
    record = _give(world, session, weight_acknowledged=True)
    assert record.weight_acknowledged is False
    assert record.weight_measured_at is not None


def test_a_weight_exactly_30_days_old_is_still_current(world: World) -> None:
    session = _iv_session(world, days_ago=30)
    order = ordered_dose(session)
    assert (order.weight_age_days, order.stale_weight) == (30, None)
    assert _give(world, session).weight_acknowledged is False


def test_the_clinics_own_protocol_version_sets_the_limit(world: World) -> None:
    version = protocol_version_create(
        actor=world.ada, base=builtin(world.harbor, IV), weight_max_age_days=7
    )
    today = world.harbor.today()
    course = started_course(
        world.patient, nurse=world.nina, prescriber=world.pia, version=version,
        start_date=today, weekdays=[today.weekday(), (today.weekday() + 3) % 7],
    )  # fmt: skip
    planned = course.sessions.get(scheduled_on=today)
    session = prepared(session_check_in(actor=world.nina, planned=planned), world.nina)
    _weighed(world, days_ago=10)
    stale = ordered_dose(session).stale_weight
    assert stale is not None
    assert "at most 7 days old" in stale.message


def test_a_fixed_esketamine_dose_never_asks_about_the_weight(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    order = ordered_dose(session)
    assert (order.weight_measured_at, order.stale_weight) == (None, None)


# --- the session screen -------------------------------------------------------------------------


def test_the_screen_shows_the_weights_date_and_age_and_warns_when_it_is_old(world: World) -> None:
    session = _iv_session(world, days_ago=40)
    page = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    text = page.content.decode()
    weighed_on = (session_day(session) - dt.timedelta(days=40)).isoformat()
    assert f"weighed {weighed_on}, 40 days ago" in text
    assert 'id="weight-stale"' in text
    assert "I acknowledge the weight is older than the protocol allows" in text


def test_a_weight_taken_today_shows_as_today_without_a_warning(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    page = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    text = page.content.decode()
    assert "weighed today" in text
    assert 'id="weight-stale"' not in text


def test_a_current_weight_of_some_days_shows_its_age_without_a_warning(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    _weighed(world, days_ago=10)
    page = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    text = page.content.decode()
    assert "10 days ago" in text
    assert 'id="weight-stale"' not in text


def _form(world: World, **extra: str) -> dict[str, str]:
    expiry = (world.harbor.today() + dt.timedelta(days=90)).isoformat()
    started = ago(2).astimezone(_zone(world)).strftime("%Y-%m-%dT%H:%M")
    data = {"lot_number": "LOT-KEEP", "lot_expiry": expiry, "dose_mg": "45.0"}
    return data | {"started_at": started, "concentration_mg_per_ml": "1.0"} | extra


def test_the_page_refuses_without_the_tick_keeping_what_was_typed_then_records_with_it(
    world: World,
) -> None:
    session = _iv_session(world, days_ago=40)
    client = client_for(world.nina)
    url = reverse("dosing:administration", args=[session.public_id])
    refused = client.post(url, _form(world))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "measured 40 days ago" in text
    assert 'value="LOT-KEEP"' in text
    assert not Administration.objects.exists()
    done = client.post(url, _form(world, weight_acknowledged="on"))
    assert done.status_code == 302
    assert Administration.objects.get().weight_acknowledged is True


# --- the API ------------------------------------------------------------------------------------


def _api(world: World, session: DosingSession, **extra: Any) -> Any:
    body = {
        "lot_number": "L-2", "lot_expiry": "2099-01-01", "dose_mg": "45.0",
        "started_at": ago(1).isoformat(), "concentration_mg_per_ml": "1.0", **extra,
    }  # fmt: skip
    url = f"/api/v1/dosing-sessions/{session.public_id}/administration"
    return client_for(world.nina).post(url, json.dumps(body), content_type="application/json")


def test_the_api_answers_422_naming_the_acknowledgement_then_records_with_it(
    world: World,
) -> None:
    session = _iv_session(world, days_ago=40)
    refused = _api(world, session)
    assert refused.status_code == 422
    assert "measured 40 days ago" in refused.json()["error"]["fields"]["weight_acknowledged"][0]
    done = _api(world, session, weight_acknowledged=True)
    assert done.status_code == 201, done.content
    assert done.json()["weight_acknowledged"] is True
    assert done.json()["weight_measured_at"] is not None
