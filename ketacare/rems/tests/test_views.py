"""The REMS form pages: the form, answers, submission, PDF, CSV and the forms-due list."""

import datetime as dt
import io
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from conftest import Clock, World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import checked_in
from ketacare.patients.services import medication_record, patient_register, patient_update
from ketacare.rems.queries import forms_due
from ketacare.rems.services import rems_form_record_answers, rems_form_submit
from ketacare.rems.tests.builders import Bay, days_left, discharged
from ketacare.reports.queries import audit_events

pytestmark = pytest.mark.django_db
COMPLETE = {"respiratory_depression": False, "ready_to_leave_minutes": 90}


def _reads(bay: Bay) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, patient_id=bay.patient.public_id
    ).count()


def test_the_form_page_shows_prefilled_values_sources_and_blanks(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    before = _reads(bay)
    page = client_for(bay.nurse).get(reverse("rems:form", args=[session.public_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "SPRAVATO REMS Patient Monitoring Form" in text
    assert "discharged by Nora Lind" in text
    assert "respiratory depression is required." in text
    assert "Download PDF" in text
    assert _reads(bay) == before + 1


def test_bad_answers_rerender_the_form_keeping_what_was_typed(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    url = reverse("rems:answers", args=[session.public_id])
    data = {"ready_to_leave_minutes": "9999", "hcp_phone": "555-0199"}
    page = client_for(bay.nurse).post(url, data)
    assert page.status_code == 200
    assert "ready_to_leave_minutes" in page.context["answers"].errors
    assert 'value="555-0199"' in page.content.decode()


def test_a_nurse_answers_and_submits_the_form_from_the_page(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client = client_for(bay.nurse)
    answers = {"respiratory_depression": "false", "ready_to_leave_minutes": "80"}
    client.post(reverse("rems:answers", args=[session.public_id]), answers)
    response = client.post(
        reverse("rems:submit", args=[session.public_id]), {"confirmation": "C-9"}
    )
    assert response.status_code == 302
    page = client.get(reverse("rems:form", args=[session.public_id])).content.decode()
    assert "REMS confirmation C-9" in page


def test_submitting_with_blanks_is_refused_on_the_page(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    url = reverse("rems:submit", args=[session.public_id])
    page = client_for(bay.nurse).post(url, {"confirmation": "C-9"})
    assert page.status_code == 200
    assert "ready to leave minutes is required." in page.content.decode()


def test_the_pdf_holds_the_patients_name_and_the_dose(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    before = _reads(bay)
    response = client_for(bay.admin).get(reverse("rems:pdf", args=[session.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ellen" in text
    assert "Ortiz" in text
    assert "Dose administered (mg)" in text
    assert "56" in text
    assert _reads(bay) == before + 1


def test_without_weasyprint_the_pdf_answers_503_and_the_csv_still_works(
    bay: Bay, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import now fails
    client = client_for(bay.nurse)
    page = client.get(reverse("rems:pdf", args=[session.public_id]))
    assert page.status_code == 503
    assert "cannot be made on this server" in page.content.decode()
    assert client.get(reverse("rems:csv", args=[session.public_id])).status_code == 200


def test_the_csv_is_one_spreadsheet_safe_row(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    rems_form_record_answers(
        actor=bay.nurse, session=session, adverse_event_notes="=HYPERLINK(evil)", **COMPLETE
    )
    response = client_for(bay.nurse).get(reverse("rems:csv", args=[session.public_id]))
    header, row, *rest = response.content.decode().splitlines()
    assert rest == []
    assert header.startswith("patient_first_name,patient_last_name,patient_birth_date")
    assert row.startswith("Ellen,Ortiz,05/17/1980,F,Yes,Yes")
    assert row.endswith(",No,No,No,'=HYPERLINK(evil)")


def test_a_session_of_another_route_has_no_form(world: World) -> None:
    session = checked_in(
        world.patient, nurse=world.nina, prescriber=world.pia, code="iv_ketamine_twice_weekly"
    )
    page = client_for(world.nina).get(reverse("rems:form", args=[session.public_id]))
    assert page.status_code == 404


def _at_clinic(bay: Bay, name: str) -> object:
    patient = patient_register(
        actor=bay.nurse,
        clinic=bay.clinic,
        given_name=name,
        family_name="Case",
        date_of_birth=dt.date(1970, 1, 1),
        sex="male",
    )
    return discharged(patient, nurse=bay.nurse, prescriber=bay.prescriber)


def test_forms_due_lists_unsubmitted_forms_oldest_first_and_flags_the_overdue(
    bay: Bay, clock: Clock
) -> None:
    first = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    second = _at_clinic(bay, "Second")
    done = _at_clinic(bay, "Done")
    rems_form_record_answers(actor=bay.nurse, session=done, **COMPLETE)  # type: ignore[arg-type]
    rems_form_submit(actor=bay.nurse, session=done, confirmation="C-1")  # type: ignore[arg-type]
    rows = forms_due(bay.clinic)
    assert [row.session for row in rows] == [first, second]
    assert rows[0].days_left == days_left(first)
    clock.advance(days=9 + days_left(first) - 7)  # two days past the deadline
    page = client_for(bay.admin).get(reverse("rems:due"))
    text = page.content.decode()
    assert "OVERDUE by 2 days" in text
    assert "Done Case" not in text


def test_the_forms_due_csv_is_audited_as_an_export(bay: Bay) -> None:
    discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    response = client_for(bay.nurse).get(reverse("rems:due_csv"))
    lines = response.getvalue().decode().splitlines()
    assert lines[0] == "patient,mrn,treatment_date,due_on,days_left,overdue,session"
    assert lines[1].startswith('"Ortiz, Ellen"')
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="rems_forms_due")
    assert export.changes["patients"] == [str(bay.patient.public_id)]
    found = audit_events(bay.clinic, {"patient": bay.patient.mrn, "action": AuditAction.EXPORT})
    assert list(found) == [export]


def test_the_forms_due_page_is_audited_as_one_read_listing_its_patients(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    assert client_for(bay.nurse).get(reverse("rems:due")).status_code == 200
    read = AuditEvent.objects.get(action=AuditAction.READ, object_type="rems_forms_due")
    assert read.changes == {
        "via": "web",
        "patients": [str(bay.patient.public_id)],
        "dosing_sessions": [str(session.public_id)],
    }


def test_form_pages_shown_again_with_errors_are_audited_reads(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client = client_for(bay.nurse)
    before = _reads(bay)
    answers = client.post(
        reverse("rems:answers", args=[session.public_id]), {"ready_to_leave_minutes": "9999"}
    )
    submit = client.post(reverse("rems:submit", args=[session.public_id]), {"confirmation": "C"})
    assert (answers.status_code, submit.status_code) == (200, 200)
    assert _reads(bay) == before + 2


def test_the_forms_due_page_reads_a_bounded_number_of_queries(bay: Bay) -> None:
    discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client, url = client_for(bay.nurse), reverse("rems:due")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for name in ("Two", "Three", "Four"):
        _at_clinic(bay, name)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count("Open form") == 4
    assert len(many) == len(few)


def test_the_form_page_reads_a_bounded_number_of_queries(
    bay: Bay, django_assert_max_num_queries: object
) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client, url = client_for(bay.nurse), reverse("rems:form", args=[session.public_id])
    with django_assert_max_num_queries(32):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_the_session_screen_links_the_form_once_discharged(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    page = client_for(bay.nurse).get(reverse("dosing:session", args=[session.public_id]))
    assert reverse("rems:form", args=[session.public_id]) in page.content.decode()


def _submitted_then_changed(bay: Bay) -> DosingSession:
    """A submitted form whose record changed afterwards: the patient renamed, a benzodiazepine
    added to the medicines."""
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    rems_form_record_answers(actor=bay.nurse, session=session, **COMPLETE)
    rems_form_submit(actor=bay.nurse, session=session, confirmation="C-9")
    patient_update(actor=bay.nurse, patient=bay.patient, family_name="Renamed")
    medication_record(
        actor=bay.nurse, patient=bay.patient, name="Lorazepam", rems_class="benzodiazepine"
    )
    return session


def test_a_submitted_form_page_and_csv_show_the_form_as_submitted(bay: Bay) -> None:
    session = _submitted_then_changed(bay)
    client = client_for(bay.nurse)
    page = client.get(reverse("rems:form", args=[session.public_id]))
    current = page.context["current"]
    assert (current.form.patient_last_name, current.form.benzodiazepines) == ("Ortiz", False)
    assert current.sources["benzodiazepines"] == "as submitted"
    assert "medication list: Lorazepam" not in page.content.decode()
    csv = client.get(reverse("rems:csv", args=[session.public_id])).content.decode()
    row = csv.splitlines()[1]
    assert row.startswith("Ellen,Ortiz,05/17/1980,F,Yes,Yes,No,")


def test_a_submitted_forms_pdf_prints_the_form_as_submitted(bay: Bay) -> None:
    session = _submitted_then_changed(bay)
    response = client_for(bay.nurse).get(reverse("rems:pdf", args=[session.public_id]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ortiz" in text
    assert "Renamed" not in text
    assert "as submitted" in text
    assert "confirmation C-9" in text
    assert "Not yet complete" not in text
