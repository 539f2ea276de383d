"""The demo's clock: a step recorded at the moment it happened."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    # In UTC, as Django's own clock answers: the audit trail hashes the time as stored.
    with mock.patch.object(timezone, "now", return_value=moment.astimezone(dt.UTC)):
        yield
