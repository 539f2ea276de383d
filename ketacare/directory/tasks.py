"""The nightly refresh of the outcomes clinics publish: every 15 minutes the worker queues, for
each published clinic that publishes its outcomes and whose night has reached `REFRESH_AT` in
its own zone, one refresh a day."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic
from ketacare.core.jobs import background, enqueue_on_commit, enqueued_since, periodic
from ketacare.directory.listing import Listing
from ketacare.directory.models import ClinicProfile
from ketacare.directory.outcomes import published_outcomes_refresh

# At night, when the clinic is closed: KetaCare's choice.
REFRESH_AT = dt.time(2, 0)
REFRESH_TASK = "Published outcomes refresh"


@background(REFRESH_TASK)
def outcomes_refresh(*, clinic: str) -> None:
    """Work the clinic's published outcomes out again, for every route its profile offers."""
    profile = ClinicProfile.objects.select_related("clinic").get(clinic__public_id=clinic)
    if profile.live is None:
        return
    routes = Listing.from_facts(profile.live).routes
    published_outcomes_refresh(
        actor=SystemActor(REFRESH_TASK, profile.clinic), clinic=profile.clinic, routes=routes
    )


def _night_began(row: Clinic, now: dt.datetime) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(row.timezone)
    return dt.datetime.combine(timezone.localtime(now, zone).date(), REFRESH_AT, tzinfo=zone)


@periodic(every=dt.timedelta(minutes=15))
@background("Queue the nightly outcome refreshes")
def outcomes_refreshes(*, clinic: str) -> None:
    now = timezone.now()
    publishing = ClinicProfile.objects.filter(live__isnull=False, live__publish_outcomes=True)
    for row in Clinic.objects.filter(pk__in=publishing.values("clinic_id")):
        night = _night_began(row, now)
        if now >= night and not enqueued_since(outcomes_refresh, row.public_id, night):
            enqueue_on_commit(outcomes_refresh, clinic_id=row.public_id)
