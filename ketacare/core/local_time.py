"""Times typed in the clinic's zone, including on the two nights a year its clocks change."""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError


def aware_local(naive: dt.datetime, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """`naive` as a moment in `zone`. When the clocks go back an hour happens twice: a time
    typed then is read as its latest occurrence that is not in the future (what is typed at
    the chair has just happened). A time the clocks skipped is refused, saying why."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    try:
        round_trip = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError as error:  # the first or last hours of year 1 or 9999 have no UTC
        raise ValidationError(
            f"{naive:%d %b %Y} is not a date KetaCare can record: give when it happened.",
            code="out_of_range",
        ) from error
    if round_trip != naive:
        raise ValidationError(
            f"{naive:%H:%M} did not happen on {naive:%d %b %Y} here: the clocks went forward "
            "an hour for daylight saving time. Give the time the clock showed.",
            code="skipped_time",
        )
    # In UTC: Python never finds a fold-dependent local time equal to any other moment.
    if first.utcoffset() == second.utcoffset() or second > now:
        return first.astimezone(dt.UTC)
    return second.astimezone(dt.UTC)
