"""Staff working through the pages in a real browser."""

from typing import Any

import pytest

from conftest import World
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nurse_finds_a_patient_and_records_weight_with_bmi(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server, "nina@harbor.test")
    page.get_by_label("Search by name, date of birth or MRN").fill("Riv")
    page.get_by_role("link", name="Rivera, Paula").click()
    page.get_by_role("heading", name="Paula Rivera").wait_for()
    body = page.locator("section", has=page.locator("#h-body"))
    body.get_by_role("link", name="Add").click()
    page.get_by_label("Measured at").fill("2026-11-20T09:30")
    page.get_by_label("Weight (kg)").fill("900")
    page.get_by_label("Height (cm)").fill("170")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Weight must be between 2 and 400 kg.").is_visible()
    assert page.get_by_label("Height (cm)").input_value() == "170"
    page.get_by_label("Weight (kg)").fill("72.5")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Weight and height saved.").wait_for()
    assert "BMI 25.1" in body.inner_text()


def test_front_desk_registers_a_patient_after_fixing_a_mistake(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server, "fran@harbor.test")
    page.get_by_role("link", name="Register patient").first.click()
    page.get_by_label("Given name").fill("Iris")
    page.get_by_label("Family name").fill("Lindqvist")
    page.get_by_label("Sex assigned at birth").select_option("female")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("This field is required.").is_visible()
    assert page.get_by_label("Family name").input_value() == "Lindqvist"
    page.get_by_label("Date of birth").fill("1975-08-09")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Iris Lindqvist").wait_for()
    assert page.get_by_text("Current medications").count() == 0


def test_a_nurse_of_another_clinic_meets_a_404_for_our_patient(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server, "sol@summit.test")
    response = page.goto(f"{live_server.url}/patients/{world.patient.public_id}/")
    assert response.status == 404
    assert "Rivera" not in page.content()


def test_a_clinic_admin_reads_the_audit_report(page: Any, live_server: Any, world: World) -> None:
    sign_in(page, live_server, "ada@harbor.test")
    page.get_by_role("link", name="Audit report").click()
    page.get_by_label("User email").fill("nina@harbor.test")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("cell", name="nina@harbor.test").first.is_visible()
