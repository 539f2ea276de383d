"""The discharge's effective time: when the patient left, which may be earlier than when the
discharge was recorded. Readiness is judged at that time, and it is neither in the future nor
before the dose."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.forms import DischargeForm
from ketacare.dosing.models import DosingSession, Status
from ketacare.dosing.tests.builders import ago, cleared, monitored

pytestmark = pytest.mark.django_db
SIGNED = dict.fromkeys(
    ("vitals_acceptable", "clinician_confirms", "no_driving_instruction_given"), True
)


def _monitored(world: World, minutes_ago: float = 130, ended: float = 0) -> DosingSession:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    return monitored(session, world.nina, minutes_ago=minutes_ago, ended_minutes_ago=ended)


def test_a_discharge_keeps_when_the_patient_left_apart_from_when_it_was_recorded(
    world: World,
) -> None:
    session = _monitored(world, minutes_ago=140, ended=10)
    left = ago(10)
    session = session_discharge(actor=world.nina, session=session, discharged_at=left, **SIGNED)
    session.refresh_from_db()
    assert session.status == Status.DISCHARGED
    assert session.discharged_at == left
    recorded = AuditEvent.objects.filter(object_id=str(session.public_id)).latest("seq")
    assert recorded.occurred_at > left


def test_readiness_is_judged_at_the_time_the_patient_left(world: World) -> None:
    session = _monitored(world, minutes_ago=130, ended=20)
    with pytest.raises(ValidationError, match="less than the minimum of 120"):
        session_discharge(actor=world.nina, session=session, discharged_at=ago(20), **SIGNED)


@pytest.mark.parametrize(
    ("minutes_ago", "message"),
    [(-30, "in the future"), (200, "before the dose")],
)
def test_a_discharge_time_in_the_future_or_before_the_dose_is_refused_naming_the_field(
    world: World, minutes_ago: float, message: str
) -> None:
    session = _monitored(world)
    with pytest.raises(ValidationError) as raised:
        session_discharge(
            actor=world.nina, session=session, discharged_at=ago(minutes_ago), **SIGNED
        )
    assert message in " ".join(raised.value.message_dict["discharged_at"])
    session.refresh_from_db()
    assert session.status == Status.MONITORING


def test_the_discharge_form_asks_when_the_patient_left_defaulting_to_now() -> None:
    field = DischargeForm().fields["discharged_at"]
    assert field.label == "Discharged at"
    assert field.required
    initial = field.initial() if callable(field.initial) else field.initial
    assert abs(initial - ago(0)) < dt.timedelta(minutes=1)


def test_the_screen_discharges_at_the_time_typed(world: World) -> None:
    session = _monitored(world, minutes_ago=140, ended=11)
    left = ago(10).astimezone(zoneinfo.ZoneInfo(world.harbor.timezone)).replace(second=0)
    data = {name: "on" for name in SIGNED} | {"discharged_at": f"{left:%Y-%m-%dT%H:%M}"}
    response = client_for(world.nina).post(
        reverse("dosing:discharge", args=[session.public_id]), data
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.discharged_at == left.replace(microsecond=0).astimezone(dt.UTC)


def test_the_api_takes_an_optional_discharge_time(world: World) -> None:
    session = _monitored(world, minutes_ago=140, ended=10)
    left = ago(10).replace(microsecond=0)
    response = client_for(world.nina).post(
        f"/api/v1/dosing-sessions/{session.public_id}/discharge",
        json.dumps(SIGNED | {"discharged_at": left.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert dt.datetime.fromisoformat(response.json()["discharged_at"]) == left


def test_a_discharge_time_before_the_last_reading_is_refused_naming_the_field(
    world: World,
) -> None:
    session = _monitored(world, minutes_ago=150)  # pre-discharge BP 2 min ago, scores 1 min ago
    with pytest.raises(ValidationError) as raised:
        session_discharge(actor=world.nina, session=session, discharged_at=ago(5), **SIGNED)
    message = " ".join(raised.value.message_dict["discharged_at"])
    assert "after this time" in message
    session.refresh_from_db()
    assert session.status == Status.MONITORING
