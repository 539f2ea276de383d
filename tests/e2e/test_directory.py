"""The public directory in the browser: the clinic admin drafts the profile, previews it and
publishes it; a visitor on a phone finds the clinic and reads its protocol in plain words."""

from typing import Any

import pytest

from conftest import World
from tests.e2e.steps import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = None  # a folder name here keeps screenshots for a look; None in commits


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_an_admin_publishes_the_profile_and_a_visitor_on_a_phone_finds_it(
    page: Any, browser: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server, "ada@harbor.test")
    page.get_by_role("link", name="Public profile").click()
    page.get_by_label("About the clinic").fill("Quiet rooms and a psychiatrist on site.")
    page.get_by_label("IV ketamine 0.5 mg/kg over 40 min, twice weekly for 3 weeks").check()
    page.get_by_label("Spanish").check()
    page.get_by_label("Monday opens").fill("08:00")
    page.get_by_label("Monday closes").fill("07:00")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_text("Monday closes: Monday: close after opening.").wait_for()
    assert page.get_by_label("About the clinic").input_value().startswith("Quiet rooms")
    page.get_by_label("Monday closes").fill("17:00")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("link", name="Preview").click()
    page.get_by_text("Preview: not public.").wait_for()
    _shot(page, "preview")
    page.get_by_role("link", name="Back to the profile settings").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: the profile is in the directory as previewed.").wait_for()
    _shot(page, "edit")
    sign_out(page)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}/clinics/")
    visitor.get_by_label("Treatment").select_option(label="IV ketamine infusion")
    visitor.get_by_label("Language").select_option(label="Spanish")
    visitor.get_by_role("button", name="Search").click()
    visitor.get_by_text("1 clinic found").wait_for()
    _shot(visitor, "directory")
    visitor.get_by_role("link", name="Harbor Clinic").click()
    visitor.get_by_role("heading", name="Harbor Clinic", level=1).wait_for()
    dose = "0.5 mg per kg of body weight, as an infusion into a vein, over 40 minutes."
    visitor.get_by_text(dose).wait_for()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(visitor, "profile")
    phone.close()
