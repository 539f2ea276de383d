"""Benchmark: the chair board as the day fills up, and the session screen as its timeline grows.

Builds a clinic whose day holds `--sessions` dosing sessions at every step (through the demo's
session script, which uses the services; shortly after midnight in the clinic's zone the day
holds fewer steps), adds `--readings` routine vitals to each session under way, then times
board polls and session-screen loads and counts their SQL queries.
"""

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from chart_and_audit import queries_of, setup_django


def build(sessions: int, readings: int) -> tuple[Any, list[Any]]:
    from django.utils import timezone

    from ketacare.clinics.models import Role
    from ketacare.demo.sessions import STAGES, Staff, board_session
    from ketacare.dosing.models import DosingSession
    from ketacare.dosing.services import session_record_vitals
    from ketacare.dosing.tests.builders import ESKETAMINE, IV, course_today
    from tests.factories import ClinicFactory, PatientFactory, staff

    clinic = ClinicFactory.create(name="Bench Clinic", slug=f"bench-{time.time_ns()}")
    nurse = staff(clinic, Role.NURSE, email=f"nurse{time.time_ns()}@bench.test")
    prescriber = staff(clinic, Role.PRESCRIBER, email=f"md{time.time_ns()}@bench.test")
    team = Staff(nurse=nurse, prescriber=prescriber)
    for n in range(sessions):
        patient = PatientFactory.create(clinic=clinic, actor=nurse, family_name=f"Bench{n}")
        code = IV if n % 2 else ESKETAMINE
        course = course_today(patient, nurse=nurse, prescriber=prescriber, code=code)
        stage = STAGES[n % len(STAGES)]
        board_session(course, team, stage=stage, chair=f"Chair {n}", now=timezone.now())
    open_ones = DosingSession.objects.filter(clinic=clinic, status__in=["dosing", "monitoring"])
    dosed = list(open_ones)
    for session in dosed:
        assert session.dose_started_at is not None
        start = session.dose_started_at
        span = timezone.now() - start
        for k in range(readings):
            session_record_vitals(
                actor=nurse, session=session, measured_at=start + span * (k + 1) / (readings + 1),
                sbp=120 + k % 9, dbp=80, hr=70, spo2=98, rr=14,
            )  # fmt: skip
    return nurse, dosed


def timed(client: Any, url: str, loads: int, **headers: str) -> tuple[float, int]:
    queries = queries_of(client, url, **headers)
    start = time.perf_counter()
    for _ in range(loads):
        client.get(url, headers=headers)
    return loads / (time.perf_counter() - start), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--readings", type=int, default=12)
    parser.add_argument("--loads", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.test import Client
        from django.utils import timezone

        from ketacare.dosing.board import board_opened
        from ketacare.dosing.models import DosingSession

        nurse, dosed = build(args.sessions, args.readings)
        client = Client()
        client.force_login(nurse.user)
        # A poll carries when its page was opened, signed (polling stops one idle timeout later).
        board = f"/sessions/board/?{urlencode({'opened': board_opened(timezone.now())})}"
        polls, board_queries = timed(client, board, args.loads, HX_Request="true")
        screen = f"/sessions/{dosed[0].public_id}/" if dosed else "/sessions/today/"
        screens, screen_queries = timed(client, screen, args.loads)
        total = DosingSession.objects.count()
        print(
            f"checked in today={total} under way={len(dosed)} extra readings each={args.readings}"
        )
        print(f"board polls:     {polls:,.1f} /s, {board_queries} SQL queries per poll")
        print(f"session screen:  {screens:,.1f} /s, {screen_queries} SQL queries per load")


if __name__ == "__main__":
    main()
