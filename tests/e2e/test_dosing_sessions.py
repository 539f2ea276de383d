"""Whole dosing sessions walked in the browser, check-in to discharge, with the server's clock
run forward through the infusion and the observation period."""

from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import Clock, World
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import IV, course_today
from ketacare.rems.models import RemsMonitoringForm
from tests.e2e.steps import form_with, sign_in, sign_out, submit

pytestmark = pytest.mark.django_db(transaction=True)


def _check_in(page: Any, live_server: Any, chair: str) -> None:
    page.goto(f"{live_server.url}/sessions/today/")
    page.get_by_label("Chair").fill(chair)
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("is checked in.").wait_for()


def _phq9_all_zero(page: Any) -> None:
    page.get_by_role("link", name="Record PHQ-9").click()
    for item in range(1, 10):
        page.locator(f"#fs-item_{item} input[value='0']").check()
    page.get_by_role("button", name="Save and score").click()
    page.get_by_text("(PHQ-9) saved.").wait_for()


def _vitals(page: Any, checkpoint: str, sbp: int, dbp: int) -> None:
    form = form_with(page, "Record vitals")
    form.get_by_label("Checkpoint").select_option(label=checkpoint)
    for label, value in (
        ("SBP (mmHg)", sbp),
        ("DBP (mmHg)", dbp),
        ("HR (/min)", 74),
        ("SpO2 (%)", 98),
        ("RR (/min)", 14),
    ):
        form.get_by_label(label).fill(str(value))
    submit(page, "Record vitals", "Vitals recorded.")


def _checklist(page: Any) -> None:
    form = form_with(page, "Save checklist")
    for label in (
        "Identity confirmed",
        "Fasting as the protocol asks",
        "Driver home arranged",
        "Pregnancy status checked",
        "Concomitant medicines reviewed",
    ):
        form.get_by_label(label).check()
    submit(page, "Save checklist", "Checklist saved.")


def _scores_after_the_dose(page: Any) -> None:
    form_with(page, "Record MOAA/S").get_by_label("MOAA/S").select_option("5")
    submit(page, "Record MOAA/S", "MOAA/S recorded.")
    cadss = form_with(page, "Record CADSS-6")
    for item in range(1, 7):
        cadss.get_by_label(f"CADSS-6 item {item}").select_option("0")
    submit(page, "Record CADSS-6", "CADSS-6 recorded.")


def _wait_at_the_chair(page: Any, clock: Clock, minutes: int) -> None:
    """Time passes; the nurse looks at the screen every 10 minutes."""
    for _ in range(minutes // 10):
        clock.advance(10)
        page.reload()


def _discharge(page: Any) -> None:
    form = form_with(page, "Discharge")
    form.get_by_label("Vital signs acceptable").check()
    form.get_by_label("I confirm the patient is clinically stable to leave").check()
    form.get_by_label("No-driving instruction given", exact=False).check()
    submit(page, "Discharge", "Patient discharged.")


def _section(page: Any, heading: str) -> str:
    return str(page.locator("section", has=page.get_by_role("heading", name=heading)).inner_text())


def _status(page: Any) -> str:
    return str(page.locator(".chair-status").inner_text())


def test_a_nurse_runs_an_iv_infusion_from_check_in_to_discharge(
    page: Any, live_server: Any, world: World, clock: Clock
) -> None:
    # The course's first session is today; the patient was weighed on arrival (80 kg).
    course_today(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    sign_in(page, live_server, "nina@harbor.test")
    _check_in(page, live_server, "Chair 3")
    assert _status(page) == "Checked in"
    _phq9_all_zero(page)
    _vitals(page, "Pre-dose", 122, 78)
    _checklist(page)
    assert _status(page) == "Cleared for dosing"
    assert "Ordered: 40.0 mg (actual weight 80.0 kg, weighed today)" in _section(
        page, "Administration"
    )

    dose = form_with(page, "Record administration")
    dose.get_by_label("Lot number").fill("KET-2291")
    dose.get_by_label("Lot expiry").fill(f"{clock().year + 1}-06-30")
    dose.get_by_label("Dose (mg)").fill("40")
    dose.get_by_label("IV concentration (mg/mL)").fill("1")
    dose.get_by_label("Infusion minutes").fill("40")
    submit(page, "Record administration", "Administration recorded.")
    assert _status(page) == "Dosing"
    assert "1.00 mg/mL at 60.00 mg/h = 60.00 mL/h" in _section(page, "Administration")

    _wait_at_the_chair(page, clock, 20)
    side_effect = form_with(page, "Record side effect")
    side_effect.get_by_label("Kind").select_option("nausea")
    side_effect.get_by_label("Severity").select_option("mild")
    submit(page, "Record side effect", "Side effect recorded.")
    _vitals(page, "Routine", 134, 84)

    _wait_at_the_chair(page, clock, 20)
    submit(page, "Stop infusion", "Infusion stopped.")
    assert _status(page) == "Monitoring"
    _vitals(page, "About 40 min after the dose", 130, 82)

    _wait_at_the_chair(page, clock, 30)
    _vitals(page, "Before discharge", 124, 80)
    _scores_after_the_dose(page)
    _discharge(page)
    assert _status(page) == "Discharged"

    session = DosingSession.objects.get()
    assert session.status == "discharged"
    assert session.administrations.get().rate_ml_per_h == Decimal("60.00")
    assert session.side_effects.get().kind == "nausea"


def _rest(page: Any, clock: Clock, minutes: int) -> None:
    clock.advance(minutes)
    page.reload()


def test_an_esketamine_session_with_a_prescribers_override_ends_in_the_rems_form_pdf(
    page: Any, live_server: Any, world: World, clock: Clock
) -> None:
    course_today(world.patient, nurse=world.nina, prescriber=world.pia)
    sign_in(page, live_server, "nina@harbor.test")
    _check_in(page, live_server, "Room 2")
    session_url = page.url
    _phq9_all_zero(page)
    _vitals(page, "Pre-dose", 152, 94)
    _checklist(page)
    assert _status(page) == "Blocked: a prescriber must act"
    assert "140/90" in _section(page, "Check-in and pre-dose checklist")

    sign_out(page)
    sign_in(page, live_server, "pia@harbor.test")
    page.goto(session_url)
    form_with(page, "Override warnings").get_by_label("Reason").fill(
        "Rechecked after rest, asymptomatic, usual BP 145/90: proceed with closer BP checks."
    )
    submit(page, "Override warnings", "Override recorded.")
    assert _status(page) == "Cleared for dosing"

    sign_out(page)
    sign_in(page, live_server, "nina@harbor.test")
    page.goto(session_url)
    assert "label allows 56 mg" in _section(page, "Administration")
    dose = form_with(page, "Record administration")
    dose.get_by_label("Lot number").fill("SPR-5501")
    dose.get_by_label("Lot expiry").fill(f"{clock().year + 1}-03-31")
    dose.get_by_label("Dose (mg)").fill("56")
    submit(page, "Record administration", "Administration recorded.")
    submit(page, "Device used", "Device recorded.")
    _rest(page, clock, 5)
    submit(page, "Device used", "Device recorded.")
    assert "Device 2 at" in _section(page, "Administration")

    _wait_at_the_chair(page, clock, 40)
    _vitals(page, "About 40 min after the dose", 146, 90)
    _wait_at_the_chair(page, clock, 80)
    _vitals(page, "Before discharge", 132, 84)
    _scores_after_the_dose(page)
    _discharge(page)
    assert _status(page) == "Discharged"

    page.get_by_role("link", name="SPRAVATO REMS monitoring form").click()
    page.get_by_role("heading", name="SPRAVATO REMS Patient Monitoring Form").wait_for()
    answers = form_with(page, "Save answers")
    answers.get_by_label("Did the patient experience respiratory depression?").select_option(
        label="No"
    )
    answers.get_by_label("Ready to leave without the 2-hour minimum (minutes)").fill("100")
    submit(page, "Save answers", "saved")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = "".join(sheet.extract_text() for sheet in PdfReader(download.value.path()).pages)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Last name * Rivera" in lines
    assert "Dose administered (mg) * 56" in lines
    assert "Lot number SPR-5501" in lines

    form_with(page, "Mark submitted").get_by_label("REMS confirmation or fax reference").fill(
        "SPR-CONF-20261126"
    )
    submit(page, "Mark submitted", "Submitted")
    record = RemsMonitoringForm.objects.get()
    assert record.confirmation == "SPR-CONF-20261126"
    assert record.submitted_by == world.nina.user
