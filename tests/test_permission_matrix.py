"""Every URL and every API operation, against every role, own clinic, other clinic, anonymous.

The URL list is read from the resolver and the API, not kept by hand: a new endpoint without a
declared rule (`permission_rule`) fails `test_every_endpoint_declares_a_permission_rule`, and
one whose behaviour disagrees with its rule fails the matrix.
"""

import datetime as dt
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import World, client_for
from ketacare.accounts.models import User
from ketacare.accounts.services import api_token_create
from ketacare.api.api import api
from ketacare.assessments.models import RiskAlert
from ketacare.assessments.services import assessment_record
from ketacare.clinics.access import ANY_STAFF, PortalRule
from ketacare.clinics.actors import KioskActor, PatientActor, StaffActor, SystemActor, staff_actor
from ketacare.clinics.context_processors import OUTBOX_BACKEND
from ketacare.clinics.models import Role
from ketacare.clinics.permissions import GRANTS, Perm, Scope
from ketacare.core.http import AUTHENTICATED, MODERATOR, PUBLIC
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.directory.credentials import credential_add
from ketacare.directory.models import ReviewReport, StaffCredential
from ketacare.directory.reviews import review_report
from ketacare.directory.tests.builders import published_review
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import checked_in, course_today, matrix_body, matrix_session
from ketacare.inventory.models import StockCount
from ketacare.inventory.services import location_count
from ketacare.inventory.tests.builders import delivered, spray_lot
from ketacare.measurement.assignments import questionnaire_assign, questionnaire_submit
from ketacare.measurement.models import QuestionnaireAssignment
from ketacare.patients.models import Patient
from ketacare.patients.services import measurement_record
from ketacare.screening.models import Intake
from ketacare.screening.queries import open_intake
from ketacare.screening.review import eligibility_review
from ketacare.screening.services import intake_start, trial_record
from ketacare.therapy.appointments import therapy_session_book
from ketacare.therapy.care_team import care_team_add
from ketacare.therapy.models import CareTeamMember, TherapyNote, TherapySession
from ketacare.therapy.notes import note_save, note_sign, note_start
from ketacare.treatment.models import PlannedSession, TreatmentCourse
from ketacare.treatment.queries import open_course
from ketacare.treatment.services import course_pause
from ketacare.treatment.tests.builders import builtin, signed_eligible, started_course
from ketacare.watch.models import WatchResult
from ketacare.watch.services import watch_record
from tests.factories import SETUP, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_outbox(settings: Any, tmp_path: Path) -> None:
    """Mail goes to the demo's outbox, so its page exists to be checked."""
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"


SKIPPED_NAMESPACES = {"admin", "api"}  # admin: Django's own staff check (test below); api: below


@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str
    view: Any

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Endpoint]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or namespace
            if space in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield Endpoint(prefix + str(entry.pattern), name, entry.callback)


ENDPOINTS = list(_walk(get_resolver().url_patterns))


def _api_operations() -> Iterator[tuple[str, str, Any]]:
    schema = api.get_openapi_schema()
    views = {op.operation_id or api.get_openapi_operation_id(op): op for op in _ninja_operations()}
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            yield path, method.upper(), views[spec["operationId"]].view_func


def _ninja_operations() -> Iterator[Any]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


API_OPERATIONS = list(_api_operations())


def test_every_endpoint_declares_a_permission_rule() -> None:
    undeclared = [e.name for e in ENDPOINTS if not hasattr(e.view, "permission_rule")]
    undeclared += [f"{m} {p}" for p, m, f in API_OPERATIONS if not hasattr(f, "permission_rule")]
    assert undeclared == []
    assert len(ENDPOINTS) >= 10
    assert len(API_OPERATIONS) >= 4


Persona = StaffActor | PatientActor | None


def _personas(world: World) -> dict[str, Persona]:
    return {"anonymous": None, **world.by_role(), "patient_portal": world.paula}


def _url(endpoint: Endpoint, world: World, user: Persona, other_clinic: bool) -> str:
    patient = world.their_patient if other_clinic else world.patient
    samples: dict[str, Any] = {"patient_id": patient.public_id}
    if "entry_id" in endpoint.params:
        nurse = world.sol if other_clinic else world.nina
        entry = measurement_record(
            actor=nurse,
            patient=patient,
            measured_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
            weight_kg=Decimal(70),
        )
        samples.update(kind="measurement", entry_id=entry.public_id)
    if "instrument" in endpoint.params:
        samples["instrument"] = "phq9"
    if "uidb64" in endpoint.params:
        samples.update(uidb64="MQ", token="set-password")
    if "assessment_id" in endpoint.params:
        samples["assessment_id"] = _assessment(world, other_clinic).public_id
    if "trial_id" in endpoint.params:
        samples["trial_id"] = _trial(world, other_clinic).public_id
    if "protocol_id" in endpoint.params:
        clinic = world.summit if other_clinic else world.harbor
        samples["protocol_id"] = builtin(clinic, "iv_ketamine_twice_weekly").public_id
    if "course_id" in endpoint.params:
        samples["course_id"] = _course(world, other_clinic).public_id
    if "session_id" in endpoint.params:
        samples["session_id"] = _session(world, other_clinic).public_id
    if "planned_id" in endpoint.params:
        samples["planned_id"] = _planned(world, other_clinic).public_id
    if "dosing_id" in endpoint.params:
        samples["dosing_id"] = _dosing(world, other_clinic).public_id
    if "alert_id" in endpoint.params:
        samples["alert_id"] = _alert(world, other_clinic).public_id
    if "assignment_id" in endpoint.params:
        samples["assignment_id"] = _assignment(world).public_id
    if "place_id" in endpoint.params:
        samples["place_id"] = _place(world, other_clinic).public_id
    if "therapy_id" in endpoint.params:
        samples["therapy_id"] = _therapy(world, other_clinic, endpoint.name).public_id
    if "note_id" in endpoint.params:
        samples["note_id"] = _therapy_note(world, other_clinic, endpoint.name).public_id
    if "kind" in endpoint.params:
        samples.setdefault("kind", "progress")  # a note's kind; a chart entry's is set above
    if "token" in endpoint.params:
        samples["token"] = "not-a-signed-invitation"
    if "check" in endpoint.params:
        samples["check"] = "bladder"  # a safety-watch check the built-in protocols ask
    if "result_id" in endpoint.params:
        samples["result_id"] = _watch_result(world, other_clinic).public_id
    if "credential_id" in endpoint.params:
        samples["credential_id"] = _credential(world, other_clinic).public_id
    if {"stock_id", "location_id", "count_id"} & set(endpoint.params):
        count = _stock_count(world, other_clinic)
        samples.update(
            stock_id=count.stock.public_id,
            location_id=count.stock.location.public_id,
            count_id=count.public_id,
        )
    if "review_id" in endpoint.params or "report_id" in endpoint.params:
        report = _review_report(world)
        samples.update(review_id=report.review.public_id, report_id=report.public_id)
    if "slug" in endpoint.params:
        samples["slug"] = (world.summit if other_clinic else world.harbor).slug  # a profile
    if "token_id" in endpoint.params:
        owner = user or world.nina
        token, _ = api_token_create(actor=SETUP, user=owner.user, name="matrix")
        samples["token_id"] = token.public_id
    missing = set(endpoint.params) - set(samples)
    assert not missing, f"add a sample value for {missing} used by {endpoint.name}"
    return reverse(endpoint.name, kwargs={k: samples[k] for k in endpoint.params})


def _alert(world: World, other_clinic: bool) -> RiskAlert:
    nurse, patient = _nurse_and_patient(world, other_clinic)
    found = RiskAlert.objects.filter(patient=patient).first()
    # Not urgent, so each role the table lets resolve alerts can resolve this one.
    return found or RiskAlert.objects.get(assessment=_phq9(nurse, patient, item9=1))


def _phq9(nurse: StaffActor, patient: Patient, item9: int) -> Any:
    answers = {**{str(i): 0 for i in range(1, 9)}, "9": item9}
    return assessment_record(
        actor=nurse,
        patient=patient,
        instrument="phq9",
        answers=answers,
        administered_at=timezone.now(),
    )


def _assignment(world: World) -> QuestionnaireAssignment:
    """Paula's questionnaire, answered, so both the form and its "sent" page exist."""
    found = QuestionnaireAssignment.objects.filter(patient=world.patient).first()
    if found is None:
        found = questionnaire_assign(
            actor=world.pia,
            patient=world.patient,
            instrument="phq9",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        questionnaire_submit(
            actor=world.paula, assignment=found, answers={str(i): 0 for i in range(1, 10)}
        )
    return found


def _nurse_and_patient(world: World, other_clinic: bool) -> tuple[StaffActor, Patient]:
    return (world.sol, world.their_patient) if other_clinic else (world.nina, world.patient)


def _assessment(world: World, other_clinic: bool) -> Any:
    nurse, patient = _nurse_and_patient(world, other_clinic)
    answers = {"1": False, "2": False, "6": False}
    return assessment_record(
        actor=nurse,
        patient=patient,
        instrument="cssrs_screener",
        answers=answers,
        administered_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
    )


def _intake(world: World, other_clinic: bool) -> Intake:
    """An open intake complete enough for the eligibility check (route, pregnancy, C-SSRS)."""
    nurse, patient = _nurse_and_patient(world, other_clinic)
    intake = open_intake(patient)
    if intake is None:
        _assessment(world, other_clinic)
        details = {"intended_route": "iv", "pregnancy_status": "not_applicable"}
        intake = intake_start(actor=nurse, patient=patient, **details)
    return intake


def _trial(world: World, other_clinic: bool) -> Any:
    nurse, _patient = _nurse_and_patient(world, other_clinic)
    return trial_record(
        actor=nurse,
        intake=_intake(world, other_clinic),
        drug="Sertraline",
        dose="100 mg",
        weeks=8,
        adequate=True,
        outcome="no_response",
    )


def _prescriber(world: World, other_clinic: bool) -> StaffActor:
    if not other_clinic:
        return world.pia
    found = User.objects.filter(email="sam@summit.test").first()
    return (
        staff_actor(found)
        if found
        else staff(world.summit, Role.PRESCRIBER, email="sam@summit.test")
    )


def _course(world: World, other_clinic: bool, code: str = "") -> TreatmentCourse:
    """The patient's open course (an esketamine one when `code` asks), started if need be."""
    nurse, patient = _nurse_and_patient(world, other_clinic)
    course = open_course(patient)
    if course is None:
        prescriber = _prescriber(world, other_clinic)
        course = started_course(
            patient, nurse=nurse, prescriber=prescriber, code=code or "iv_ketamine_twice_weekly"
        )
    return course


def _watch_result(world: World, other_clinic: bool) -> WatchResult:
    """A positive safety-watch check of the patient's course, waiting for a review."""
    course = _course(world, other_clinic)
    found = WatchResult.objects.filter(course=course).first()
    nurse, _ = _nurse_and_patient(world, other_clinic)
    return found or watch_record(
        actor=nurse,
        course=course,
        kind="bladder",
        done_at=timezone.now() - dt.timedelta(minutes=5),
        answers=(True, False, False),
    )


def _session(world: World, other_clinic: bool) -> PlannedSession:
    course = _course(world, other_clinic)
    session = course.sessions.exclude(status="cancelled").order_by("scheduled_on").first()
    assert session is not None
    return session


def _planned(world: World, other_clinic: bool) -> PlannedSession:
    """A session planned for today (the dosing check-in acts on today's sessions only)."""
    nurse, patient = _nurse_and_patient(world, other_clinic)
    course = open_course(patient) or course_today(
        patient, nurse=nurse, prescriber=_prescriber(world, other_clinic)
    )
    return course.sessions.get(scheduled_on=patient.clinic.today())


def _dosing(world: World, other_clinic: bool) -> DosingSession:
    nurse, patient = _nurse_and_patient(world, other_clinic)
    found = DosingSession.objects.filter(patient=patient).order_by("-pk").first()
    prescriber = _prescriber(world, other_clinic)
    return found or checked_in(patient, nurse=nurse, prescriber=prescriber)


def _therapist(world: World, other_clinic: bool) -> StaffActor:
    if not other_clinic:
        return world.theo
    found = User.objects.filter(email="tess@summit.test").first()
    return (
        staff_actor(found)
        if found
        else staff(world.summit, Role.THERAPIST, email="tess@summit.test")
    )


def _place(world: World, other_clinic: bool) -> CareTeamMember:
    """A current place on the patient's care team (a new one once the last was ended)."""
    _nurse, patient = _nurse_and_patient(world, other_clinic)
    found = CareTeamMember.objects.filter(patient=patient, ended_at__isnull=True).first()
    therapist = _therapist(world, other_clinic)
    return found or care_team_add(
        actor=_prescriber(world, other_clinic),
        patient=patient,
        member=therapist.user,
        team_role="therapist",
    )


_THERAPY_HOURS = itertools.count(24)


def _therapy(world: World, other_clinic: bool, action: str) -> TherapySession:
    """A booked therapy session with the clinic's therapist: one that has begun for the
    therapist's record of it, else a new one ahead once the last was cancelled."""
    _course(world, other_clinic)
    _nurse, patient = _nurse_and_patient(world, other_clinic)
    begun = action.endswith(("held", "missed"))
    found = TherapySession.objects.filter(patient=patient, status="booked")
    found = found.filter(starts_at__lte=timezone.now()) if begun else found
    if found.exists():
        return found.latest("pk")
    hours = dt.timedelta(hours=next(_THERAPY_HOURS))
    start = timezone.now() - hours if begun else timezone.now() + hours
    # A session that has begun was booked before it.
    with time_machine.travel(start - dt.timedelta(hours=1) if begun else timezone.now()):
        return therapy_session_book(
            actor=_prescriber(world, other_clinic),
            patient=patient,
            therapist=_therapist(world, other_clinic).user,
            kind="therapy",
            mode="telehealth",
            starts_at=start,
            duration_minutes=50,
        )


def _therapy_note(world: World, other_clinic: bool, action: str) -> TherapyNote:
    """A progress note by the session's therapist, its risk check answered: signed for an
    addendum, else a draft (a new one once the last was marked entered in error)."""
    _nurse, patient = _nurse_and_patient(world, other_clinic)
    signed = action.endswith("addenda")
    notes = TherapyNote.objects.filter(patient=patient, entered_in_error=False)
    drafts = notes.filter(signed_at__isnull=True)
    found = notes.exclude(pk__in=drafts).first() if signed else drafts.first() or notes.first()
    if found is not None:
        return found
    therapist = _therapist(world, other_clinic)
    session = _therapy(world, other_clinic, "note")
    note = note_start(actor=therapist, session=session, kind="progress")
    note = note_save(actor=therapist, note=note, goals="Matrix", risk_check="none")
    return note_sign(actor=therapist, note=note) if signed else note


def _credential(world: World, other_clinic: bool) -> StaffCredential:
    clinic = world.summit if other_clinic else world.harbor
    found = StaffCredential.objects.filter(clinic=clinic).first()
    if found is not None:
        return found
    admin = staff(clinic, Role.CLINIC_ADMIN) if other_clinic else world.ada
    return credential_add(
        actor=admin, clinic=clinic, membership=None, kind="rems_setting",
        issuer="SPRAVATO REMS", issued_on=dt.date(2026, 1, 5),
        document=SimpleUploadedFile("cert.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )  # fmt: skip


def _stock_count(world: World, other_clinic: bool) -> StockCount:
    """An open count discrepancy of the clinic's one stock (a delivery, then a short count)."""
    clinic = world.summit if other_clinic else world.harbor
    found = StockCount.objects.filter(clinic=clinic).select_related("stock__location").first()
    if found is not None:
        return found
    nurse = world.sol if other_clinic else world.nina
    stock = delivered(nurse, spray_lot(clinic))
    (count,) = location_count(
        actor=nurse, location=stock.location, counted={stock: Decimal(9)}, counted_at=timezone.now()
    )
    return count


def _review_report(world: World) -> ReviewReport:
    found = ReviewReport.objects.select_related("review").first()
    if found is not None:
        return found
    return review_report(review=published_review(world), reason="Matrix")


def _expected(rule: Any, user: Persona, world: World, other_clinic: bool) -> str:
    if rule == PUBLIC:
        return "allowed"
    if user is None:
        return "login"
    if rule == MODERATOR:
        return "not_found"  # no persona is one of the platform's moderators
    if rule == AUTHENTICATED:
        return "allowed"
    if isinstance(rule, PortalRule):
        return (
            "allowed"
            if isinstance(user, PatientActor) and user.can(rule.perm, world.harbor)
            else "not_found"
        )
    if isinstance(user, PatientActor):
        return "not_found"  # no staff page or operation exists for a patient
    if rule == ANY_STAFF:
        return "allowed"
    if not user.can(rule, world.harbor):
        return "forbidden"
    return "not_found" if other_clinic else "allowed"


def _agrees(rule: Any, want: str, got: str) -> bool:
    # A public page may still send a visitor on to sign in (logout does); it never forbids.
    return got != "forbidden" if rule == PUBLIC else got == want


def _outcome(status: int, location: str) -> str:
    if status == 302 and "/accounts/login/" in location:
        return "login"
    return {403: "forbidden", 404: "not_found", 401: "login"}.get(status, "allowed")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_pages_answer_each_persona_as_their_rule_says(endpoint: Endpoint, world: World) -> None:
    rule = endpoint.view.permission_rule
    uses_patient = bool(
        (
            {"patient_id", "protocol_id", "planned_id", "dosing_id", "alert_id", "credential_id"}
            | {"stock_id", "location_id", "count_id", "course_id", "result_id"}
        )
        & set(endpoint.params)
    )
    mismatches = []
    for persona, user in _personas(world).items():
        for other_clinic in (False, True) if uses_patient else (False,):
            url = _url(endpoint, world, user, other_clinic)
            for method in ("get", "post"):
                response = getattr(client_for(user), method)(url)
                assert response.status_code < 500, f"{method} {url} as {persona}"
                got = _outcome(response.status_code, response.get("Location", ""))
                want = _expected(rule, user, world, other_clinic)
                if not _agrees(rule, want, got):
                    mismatches.append((persona, other_clinic, method, want, got))
    assert mismatches == []


API_BODIES: dict[str, dict[str, Any]] = {
    "POST": {
        "given_name": "Matrix",
        "family_name": "Case",
        "date_of_birth": "1990-02-03",
        "sex": "male",
    },
    "PATCH": {"phone": "555-0123"},
}


# Bodies valid for the operation, so an allowed caller is never answered 422.
API_BODIES_BY_PATH: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/portal/questionnaires/{assignment_id}/response"): {
        "answers": {str(item): 0 for item in range(1, 10)}
    },
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): {"note": "Matrix"},
    ("POST", "/api/v1/alerts/{alert_id}/resolve"): {"actions": ["called_patient"]},
    ("POST", "/api/v1/patients/{patient_id}/assessments"): {
        "instrument": "gad7",
        "answers": {str(item): 1 for item in range(1, 8)},
        "administered_at": "2026-01-05T10:00:00Z",
    },
    ("POST", "/api/v1/patients/{patient_id}/intake"): {},
    ("PATCH", "/api/v1/patients/{patient_id}/intake"): {"substance_use": "None reported."},
    ("POST", "/api/v1/patients/{patient_id}/intake/trials"): {
        "drug": "Escitalopram",
        "dose": "20 mg",
        "weeks": 8,
        "adequate": True,
        "outcome": "partial_response",
    },
    ("POST", "/api/v1/patients/{patient_id}/intake/vitals"): {
        "measured_at": "2026-01-05T10:00:00Z",
        "sbp": 120,
        "dbp": 80,
    },
    ("POST", "/api/v1/patients/{patient_id}/eligibility/decisions"): {
        "route": "iv",
        "decision": "not_eligible",
    },
    ("POST", "/api/v1/patients/{patient_id}/medications"): {"name": "Matrix medicine"},
    ("POST", "/api/v1/protocols/{protocol_id}/versions"): {"settings": {"name": "Matrix v2"}},
    ("PATCH", "/api/v1/protocols/{protocol_id}"): {"settings": {"name": "Matrix draft"}},
    ("POST", "/api/v1/courses/{course_id}/pause"): {"reason": "Matrix"},
    ("POST", "/api/v1/courses/{course_id}/resume"): {"resume_on": "2030-03-04"},
    ("POST", "/api/v1/courses/{course_id}/end"): {"reason": "Matrix"},
    ("POST", "/api/v1/courses/{course_id}/dose"): {"fixed_dose_mg": 56, "reason": "Matrix"},
    ("POST", "/api/v1/courses/{course_id}/rems-enrollment"): {
        "enrollment_id": "M-1",
        "enrolled_on": "2026-01-05",
    },
    ("POST", "/api/v1/sessions/{session_id}/book"): {"scheduled_time": "09:30"},
    ("POST", "/api/v1/sessions/{session_id}/move"): {"scheduled_on": "2031-01-06"},
    ("POST", "/api/v1/sessions/{session_id}/cancel"): {"reason": "Matrix"},
    ("PUT", "/api/v1/dosing-sessions/{dosing_id}/rems-form/answers"): {"sedation": False},
    ("POST", "/api/v1/care-team/{place_id}/end"): {"reason": "Matrix"},
    ("POST", "/api/v1/therapy-sessions/{therapy_id}/move"): {"starts_at": "2031-01-06T15:00:00Z"},
    ("POST", "/api/v1/therapy-sessions/{therapy_id}/cancel"): {"reason": "Matrix"},
    ("POST", "/api/v1/therapy-sessions/{therapy_id}/missed"): {"reason": "Matrix"},
    ("POST", "/api/v1/therapy-sessions/{therapy_id}/notes"): {"kind": "progress", "plan": "M"},
    ("PATCH", "/api/v1/therapy-notes/{note_id}"): {"plan": "Matrix"},
    ("POST", "/api/v1/therapy-notes/{note_id}/addenda"): {"text": "Matrix"},
    ("POST", "/api/v1/therapy-notes/{note_id}/entered-in-error"): {"reason": "Matrix"},
    ("POST", "/api/v1/dosing-sessions/{dosing_id}/rems-form/submit"): {"confirmation": "M-1"},
}
# Paths of rows that belong to one clinic: each is also tried with the other clinic's row.
CLINIC_ROW_PARAMS = (
    "{patient_id}",
    "{protocol_id}",
    "{course_id}",
    "{session_id}",
    "{planned_id}",
    "{dosing_id}",
    "{alert_id}",
    "{place_id}",
    "{therapy_id}",
    "{note_id}",
)


def _api_url(path: str, world: World, other_clinic: bool) -> str:
    patient = world.their_patient if other_clinic else world.patient
    url = path.replace("{patient_id}", str(patient.public_id))
    if "{protocol_id}" in path:
        clinic = world.summit if other_clinic else world.harbor
        url = url.replace("{protocol_id}", str(builtin(clinic, "oral_ketamine").public_id))
    if "{course_id}" in path:
        url = url.replace("{course_id}", str(_course(world, other_clinic).public_id))
    if "{session_id}" in path:
        url = url.replace("{session_id}", str(_session(world, other_clinic).public_id))
    if "{planned_id}" in path:
        url = url.replace("{planned_id}", str(_planned(world, other_clinic).public_id))
    if "{dosing_id}" in path:
        url = url.replace("{dosing_id}", str(_dosing(world, other_clinic).public_id))
    if "{alert_id}" in path:
        url = url.replace("{alert_id}", str(_alert(world, other_clinic).public_id))
    if "{assignment_id}" in path:
        url = url.replace("{assignment_id}", str(_assignment(world).public_id))
    if "{place_id}" in path:
        url = url.replace("{place_id}", str(_place(world, other_clinic).public_id))
    if "{note_id}" in path:
        url = url.replace("{note_id}", str(_therapy_note(world, other_clinic, path).public_id))
    if "{therapy_id}" in path:
        url = url.replace("{therapy_id}", str(_therapy(world, other_clinic, path).public_id))
    return url


def _prepare_treatment(path: str, world: World) -> None:
    """Put each clinic's patient in the state the operation acts on."""
    for other_clinic in (False, True):
        nurse, patient = _nurse_and_patient(world, other_clinic)
        prescriber = _prescriber(world, other_clinic)
        if "{dosing_id}" in path or "{planned_id}" in path:
            matrix_session(path, patient, nurse=nurse, prescriber=prescriber)
        elif "therapy-sessions" in path:
            _course(world, other_clinic)
        elif path.endswith("/patients/{patient_id}/courses"):
            signed_eligible(patient, nurse=nurse, prescriber=prescriber)
        elif "{course_id}" in path or "{session_id}" in path:
            # Esketamine everywhere: its fixed doses and REMS enrollment serve every operation.
            course = _course(world, other_clinic, "esketamine_trd")
            if path.endswith("/resume"):
                course_pause(actor=prescriber, course=course, reason="Matrix")


def _api_body(method: str, path: str, world: World) -> Any:
    if (method, path) == ("POST", "/api/v1/patients/{patient_id}/courses"):
        version = builtin(world.harbor, "iv_ketamine_twice_weekly")
        return {"protocol_id": str(version.public_id), "start_date": "2030-01-07"}
    if (method, path) == ("POST", "/api/v1/patients/{patient_id}/eligibility/decisions"):
        intake = open_intake(world.patient)
        assert intake is not None
        digest = eligibility_review(intake, "iv").digest
        return {"route": "iv", "decision": "not_eligible", "facts_digest": digest}
    if (method, path) == ("POST", "/api/v1/patients/{patient_id}/care-team"):
        return {"member_id": str(world.theo.user.public_id), "team_role": "therapist"}
    if (method, path) == ("POST", "/api/v1/patients/{patient_id}/therapy-sessions"):
        return _therapy_booking(world)
    if (method, path) in API_BODIES_BY_PATH:
        return API_BODIES_BY_PATH[(method, path)]
    if method == "POST" and ("{dosing_id}" in path or "{planned_id}" in path):
        return matrix_body(path, world.patient)
    return API_BODIES_BY_PATH.get((method, path), API_BODIES.get(method))


def _therapy_booking(world: World) -> Callable[[], dict[str, Any]]:
    """Each caller books its own hour, so none lands on top of the one before."""

    def body() -> dict[str, Any]:
        start = timezone.now() + dt.timedelta(hours=next(_THERAPY_HOURS))
        return {
            "therapist_id": str(world.theo.user.public_id),
            "kind": "preparation",
            "mode": "in_person",
            "starts_at": start.isoformat(),
            "duration_minutes": 50,
        }

    return body


def _api_call(client: Client, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("path", "method", "view"), API_OPERATIONS, ids=[f"{m} {p}" for p, m, _ in API_OPERATIONS]
)
def test_api_answers_each_persona_as_its_rule_says(
    path: str, method: str, view: Any, world: World
) -> None:
    mismatches = []
    for other_clinic in (False, True):
        _intake(world, other_clinic)  # the intake and eligibility operations act on one
    _prepare_treatment(path, world)
    body = _api_body(method, path, world)
    per_clinic = any(param in path for param in CLINIC_ROW_PARAMS)
    for persona, user in _personas(world).items():
        for other_clinic in (False, True) if per_clinic else (False,):
            url = _api_url(path, world, other_clinic)
            payload = body() if callable(body) else body
            response = _api_call(client_for(user), method, url, payload)
            assert response.status_code < 500, f"{method} {path} as {persona}"
            assert response.status_code != 422, response.content
            got = _outcome(response.status_code, "")
            want = _expected(view.permission_rule, user, world, other_clinic)
            if not _agrees(view.permission_rule, want, got):
                mismatches.append((persona, other_clinic, want, got))
    assert mismatches == []


def test_a_token_from_another_clinic_cannot_reach_our_patient_through_the_api(world: World) -> None:
    _token, raw = api_token_create(actor=SETUP, user=world.sol.user, name="summit bridge")
    url = f"/api/v1/patients/{world.patient.public_id}"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_django_admin_turns_away_everyone_but_platform_staff(world: World) -> None:
    for user in [None, *world.by_role().values(), world.paula]:
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_unknown_ids_answer_404_not_500(world: World) -> None:
    client = client_for(world.nina)
    assert client.get(f"/patients/{uuid.uuid4()}/").status_code == 404
    assert client.get("/patients/not-a-uuid/").status_code == 404
    assert client.get(f"/api/v1/patients/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/patients/not-a-uuid").status_code == 404


PATIENT_SCOPED = ("{patient_id}", "{course_id}", "{dosing_id}")
CHART_READS = [
    (path, method) for path, method, _ in API_OPERATIONS
    if method == "GET" and any(param in path for param in PATIENT_SCOPED)
]  # fmt: skip


@pytest.mark.parametrize(("path", "method"), CHART_READS, ids=[p for p, _ in CHART_READS])
def test_every_api_read_of_a_patients_record_is_audited(
    path: str, method: str, world: World
) -> None:
    for other_clinic in (False, True):
        _intake(world, other_clinic)
    _prepare_treatment(path, world)
    url = _api_url(path, world, other_clinic=False)
    reads = AuditEvent.objects.filter(
        action=AuditAction.READ, outcome=AuditOutcome.SUCCESS, patient_id=world.patient.public_id
    )
    before = reads.count()
    response = client_for(world.pia).get(url)
    assert response.status_code == 200, response.content
    assert reads.count() == before + 1


# --- actors who are not staff: the table's patient and system scopes -----------------------


@pytest.mark.parametrize("perm", list(Perm), ids=lambda perm: perm.value)
def test_a_task_and_a_patient_hold_in_their_own_clinic_only_what_the_table_grants(
    perm: Perm, world: World
) -> None:
    task = world.task()
    assert task.can(perm, world.harbor) == (perm in GRANTS[Scope.SYSTEM])
    assert world.paula.can(perm, world.harbor) == (perm in GRANTS[Scope.PATIENT])
    at_kiosk = KioskActor(
        world.fran.user,
        world.patient.pk,
        world.patient.public_id,
        world.harbor,
        uuid.uuid4(),
        timezone.now(),
    )
    assert at_kiosk.can(perm, world.harbor) == (perm in GRANTS[Scope.KIOSK])
    assert not at_kiosk.can(perm, world.summit)
    assert not task.can(perm, world.summit)
    assert not world.paula.can(perm, world.summit)
    assert not SystemActor("network task").can(perm, world.harbor)


def test_a_task_reaches_only_its_own_clinics_patients(world: World) -> None:
    assert list(Patient.objects.visible_to(world.task())) == [world.patient]
    assert not Patient.objects.visible_to(SystemActor("network task")).exists()


def test_a_patient_reading_another_patients_record_gets_404_and_an_audited_denial(
    world: World,
) -> None:
    client = client_for(world.paula)
    for url in (
        f"/patients/{world.their_patient.public_id}/",
        f"/api/v1/patients/{world.their_patient.public_id}",
        f"/patients/{world.patient.public_id}/",
    ):
        assert client.get(url).status_code == 404, url
    denied = AuditEvent.objects.filter(outcome=AuditOutcome.DENIED, actor_kind="patient")
    assert denied.count() == 3
    assert {e.patient_id for e in denied} == {
        world.their_patient.public_id,
        world.patient.public_id,
    }
    assert {e.chain for e in denied} == {str(world.harbor.public_id)}
    assert {e.actor_id for e in denied} == {world.paula.user.pk}


def test_a_patient_sees_only_their_own_record(world: World) -> None:
    assert list(Patient.objects.visible_to(world.paula)) == [world.patient]
