"""Benchmark: the public directory (issue #11) against bare pages served by the same Django
in the same run.

One clinic is published through the services (its IV protocol, a verified credential, a
review); `--clinics` more are bulk copies of its published listing in other cities and states.
Then, alternately, each page is loaded `--loads` times as an anonymous visitor: a bare view
returning a short response, a bare view rendering a 50-row table from one query, the clinic's
profile page, and the directory searched by state and treatment over every clinic. Reported:
seconds per load, the ratio to the 50-row baseline, SQL queries per load; the issue asks the
profile to be served at least at half the baseline's rate (a ratio of at most 2).
"""

import argparse
import copy
import datetime as dt
import random
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from chart_and_audit import queries_of, setup_django

SHORT = "/bench/short/"
TABLE = "/bench/table/"
PROFILE = "/clinics/bench-clinic/"
SEARCH = "/clinics/?state=MA&route=iv"
STATES = ("MA", "NY", "CA", "TX", "CO", "IL", "FL", "WA", "OR", "AZ")


def baseline_urls() -> types.ModuleType:
    """The project's URLs plus the two bare pages."""
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import include, path

    from ketacare.core.http import public_view
    from ketacare.directory.models import ClinicProfile

    table = engines["django"].from_string(
        "<table>{% for row in rows %}<tr><td>{{ row.pk }}</td><td>{{ row.clinic_id }}</td>"
        "<td>{{ row.updated_at }}</td></tr>{% endfor %}</table>"
    )

    @public_view
    def short(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @public_view
    def rows(request: HttpRequest) -> HttpResponse:
        found = ClinicProfile.objects.only("pk", "clinic_id", "updated_at")[:50]
        return HttpResponse(table.render({"rows": list(found)}, request))

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(SHORT.lstrip("/"), short),
        path(TABLE.lstrip("/"), rows),
        path("", include("config.urls")),
    ]
    return urls


def build(clinics: int) -> None:
    from ketacare.clinics.models import Clinic, Role
    from ketacare.directory.models import ClinicProfile
    from ketacare.directory.profile import profile_publish, profile_update
    from tests.factories import ClinicFactory, staff

    clinic = ClinicFactory.create(name="Bench Clinic", slug="bench-clinic", city="Boston",
                                  state="MA", phone="555-0100")  # fmt: skip
    admin = staff(clinic, Role.CLINIC_ADMIN, email="admin@bench.test")
    profile_update(actor=admin, clinic=clinic, description="A clinic for the benchmark.",
                   protocol_codes=["iv_ketamine_twice_weekly"], languages=["en"],
                   hours={str(d): ["08:00", "17:00"] for d in range(5)})  # fmt: skip
    live = profile_publish(actor=admin, clinic=clinic).live
    assert live is not None
    rng = random.Random(11)
    start = time.perf_counter()
    rows = [Clinic(name=f"Clinic {n}", slug=f"clinic-{n}", city=f"City {n % 400}",
                   state=rng.choice(STATES)) for n in range(clinics)]  # fmt: skip
    Clinic.objects.bulk_create(rows, batch_size=1000)
    now = dt.datetime.now(dt.UTC)
    profiles = []
    for row in Clinic.objects.exclude(pk=clinic.pk):
        facts = copy.deepcopy(live)
        facts |= {"name": row.name, "slug": row.slug}
        facts["address"] |= {"city": row.city, "state": row.state}
        profiles.append(ClinicProfile(clinic=row, live=facts, published_at=now,
                                      live_changed_at=now))  # fmt: skip
    ClinicProfile.objects.bulk_create(profiles, batch_size=1000)
    print(f"built {clinics:,} published clinics in {time.perf_counter() - start:.1f} s (bulk)")


def timed(client: Any, loads: int, urls: list[str]) -> dict[str, float]:
    spent = dict.fromkeys(urls, 0.0)
    for _ in range(loads):
        for url in urls:
            begin = time.perf_counter()
            client.get(url)
            spent[url] += time.perf_counter() - begin
    return {url: seconds / loads for url, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clinics", type=int, default=5000)
    parser.add_argument("--loads", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.conf import settings
        from django.test import Client

        settings.ROOT_URLCONF = baseline_urls()
        build(args.clinics)
        client = Client()
        urls = [SHORT, TABLE, PROFILE, SEARCH]
        queries = {url: queries_of(client, url) for url in urls}
        seconds = timed(client, args.loads, urls)
        base = seconds[TABLE]
        for url in urls:
            print(f"{url:34} {seconds[url] * 1000:7.2f} ms per load, {base / seconds[url]:5.2f}"
                  f" of the 50-row baseline's rate, {queries[url]} SQL queries")  # fmt: skip
        ratio = base / seconds[PROFILE]
        verdict = "meets" if ratio >= 0.5 else "misses"
        print(f"profile at {ratio:.2f} of the baseline's rate: {verdict} the target of 0.5")


if __name__ == "__main__":
    main()
