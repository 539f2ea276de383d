"""The patient portal in Chromium at a phone's width: a patient invited by email (through a
real SMTP server) chooses a password, answers a PHQ-9 with item 9 = 2 and sees the crisis
message at once; the prescriber sees the urgent alert, acknowledges it, records what was done
and resolves it; the patient's dosing session was blocked until then."""

import re
from typing import Any

from conftest import SmtpServer, World
from ketacare.dosing.models import DosingSession, Status
from ketacare.dosing.tests.builders import cleared
from ketacare.measurement.invites import portal_invite
from ketacare.measurement.tests.builders import due_or_sent
from tests.e2e.steps import sign_in
from tests.factories import PatientFactory
from tests.worker import run_jobs

PHONE = {"width": 390, "height": 844}
PASSWORD = "a lantern by the quay"


def _invited_link(world: World, smtp_server: SmtpServer) -> tuple[str, DosingSession]:
    iris = PatientFactory.create(
        clinic=world.harbor, actor=world.nina, given_name="Iris", family_name="Okafor"
    )
    session = cleared(iris, nurse=world.nina, prescriber=world.pia)
    portal_invite(actor=world.fran, patient=iris, email="iris@example.test")
    due_or_sent(world.pia, iris)  # her course's baseline PHQ-9, sent by its measurement plan
    run_jobs()
    (invitation,) = [m for m in smtp_server.messages if "patient portal" in m["Subject"]]
    body = invitation.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://[^/\s]+(/portal/welcome/\S+/)", body.get_content())
    assert found is not None
    return found.group(1), session


def test_a_patient_reports_suicidal_thoughts_and_the_prescriber_works_the_alert(
    browser: Any, page: Any, live_server: Any, world: World, smtp_server: SmtpServer
) -> None:
    link, session = _invited_link(world, smtp_server)
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}{link}")
    phone.get_by_label("New password:", exact=True).fill(PASSWORD)
    phone.get_by_label("New password confirmation").fill(PASSWORD)
    phone.get_by_role("button", name="Set my password").click()
    phone.get_by_role("heading", name="Hello, Iris").wait_for()
    phone.get_by_role("link", name=re.compile("PHQ-9")).click()
    for item in range(1, 9):
        phone.get_by_role("group", name=re.compile(f"^{item}\\. ")).get_by_label(
            "Several days"
        ).check()
    phone.get_by_role("group", name=re.compile("^9\\. ")).get_by_label(
        "More than half the days"
    ).check()
    phone.get_by_role("button", name="Send my answers").click()
    crisis = phone.get_by_role("region", name="If you are thinking of hurting yourself")
    crisis.wait_for()
    assert "988" in crisis.inner_text()
    phone.context.close()
    session.refresh_from_db()
    assert session.status == Status.BLOCKED

    sign_in(page, live_server, "pia@harbor.test")
    page.get_by_role("link", name="Suicide-risk alerts").click()
    page.get_by_role("link", name=re.compile("Open the alert for Iris")).click()
    page.get_by_role("heading", name="Urgent suicide-risk alert").wait_for()
    page.get_by_role("button", name="I am taking this alert").click()
    page.get_by_text("Alert acknowledged").wait_for()
    page.get_by_label("Called the patient").check()
    page.get_by_label("C-SSRS Screener done").check()
    page.get_by_label("Note").fill("Spoke with Iris; safe, safety plan reviewed.")
    page.get_by_role("button", name="Resolve the alert").click()
    page.get_by_text("Alert resolved.").wait_for()
    session.refresh_from_db()
    assert "risk_alert_open" not in {f["code"] for f in session.findings}
    assert session.status != Status.BLOCKED
