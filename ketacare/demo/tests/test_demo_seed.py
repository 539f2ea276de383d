"""The demo network: enough to explore every screen, safe to seed twice, with a full chair
board whatever the hour, and today's board laid out when it is started on a later day.

These tests pin their own moments (the network is seeded once for the afternoon ones), so
the suite's moved clock does not change them."""

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from conftest import Clock
from ketacare.accounts.models import User
from ketacare.assessments.models import Assessment, RiskAlert
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.core.audit import verify_chains
from ketacare.demo.network import CLINICS
from ketacare.demo.portal import portal_email
from ketacare.demo.seed import seed
from ketacare.demo.tests.boards import assert_full_board
from ketacare.demo.tests.ledger import assert_ledger_matches_every_dose
from ketacare.demo.tests.network import quiet, seeded_once
from ketacare.dosing.models import AdverseEvent, DosingSession
from ketacare.inventory.models import Kind, LedgerEntry, StockCount
from ketacare.inventory.queries import open_discrepancies
from ketacare.patients.models import Patient
from ketacare.rems.models import RemsMonitoringForm
from ketacare.rems.queries import forms_due
from ketacare.reports.ledger import reconciliation
from ketacare.screening.models import EligibilityDecision, Intake
from ketacare.therapy.models import CareTeamMember, TherapyNote, TherapySession
from ketacare.treatment.models import PlannedSession, ProtocolVersion, TreatmentCourse
from ketacare.watch.models import WatchResult
from ketacare.watch.queries import courses_watched

pytestmark = pytest.mark.django_db

# Mid-afternoon at both demo clinics (Boston 15:00, Chicago 14:00): today's board is then
# the same whenever the suite runs.
AFTERNOON = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def afternoon_network(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The network seeded once for this module's afternoon tests (each test's own writes are
    rolled back); wiped afterwards, lifting the audit trail's guards for that alone."""
    yield from seeded_once(django_db_blocker, AFTERNOON)


@pytest.fixture
def seeded(afternoon_network: None, clock: Clock) -> None:
    clock.move_to(AFTERNOON)


def test_seeding_builds_two_clinics_with_every_role_and_patients_at_every_stage(
    seeded: None,
) -> None:
    assert Clinic.objects.count() == 2
    for clinic in Clinic.objects.all():
        roles = set(Membership.objects.filter(clinic=clinic).values_list("role", flat=True))
        assert roles == set(Role.values)
    assert Patient.objects.count() >= 40
    assert not Patient.objects.filter(measurements__isnull=True).exists()
    assert Intake.objects.filter(eligibility_decisions__isnull=True).exists()
    decisions = set(EligibilityDecision.objects.values_list("decision", flat=True))
    assert {"eligible", "not_eligible"} <= decisions
    assert EligibilityDecision.objects.filter(status="ineligible").count() == 2
    assert ProtocolVersion.objects.filter(is_builtin=False, locked_at__isnull=False).exists()
    states = set(TreatmentCourse.objects.values_list("route", "status"))
    assert {("iv", "active"), ("esketamine_nasal", "active")} <= states
    assert {"paused", "ended"} <= {status for _route, status in states}
    maintenance = TreatmentCourse.objects.filter(
        route="esketamine_nasal", status="active", sessions__stage="maintenance"
    ).first()
    assert maintenance is not None
    assert maintenance.rems_enrolled_on is not None
    assert verify_chains() == []


def test_todays_board_holds_a_session_at_every_stage_of_the_day(seeded: None) -> None:
    for clinic in Clinic.objects.all():
        assert_full_board(clinic)
        waiting = PlannedSession.objects.filter(
            clinic=clinic, scheduled_on=clinic.today(), status="booked", dosing__isnull=True
        )
        assert waiting.exists()


def test_past_sessions_are_discharged_with_an_adverse_event_and_easing_phq9(
    seeded: None,
) -> None:
    past = DosingSession.objects.filter(checked_in_at__date__lt=AFTERNOON.date() - dt.timedelta(1))
    assert past.exists()
    assert set(past.values_list("status", flat=True)) == {"discharged"}
    assert AdverseEvent.objects.filter(session__in=past).count() == 2
    mid_course = past.order_by("checked_in_at").first()
    assert mid_course is not None
    given = Assessment.objects.filter(
        patient=mid_course.patient, instrument="phq9", context="follow_up"
    ).order_by("administered_at")
    scores = [total for total in given.values_list("total", flat=True) if total is not None]
    assert len(scores) >= 3
    assert scores[-1] < scores[0]


def test_rems_forms_of_earlier_sessions_are_submitted_and_recent_ones_are_due(
    seeded: None,
) -> None:
    lakeshore = Clinic.objects.get(slug="lakeshore")
    assert RemsMonitoringForm.objects.filter(submitted_at__isnull=False).exists()
    due = forms_due(lakeshore)
    assert any(form.overdue for form in due)
    assert any(not form.overdue for form in due)
    assert verify_chains() == []


def test_every_demo_dose_is_drawn_from_a_lot_on_the_ledger_and_no_balance_goes_below_zero(
    seeded: None,
) -> None:
    assert set(Clinic.objects.values_list("ledger_required", flat=True)) == {True}
    assert_ledger_matches_every_dose()
    received = LedgerEntry.objects.filter(kind=Kind.RECEIVED)
    assert {(e.clinic.slug, e.stock.location.name) for e in received} == {
        ("northside", "Main safe"),
        ("lakeshore", "Main safe"),
    }
    assert set(received.values_list("stock__lot__ndc", flat=True)) == {
        "0409-2051-05",
        "50458-028-02",
    }
    wasted = LedgerEntry.objects.filter(kind=Kind.WASTED)
    assert wasted.exists()
    assert set(wasted.values_list("clinic__slug", flat=True)) == {"northside"}  # IV remainders


def test_the_reconciliation_of_every_demo_day_balances_to_zero(seeded: None) -> None:
    for clinic in Clinic.objects.all():
        first = min(LedgerEntry.objects.filter(clinic=clinic).values_list("occurred_at", flat=True))
        rows = reconciliation(clinic, first.date() - dt.timedelta(days=1), clinic.today())
        assert sum(row.doses for row in rows) > 0, clinic
        assert [row.row() for row in rows if not row.balanced] == [], clinic


def test_one_small_count_discrepancy_is_open_at_northside_and_every_other_count_agrees(
    seeded: None,
) -> None:
    northside, lakeshore = (Clinic.objects.get(slug=spec.slug) for spec in CLINICS)
    (short,) = open_discrepancies(northside)
    assert short.difference == Decimal("-0.2")
    assert short.stock.location.name == "Treatment room cabinet"
    assert not open_discrepancies(lakeshore).exists()
    assert StockCount.objects.filter(clinic=lakeshore).exists()
    assert StockCount.objects.exclude(pk=short.pk).filter(counted=F("expected")).count() == (
        StockCount.objects.count() - 1
    )


def test_lakeshores_watch_has_a_positive_bladder_check_waiting_for_the_prescriber(
    seeded: None,
) -> None:
    lakeshore = Clinic.objects.get(slug="lakeshore")
    (result,) = WatchResult.objects.filter(clinic=lakeshore)
    assert (result.kind, result.positive, result.reviewed_at) == ("bladder", True, None)
    watched = courses_watched(lakeshore, lakeshore.today())
    assert [w.positives for w in watched if w.positives] == [[result]]
    assert not WatchResult.objects.filter(clinic__slug="northside").exists()


def test_seeding_again_the_same_day_changes_nothing(seeded: None) -> None:
    counts = (Patient.objects.count(), DosingSession.objects.count())
    assert not seed(progress=quiet)
    assert (Patient.objects.count(), DosingSession.objects.count()) == counts


def test_each_clinic_has_a_portal_patient_with_questionnaires_and_the_first_an_urgent_alert(
    seeded: None, clock: Clock
) -> None:
    clock.advance(minutes=10)  # past the seeding, which ran with the clock ticking
    for spec in CLINICS:
        # Signed in directly: the suite's fast password hasher cannot read the seed's hashes.
        user = User.objects.get(email=portal_email(spec))
        assert user.has_usable_password()
        client = Client()
        client.force_login(user)
        page = client.get("/portal/").content.decode()
        assert "Generalized Anxiety Disorder" in page
        assert "(continue)" in page
    urgent = RiskAlert.objects.filter(level="urgent", resolved_at__isnull=True)
    assert [a.clinic.slug for a in urgent] == [CLINICS[0].slug]


def test_each_clinics_therapist_has_a_caseload_with_sessions_notes_and_one_missed_integration(
    seeded: None,
) -> None:
    for spec in CLINICS:
        clinic = Clinic.objects.get(slug=spec.slug)
        therapist = User.objects.get(email=f"therapist@{spec.slug}.demo")
        places = CareTeamMember.objects.filter(clinic=clinic, member=therapist)
        assert places.count() == 6
        sessions = TherapySession.objects.filter(clinic=clinic, therapist=therapist)
        kinds = set(sessions.values_list("kind", "status"))
        assert {("preparation", "held"), ("integration", "held")} <= kinds
        assert sessions.filter(status="booked", starts_at__gt=AFTERNOON).exists()
        assert sessions.filter(kind="integration", status="missed").count() == 1
        notes = TherapyNote.objects.filter(clinic=clinic, signed_at__isnull=False)
        assert set(notes.values_list("kind", flat=True)) == {"progress", "psychotherapy"}
        client = Client()
        client.force_login(therapist)
        assert "My patients (6)" in client.get("/therapy/today/").content.decode()


def test_both_clinics_are_in_the_public_directory_with_their_protocols(seeded: None) -> None:
    visitor = Client()
    listing = visitor.get("/clinics/").content.decode()
    assert all(spec.name in listing for spec in CLINICS)
    northside = visitor.get(f"/clinics/{CLINICS[0].slug}/").content.decode()
    assert "0.5 mg per kg of body weight" in northside
    assert "Earlier versions, superseded: version 1" in northside  # its own IV version
    lakeshore = visitor.get(f"/clinics/{CLINICS[1].slug}/?").content.decode()
    assert "56 mg at the first session, then 56 mg or 84 mg" in lakeshore
    assert visitor.get("/clinics/?rems=1").content.decode().count("<h3>") == 1
    assert re.search(r"Response, of all courses started</th><td>\d+% \(\d+ of \d+\)", northside)
    assert "Fewer than 11 patients" in northside  # its few IM courses
    assert "Fewer than 11 patients" not in lakeshore
    assert 'tag-danger">expired' in northside  # the prescriber's BLS
    assert "Ketamine-assisted psychotherapy training" in northside
    assert "SPRAVATO REMS healthcare-setting certification" in lakeshore
    assert "from 6 reviews by verified patients" in northside
    assert "A review is withheld under the" in northside
    assert "neighbour" not in northside
    assert "We cannot discuss anyone&#x27;s care in public" in lakeshore
