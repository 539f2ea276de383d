"""What a full chair board of the demo holds, for the demo's tests."""

import datetime as dt
import zoneinfo

from ketacare.accounts.models import User
from ketacare.clinics.actors import staff_actor
from ketacare.clinics.models import Clinic
from ketacare.dosing.board import AWAITING, BoardRow, board_rows
from ketacare.dosing.models import Status

BOSTON = zoneinfo.ZoneInfo("America/New_York")
EVERY_PHASE = {AWAITING, Status.CHECKED_IN, Status.BLOCKED, Status.DOSING, Status.MONITORING}


def boston(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), BOSTON)


def board(clinic: Clinic) -> list[BoardRow]:
    nurse = User.objects.get(email=f"nurse@{clinic.slug}.demo")
    return board_rows(staff_actor(nurse), clinic)


def assert_full_board(clinic: Clinic) -> None:
    rows = board(clinic)
    phases = {row.phase for row in rows}
    assert phases >= EVERY_PHASE, (clinic.slug, phases)
    assert any(row.ready for row in rows), "a patient ready to leave"
    assert any(row.phase == Status.DISCHARGED for row in rows), "a patient discharged"
    assert any("Overdue" in alert for row in rows for alert in row.alerts), "an overdue BP"
