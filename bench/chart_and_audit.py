"""Benchmark: chart reads (each audited) and audit-chain verification as history grows."""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup_django(scratch: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("KETACARE_VAR_DIR", str(scratch))
    os.environ.setdefault("KETACARE_SQLITE_PATH", str(scratch / "bench.sqlite3"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(patients: int, entries: int) -> tuple[Any, list[Any]]:
    from ketacare.clinics.models import Role
    from ketacare.patients import services
    from tests.factories import ClinicFactory, PatientFactory, staff

    clinic = ClinicFactory.create(name="Bench Clinic", slug=f"bench-{time.time_ns()}")
    nurse = staff(clinic, Role.NURSE, email=f"nurse{time.time_ns()}@bench.test")
    made = []
    for n in range(patients):
        patient = PatientFactory.create(clinic=clinic, actor=nurse, family_name=f"Bench{n}")
        for k in range(entries):
            when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=k)
            services.measurement_record(
                actor=nurse,
                patient=patient,
                measured_at=when,
                weight_kg=Decimal(70 + k % 9),
                height_cm=Decimal(172),
            )
            services.medication_record(actor=nurse, patient=patient, name=f"Drug {k}")
        made.append(patient)
    return nurse, made


def queries_of(client: Any, url: str, **headers: str) -> int:
    """The SQL queries one page load runs (the page must answer 200)."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(executed)


def time_reads(nurse: Any, patients: list[Any], reads: int) -> tuple[float, int]:
    from django.test import Client

    client = Client()
    client.force_login(nurse.user)
    queries = queries_of(client, f"/patients/{patients[0].public_id}/")
    start = time.perf_counter()
    for n in range(reads):
        client.get(f"/patients/{patients[n % len(patients)].public_id}/")
    return reads / (time.perf_counter() - start), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from ketacare.core.audit import verify_chains
        from ketacare.core.models import AuditEvent

        start = time.perf_counter()
        nurse, patients = build(args.patients, args.entries)
        events = AuditEvent.objects.count()
        append_rate = events / (time.perf_counter() - start)
        reads_per_s, queries = time_reads(nurse, patients, args.reads)
        start = time.perf_counter()
        problems = verify_chains()
        verify_s = time.perf_counter() - start
        total = AuditEvent.objects.count()
        print(f"patients={args.patients} entries/patient={args.entries * 2} events={total}")
        print(f"audited writes: {append_rate:,.0f} events/s (services, one transaction each)")
        print(f"chart reads:    {reads_per_s:,.1f} pages/s, {queries} SQL queries per page")
        print(
            f"audit verify:   {verify_s:.2f} s ({verify_s / total * 10_000:.2f} s per 10k events),"
            f" problems={len(problems)}"
        )


if __name__ == "__main__":
    main()
