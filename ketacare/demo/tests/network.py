"""The demo network seeded once for a test module at a pinned moment (each test's own writes
are rolled back), then wiped, lifting the audit trail's append-only guards for that alone."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import connection

from conftest import GUARD_SQL
from ketacare.demo.seed import seed


def quiet(_line: str) -> None:
    pass


def seeded_once(django_db_blocker: Any, at: dt.datetime) -> Iterator[None]:
    """For a module-scoped fixture: `yield from seeded_once(django_db_blocker, AT)`."""
    lift, restore = GUARD_SQL[connection.vendor]
    with django_db_blocker.unblock():
        with time_machine.travel(at, tick=True):
            assert seed(progress=quiet)
        yield
        _run(lift)
        call_command("flush", interactive=False, verbosity=0)
        _run(restore)


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
