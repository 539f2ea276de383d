"""The public side end to end, in the browser: a visitor on a phone searches the directory,
opens a clinic's profile and reads its credentials with their dates, its protocol, its
outcomes with their intervals (and a treatment withheld for too few patients) and its reviews;
a patient whose course ended is invited by email, writes a review and the average changes; a
staff member who tries to review their own clinic is refused."""

import re
from typing import Any

import pytest
from django.core import mail

from conftest import Clock, World
from ketacare.clinics.actors import SystemActor
from ketacare.directory.credentials import credential_add, credential_verify
from ketacare.directory.outcomes import published_outcomes_refresh
from ketacare.directory.tests.builders import (
    course_ended_after_a_dose,
    invited,
    membership,
    published,
    published_review,
    treated,
)
from ketacare.directory.tests.test_outcomes import ENDS
from tests.e2e.steps import sign_in
from tests.factories import PatientFactory
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def _harbor_in_the_directory(world: World, clock: Clock) -> None:
    """Harbor: twelve IV courses treated, the IV and esketamine protocols offered, outcomes
    public, Pia's verified licence and Nina's lapsed ACLS on the profile, one review of 2."""
    treated(world, clock, ENDS)
    credential = credential_add(
        actor=world.ada, clinic=world.harbor, membership=membership(world.pia), kind="licence",
        issuer="Massachusetts Board of Registration in Medicine", state="MA", number="MD-22817",
        licence_type="MD", issued_on=world.harbor.today().replace(year=2020),
        expires_on=world.harbor.today().replace(year=2028),
    )  # fmt: skip
    credential_verify(actor=world.ada, credential=credential, against="MA board lookup")
    today = world.harbor.today()
    credential_add(actor=world.ada, clinic=world.harbor, membership=membership(world.nina),
                   kind="acls", issuer="American Heart Association",
                   issued_on=today.replace(year=today.year - 2), expires_on=today.replace(
                       day=1))  # fmt: skip
    published(world, protocol_codes=["iv_ketamine_twice_weekly", "esketamine_trd"],
              rems_certified=True, publish_outcomes=True,
              team=[membership(world.pia), membership(world.nina)])  # fmt: skip
    clock.advance(days=31)  # the clinic's 30-day preview of its outcomes is over
    published_outcomes_refresh(actor=SystemActor("test", world.harbor), clinic=world.harbor,
                               routes=["iv", "esketamine_nasal"])  # fmt: skip
    published_review(world, overall=2, text="Long waits.")


def test_a_visitor_chooses_a_clinic_and_a_patient_reviews_it(
    browser: Any, page: Any, live_server: Any, world: World, clock: Clock
) -> None:
    _harbor_in_the_directory(world, clock)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}/clinics/")
    visitor.get_by_label("State").select_option("MA")
    visitor.get_by_label("Treatment").select_option(label="IV ketamine infusion")
    visitor.get_by_role("button", name="Search").click()
    visitor.get_by_text("1 clinic found").wait_for()
    visitor.get_by_role("link", name="Harbor Clinic").click()
    visitor.get_by_text("Professional licence").first.wait_for()
    text = visitor.locator("main").inner_text()
    assert "MA, no. MD-22817" in text
    assert "against MA board lookup" in text
    assert re.search(r"expired \d+ \w+ \d{4}", text)  # Nina's ACLS
    assert "0.5 mg per kg of body weight, as an infusion into a vein, over 40 minutes." in text
    assert "75% (9 of 12)" in text
    assert "47% to 91%" in text
    assert "Fewer than 11 patients" in text  # esketamine: none treated yet
    assert "2.0 out of 5" in text
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390

    reviewer = PatientFactory.create(
        clinic=world.harbor, actor=world.nina, email="sam@example.test"
    )
    course_ended_after_a_dose(world, reviewer)
    clock.advance(minutes=16)
    run_jobs()
    (invitation,) = [m for m in mail.outbox if m.to == ["sam@example.test"]]
    link = re.search(r"http\S+(/reviews/write/\S+/)", str(invitation.body))
    assert link is not None
    visitor.goto(f"{live_server.url}{link.group(1)}")
    for legend in ("Overall", "Safety and monitoring", "Explanations and communication",
                   "Comfort of the setting"):  # fmt: skip
        visitor.get_by_role("group", name=legend).get_by_label("5 of 5").check()
    visitor.get_by_role("textbox", name="Your review:", exact=True).fill(
        "Every step was explained; I felt safe."
    )
    visitor.get_by_role("button", name="Publish my review").click()
    visitor.get_by_text("Thank you: your review is published.").wait_for()
    visitor.goto(f"{live_server.url}/clinics/harbor/")
    visitor.get_by_text("3.5 out of 5").wait_for()
    assert "Every step was explained; I felt safe." in visitor.locator("main").inner_text()
    phone.close()

    staff_patient = PatientFactory.create(clinic=world.harbor, actor=world.nina)
    _, token = invited(world, staff_patient)
    sign_in(page, live_server, "nina@harbor.test")
    page.goto(f"{live_server.url}/reviews/write/{token}/")
    for legend in ("Overall", "Safety and monitoring", "Explanations and communication",
                   "Comfort of the setting"):  # fmt: skip
        page.get_by_role("group", name=legend).get_by_label("5 of 5").check()
    page.get_by_role("textbox", name="Your review:", exact=True).fill("Best clinic ever.")
    page.get_by_role("button", name="Publish my review").click()
    page.get_by_text("Staff of a clinic cannot review it.").wait_for()
