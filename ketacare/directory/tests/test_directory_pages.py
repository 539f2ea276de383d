"""The public side: the directory's search, a clinic's profile, the sitemap; and the admin's
profile page. Nothing public names a patient or the visitor."""

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from conftest import Clock, World, client_for
from ketacare.clinics.models import Role
from ketacare.core.http import PUBLIC
from ketacare.directory.tests.builders import membership, published, published_review
from ketacare.patients.models import Patient
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.tests.builders import builtin
from tests.factories import ClinicFactory, staff

pytestmark = pytest.mark.django_db


def _two_clinics(world: World) -> None:
    published(world, languages=["en", "es"], telehealth=True)
    published(world, world.summit, protocol_codes=["esketamine_trd"], rems_certified=True,
              accepting_new_patients=False)  # fmt: skip


def _found(client: Client, **query: str) -> list[str]:
    page = client.get(reverse("directory:directory"), query)
    assert page.status_code == 200
    return re.findall(r'<h3><a href="/clinics/([a-z-]+)/">', page.content.decode())


def test_a_visitor_finds_clinics_by_place_treatment_language_and_what_they_offer(
    world: World,
) -> None:
    _two_clinics(world)
    visitor = Client()
    assert _found(visitor) == ["harbor", "summit"]
    assert _found(visitor, state="ma") == ["harbor"]
    assert _found(visitor, city="Denver") == ["summit"]
    assert _found(visitor, route="esketamine_nasal") == ["summit"]
    assert _found(visitor, language="es") == ["harbor"]
    assert _found(visitor, accepting="1", telehealth="1") == ["harbor"]
    assert _found(visitor, rems="1") == ["summit"]
    assert _found(visitor, route="im") == []


def test_a_search_outside_the_choices_is_refused_naming_the_field_and_what_it_allows(
    world: World,
) -> None:
    _two_clinics(world)
    page = Client().get(reverse("directory:directory"), {"route": "ayahuasca", "city": "Boston"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "route: allowed values are iv, esketamine_nasal, im, sublingual, oral." in text
    assert 'value="Boston"' in text  # what was typed stays in the form
    assert Client().get(reverse("directory:directory"), {"rems": "yes"}).status_code == 400


def test_the_directory_is_read_from_the_cache_until_what_is_published_changes(
    world: World, clock: Clock, django_assert_num_queries: Any
) -> None:
    published(world)
    visitor = Client()
    _found(visitor)
    with django_assert_num_queries(1):  # the cache key; the listings come from the cache
        assert _found(visitor) == ["harbor"]
    clock.advance(minutes=1)
    published(world, world.summit)
    assert _found(visitor) == ["harbor", "summit"]


def test_a_profile_shows_the_protocol_in_plain_words_with_schema_org_markup(
    world: World, django_assert_max_num_queries: Any
) -> None:
    published(world, team=[membership(world.pia)])
    with django_assert_max_num_queries(6):  # profile, protocols, credentials, reviews (2)
        page = Client().get(reverse("directory:profile", args=["harbor"]))
    text = page.content.decode()
    assert "0.5 mg per kg of body weight, as an infusion into a vein, over 40 minutes." in text
    assert "Induction: twice a week for 3 weeks, up to 6 sessions." in text
    assert "Vital signs are taken every 15 minutes." in text
    assert "Pia Prescriber" in text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert script is not None
    data = json.loads(script.group(1))
    assert (data["@type"], data["name"], data["address"]["addressLocality"]) == (
        "MedicalClinic", "Harbor Clinic", "Boston",
    )  # fmt: skip
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification", "dayOfWeek": "Monday",
        "opens": "08:00", "closes": "17:00",
    }  # fmt: skip
    assert '<link rel="canonical" href="http://testserver/clinics/harbor/">' in text
    assert page["Cache-Control"] == "public, max-age=300"


def test_a_new_protocol_version_replaces_the_public_text_and_the_old_is_listed_superseded(
    world: World, clock: Clock
) -> None:
    published(world)
    clock.advance(days=3)
    protocol_version_create(actor=world.ada, base=builtin(world.harbor, "iv_ketamine_twice_weekly"),
                            dose_mg_per_kg=0.75, change_note="Higher start")  # fmt: skip
    text = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "0.75 mg per kg of body weight" in text
    assert "0.5 mg per kg" not in text
    assert re.search(r"Earlier versions, superseded: version 1 \(", text)


def test_an_unpublished_clinic_has_no_public_page_and_its_admin_previews_the_draft(
    world: World,
) -> None:
    published(world, world.summit)
    assert Client().get(reverse("directory:profile", args=["harbor"])).status_code == 404
    ada = client_for(world.ada)
    ada.post(reverse("directory:edit"), {
        "description": "Draft words", "protocol_codes": ["iv_ketamine_twice_weekly"],
        "languages": ["en"], "opens_0": "09:00", "closes_0": "12:00",
    })  # fmt: skip
    preview = ada.get(reverse("directory:preview"))
    assert "Preview: not public." in preview.content.decode()
    assert "Draft words" in preview.content.decode()
    assert '<meta name="robots" content="noindex">' in preview.content.decode()
    assert "harbor" not in _found(Client())
    assert client_for(world.nina).get(reverse("directory:preview")).status_code == 403


def test_a_refused_draft_keeps_what_was_typed_and_names_the_day(world: World) -> None:
    page = client_for(world.ada).post(reverse("directory:edit"), {
        "description": "Kept text", "opens_2": "17:00", "closes_2": "08:00", "opens_4": "09:00",
    })  # fmt: skip
    assert page.status_code == 400
    text = page.content.decode()
    assert "Wednesday closes: Wednesday: close after opening." in text
    assert "Friday closes: Friday: give both times, or neither when closed." in text
    assert "Kept text" in text


def test_publishing_from_the_page_names_what_is_missing(world: World) -> None:
    summit_admin = staff(world.summit, Role.CLINIC_ADMIN)
    page = client_for(summit_admin).post(reverse("directory:publish"))
    assert page.status_code == 400
    assert "Give the clinic&#x27;s city on Clinic details before publishing." in (
        page.content.decode()
    )


def test_the_sitemap_lists_the_directory_and_the_published_profiles_only(world: World) -> None:
    published(world)
    xml = Client().get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/clinics/harbor/</loc>" in xml
    assert "/clinics/summit/" not in xml
    assert "Sitemap: http://testserver/sitemap.xml" in Client().get("/robots.txt").content.decode()


def _public_paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    paths = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _public_paths(entry, route)
        elif getattr(entry.callback, "permission_rule", None) == PUBLIC:
            paths.append(route)
    return paths


def test_no_public_page_carries_a_patient_identifier_or_the_visitors_name(world: World) -> None:
    _two_clinics(world)
    published_review(world)  # the reviewer is Paula Rivera, a patient of Harbor
    secrets = [w for p in Patient.objects.all()
               for w in (p.given_name, p.family_name, p.mrn, str(p.public_id))]  # fmt: skip
    signed_in = client_for(world.ada)
    pages = [path.replace("<slug:slug>", "harbor") for path in _public_paths(get_resolver())]
    pages = [p for p in pages if "<" not in p and p.startswith(("clinics", "sitemap", "robots"))]
    assert len(pages) == 5
    for path in pages:
        for client in (Client(), signed_in):
            text = client.get("/" + path).content.decode()
            assert not [s for s in secrets if s in text], path
            assert "Ada Admin" not in text, path


def test_a_kept_profile_page_costs_one_query_until_what_it_shows_changes(
    world: World, django_assert_num_queries: Any
) -> None:
    published(world)
    page = reverse("directory:profile", args=["harbor"])
    Client().get(page)
    with django_assert_num_queries(1):
        Client().get(page)
    published_review(world, text="Kind nurses.")  # a new review shows at once
    assert "Kind nurses." in Client().get(page).content.decode()


def test_the_directory_lists_twenty_clinics_a_page_keeping_the_search(world: World) -> None:
    for n in range(21):
        clinic = ClinicFactory.create(name=f"Clinic {n:02}", slug=f"clinic-{n:02}")
        published(world, clinic)
    first = Client().get(reverse("directory:directory"), {"route": "iv"}).content.decode()
    assert first.count("<h3>") == 20
    assert "21 clinics found" in first
    assert 'href="?route=iv&amp;page=2"' in first
    second = Client().get(reverse("directory:directory"), {"route": "iv", "page": "2"})
    assert second.content.decode().count("<h3>") == 1
