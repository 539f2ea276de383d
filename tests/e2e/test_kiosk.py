"""The clinic's tablet at check-in, in Chromium at a tablet's width: the front desk opens a
kiosk code on the patient's portal page, the patient types it on the tablet, answers the
questionnaire due with the keyboard alone, and the tablet locks itself; the code then opens
nothing."""

import re
from typing import Any

from conftest import World
from ketacare.measurement.tests.builders import sent_to_paula
from tests.e2e.steps import sign_in

TABLET = {"width": 768, "height": 1024}


def test_a_patient_answers_at_the_tablet_and_it_locks_after(
    browser: Any, page: Any, live_server: Any, world: World
) -> None:
    sent_to_paula(world)
    sign_in(page, live_server, "fran@harbor.test")
    page.goto(f"{live_server.url}/patients/{world.patient.public_id}/portal/")
    page.get_by_role("button", name="Open a kiosk code").click()
    code = page.locator(".kiosk-code").inner_text()
    assert re.fullmatch(r"\w{4} \w{4}", code)

    tablet = browser.new_context(viewport=TABLET).new_page()
    tablet.set_default_timeout(10_000)
    tablet.goto(f"{live_server.url}/kiosk/")
    tablet.get_by_label("Kiosk code").fill(code)
    tablet.keyboard.press("Enter")
    tablet.get_by_role("heading", name=f"Hello, {world.patient.given_name}").wait_for()
    tablet.get_by_role("link", name=re.compile("PHQ-9")).click()
    for item in range(1, 10):
        group = tablet.get_by_role("group", name=re.compile(f"^{item}\\. "))
        group.get_by_label("Not at all").focus()
        tablet.keyboard.press("Space")
    tablet.get_by_role("button", name="Send my answers").focus()
    tablet.keyboard.press("Enter")
    tablet.get_by_text("This tablet is now locked").wait_for()
    tablet.goto(f"{live_server.url}/kiosk/questionnaires/")
    tablet.get_by_role("heading", name="Questionnaires at the clinic").wait_for()

    tablet.get_by_label("Kiosk code").fill(code)
    tablet.get_by_role("button", name="Open my questionnaires").click()
    tablet.get_by_role(
        "link", name=re.compile("That code is not right, or it has expired")
    ).wait_for()
    tablet.context.close()
