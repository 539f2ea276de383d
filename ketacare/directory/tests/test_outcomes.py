"""The outcomes a clinic publishes: the dashboard's figures per route offered, small routes
withheld, shown to the public after the clinic's 30-day preview, refreshed each night."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from conftest import Clock, World, client_for
from ketacare.clinics.actors import SystemActor
from ketacare.core.models import AuditEvent
from ketacare.directory.models import ClinicProfile, PublishedOutcome
from ketacare.directory.outcomes import period_at, published, published_outcomes_refresh
from ketacare.directory.profile import profile_update
from ketacare.directory.tests.builders import published as published_profile
from ketacare.directory.tests.builders import treated
from ketacare.measurement import outcomes as dashboard

pytestmark = pytest.mark.django_db
IV, ESKETAMINE = "iv_ketamine_twice_weekly", "esketamine_trd"
# Six responders (PHQ-9 20 -> 8), three remitters (-> 3), three without response (-> 15).
ENDS = [8] * 6 + [3] * 3 + [15] * 3


def _refresh(world: World) -> None:
    published_outcomes_refresh(actor=SystemActor("test", world.harbor), clinic=world.harbor,
                               routes=["iv", "esketamine_nasal"])  # fmt: skip


def _both_routes(world: World) -> None:
    published_profile(world, protocol_codes=[IV, ESKETAMINE], rems_certified=True,
                      publish_outcomes=True)  # fmt: skip


def test_the_published_figures_are_the_dashboards_for_each_route_offered(
    world: World, clock: Clock
) -> None:
    treated(world, clock, ENDS)
    _both_routes(world)
    _refresh(world)
    iv, esketamine = published(world.harbor, ["iv", "esketamine_nasal"])
    assert (iv.patients, iv.counts.started, iv.counts.responded, iv.counts.remitted) == (
        12, 12, 9, 3,
    )  # fmt: skip
    since, until = period_at(timezone.now())
    route = dict(dashboard.figures(world.harbor, since, until).breakdowns)["Route"]
    assert [b.summary for b in route] == [iv.summary]
    assert iv.rates[0] == ("Response, of all courses started", "75% (9 of 12)", "47% to 91%")
    assert iv.completeness_text == "100%"
    assert (esketamine.withheld, esketamine.patients) == (True, 0)
    event = AuditEvent.objects.get(object_type="published_outcomes")
    assert event.changes == {"iv": {"courses": 12, "patients": 12},
                             "esketamine_nasal": {"courses": 0, "patients": 0}}  # fmt: skip


def test_the_public_sees_the_outcomes_after_the_clinics_30_day_preview(
    world: World, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    treated(world, clock, ENDS)
    _both_routes(world)
    _refresh(world)
    page = reverse("directory:profile", args=["harbor"])
    text = Client().get(page).content.decode()
    assert "75% (9 of 12)" not in text
    public_from = ClinicProfile.objects.get().outcomes_public_from
    assert public_from is not None
    assert f"The clinic publishes its outcomes from {date_format(public_from, 'j F Y')}." in text
    preview = client_for(world.ada).get(reverse("directory:preview")).content.decode()
    assert "75% (9 of 12)" in preview
    assert "Your preview: the public sees these figures from" in preview
    clock.advance(days=31)
    _refresh(world)
    with django_assert_max_num_queries(7):
        text = Client().get(page).content.decode()
    assert "75% (9 of 12)" in text
    assert "Fewer than 11 patients" in text  # esketamine: nobody treated
    assert "These figures may not be representative." in text


def test_turning_outcomes_off_and_on_again_does_not_start_a_new_preview(
    world: World, clock: Clock
) -> None:
    _both_routes(world)
    first = ClinicProfile.objects.get().outcomes_public_from
    clock.advance(days=10)
    profile_update(actor=world.ada, clinic=world.harbor, publish_outcomes=False)
    profile = profile_update(actor=world.ada, clinic=world.harbor, publish_outcomes=True)
    assert profile.outcomes_public_from == first
    assert first == world.harbor.today() - dt.timedelta(days=10) + dt.timedelta(days=30)


def test_a_refresh_replaces_what_was_published(world: World, clock: Clock) -> None:
    _both_routes(world)
    _refresh(world)
    treated(world, clock, ENDS)
    _refresh(world)
    assert PublishedOutcome.objects.filter(clinic=world.harbor).count() == 2
    assert published(world.harbor, ["iv"])[0].counts.started == 12
