"""Benchmark: the questionnaire-reminder pass over many open assignments (issue #9).

Two clinics, one with `--small` open questionnaire assignments and one with `--assignments`,
two per patient (PHQ-9 and GAD-7), for patients with portal sign-ins: most have had no reminder
yet, some had the first one (and some of those are past halfway, so the second is due), and a
few patients turned reminders off or lost their sign-in. One patient per clinic is set up
through the services; the rest are bulk-inserted copies. Each pass then runs in a fresh process
(so its peak RSS is its own, not the build's): a bare pass that iterates the same open rows,
then the reminder pass as the job's attempt runs it, in one transaction, at an explicit moment
outside the clinic's quiet hours. Reported: seconds per assignment and the ratio to the bare
pass, and memory (peak RSS growth and tracemalloc's peak) at both sizes.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from chart_and_audit import ROOT, setup_django

# A Wednesday mid-morning in the clinic's zone: outside the default quiet hours (21:00-08:00).
NOW = dt.datetime(2026, 6, 17, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
BATCH = 5000
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def copy(row: Any, **changes: Any) -> Any:
    """An unsaved row with `row`'s values, a fresh public id, and `changes`."""
    fields = [f for f in row._meta.concrete_fields if f.name not in changes and not f.primary_key]
    values = {f.attname: getattr(row, f.attname) for f in fields}
    if "public_id" in values:
        values["public_id"] = uuid.uuid4()
    return type(row)(**values | changes)


def build_clinic(assignments: int, rng: random.Random) -> str:
    """A clinic with `assignments` open questionnaires; returns its slug."""
    from ketacare.clinics.models import Role
    from ketacare.patients.services import patient_account_create
    from tests.factories import ClinicFactory, PatientFactory, staff

    slug = f"bench-{time.time_ns()}"
    clinic = ClinicFactory.create(name="Bench Clinic", slug=slug)
    nurse = staff(clinic, Role.NURSE, email=f"nurse-{slug}@bench.test")
    patient = PatientFactory.create(clinic=clinic, actor=nurse, family_name="Template")
    account = patient_account_create(
        actor=nurse, patient=patient, email=f"template-{slug}@bench.test", password=None
    )
    for first in range(0, assignments // 2, BATCH):
        count = min(BATCH, assignments // 2 - first)
        add_patients(account, nurse.user, first, count, rng)
    return slug


def add_patients(template: Any, assigner: Any, first: int, count: int, rng: random.Random) -> None:
    from ketacare.accounts.models import User
    from ketacare.patients.models import Patient, PatientAccount

    tag = template.patient.clinic.slug
    users = User.objects.bulk_create(
        [
            # One in twenty lost their sign-in (a deactivated user is not reminded).
            copy(
                template.user, email=f"p{first + k}-{tag}@bench.test", is_active=rng.random() > 0.05
            )
            for k in range(count)
        ]
    )
    patients = Patient.objects.bulk_create(
        [copy(template.patient, mrn=f"B{first + k:07d}") for k in range(count)]
    )
    PatientAccount.objects.bulk_create(
        [
            # One in ten turned reminders off at the portal.
            PatientAccount(user=u, patient=p, reminders=rng.random() > 0.1)
            for u, p in zip(users, patients, strict=True)
        ]
    )
    add_assignments(patients, assigner, rng)


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    expires_at: dt.datetime
    reminded: bool  # the first reminder was sent when it opened


def window_of(rng: random.Random) -> Window:
    """Opened up to two days before NOW, open for two to seven days (so open at NOW)."""
    opens = NOW - dt.timedelta(hours=rng.uniform(0.5, 48))
    expires = opens + dt.timedelta(days=rng.choice([2, 3, 5, 7]))
    return Window(opens, max(expires, NOW + dt.timedelta(hours=1)), rng.random() < 0.35)


def add_assignments(patients: list[Any], assigner: Any, rng: random.Random) -> None:
    from ketacare.measurement.models import QuestionnaireAssignment, QuestionnaireReminder

    rows: list[Any] = []
    windows: list[Window] = []
    for patient in patients:
        for instrument in ("phq9", "gad7"):
            window = window_of(rng)
            windows.append(window)
            rows.append(
                QuestionnaireAssignment(
                    clinic_id=patient.clinic_id,
                    patient=patient,
                    instrument=instrument,
                    opens_at=window.opens_at,
                    expires_at=window.expires_at,
                    assigned_by=assigner,
                    reminders_sent=int(window.reminded),  # the reminder row below
                )
            )
    made = QuestionnaireAssignment.objects.bulk_create(rows)
    QuestionnaireReminder.objects.bulk_create(
        [
            QuestionnaireReminder(assignment=row, number=1, sent_at=w.opens_at)
            for row, w in zip(made, windows, strict=True)
            if w.reminded
        ]
    )


def open_rows(clinic: Any) -> Any:
    """The rows the reminder pass reads: open at NOW, for patients who want reminders."""
    from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment

    return QuestionnaireAssignment.objects.filter(
        clinic=clinic,
        status=AssignmentStatus.OPEN,
        opens_at__lte=NOW,
        expires_at__gt=NOW,
        patient__account__reminders=True,
        patient__account__user__is_active=True,
    )


def bare_pass(clinic: Any) -> int:
    """The floor any pass pays: every open row read once, in chunks."""
    return sum(1 for _ in open_rows(clinic).order_by("pk").iterator(chunk_size=500))


def reminder_pass(clinic: Any) -> int:
    """The pass as the job runs it: `@background` gives each attempt one transaction, so what
    `remind_clinic` queues is held until the attempt commits."""
    from django.db import transaction

    from ketacare.measurement.models import QuestionnaireReminder
    from ketacare.measurement.reminders import remind_clinic

    before = QuestionnaireReminder.objects.filter(assignment__clinic=clinic).count()
    with transaction.atomic():
        remind_clinic(clinic, NOW)
    return QuestionnaireReminder.objects.filter(assignment__clinic=clinic).count() - before


def measured(kind: str, slug: str) -> dict[str, float]:
    """Run one pass in this process: elapsed seconds, rows, peak RSS growth, tracemalloc peak."""
    from ketacare.clinics.models import Clinic

    clinic = Clinic.objects.get(slug=slug)
    rows = open_rows(clinic).count()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    done = bare_pass(clinic) if kind == "bare" else reminder_pass(clinic)
    elapsed = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "done": done,
        "seconds": elapsed,
        "rss_growth_mb": (rss_after - rss_before) / 1024,  # ru_maxrss is in KiB on Linux
        "traced_peak_mb": traced_peak / 2**20,
    }


def in_child(kind: str, slug: str) -> dict[str, float]:
    """`measured` in a fresh process on the same database (the environment carries it)."""
    command = [sys.executable, __file__, "--measure", kind, "--clinic", slug]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


def report(size: int, slug: str) -> dict[str, float]:
    bare = in_child("bare", slug)
    job = in_child("job", slug)
    per_bare = bare["seconds"] / bare["rows"]
    per_job = job["seconds"] / job["rows"]
    print(
        f"assignments={size:,} open for reminders={job['rows']:,.0f}"
        f" reminders sent={job['done']:,.0f}\n"
        f"  bare pass:     {bare['seconds']:7.2f} s, {per_bare * 1e6:6.1f} us/row,"
        f" peak RSS +{bare['rss_growth_mb']:.0f} MB, traced peak {bare['traced_peak_mb']:.1f} MB\n"
        f"  reminder pass: {job['seconds']:7.2f} s, {per_job * 1e6:6.1f} us/row"
        f" ({per_job / per_bare:.0f}x the bare pass),"
        f" peak RSS +{job['rss_growth_mb']:.0f} MB, traced peak {job['traced_peak_mb']:.1f} MB"
    )
    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--measure", choices=["bare", "job"], help=argparse.SUPPRESS)
    parser.add_argument("--clinic", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The pass only queues its emails; should anything send one, it stays in memory.
    os.environ["KETACARE_EMAIL_BACKEND"] = LOCMEM
    if args.measure:
        # The parent migrated; migrating again here would set the RSS peak before the pass.
        sys.path.insert(0, str(ROOT))
        django.setup()
        print(json.dumps(measured(args.measure, args.clinic)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        rng = random.Random(9)
        start = time.perf_counter()
        sizes = {size: build_clinic(size, rng) for size in (args.small, args.assignments)}
        print(f"built {sum(sizes):,} assignments in {time.perf_counter() - start:.0f} s (bulk)")
        small, large = (report(size, slug) for size, slug in sizes.items())
        growth = large["traced_peak_mb"] / small["traced_peak_mb"]
        # What each further reminder sent keeps until the pass ends (0 when memory is bounded).
        per_row = (large["traced_peak_mb"] - small["traced_peak_mb"]) / (
            large["done"] - small["done"]
        )
        verdict = "bounded" if growth < 2 else "GROWS with the count"
        print(
            f"traced peak x{growth:.1f} for x{args.assignments / args.small:g} assignments,"
            f" {per_row * 2**10:.1f} KB more per further reminder: {verdict}"
        )


if __name__ == "__main__":
    main()
