"""The clinic admin's audit report and CSV export."""

import csv
import io

import pytest

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_report_shows_only_this_clinics_events(world: World) -> None:
    page = client_for(world.ada).get("/reports/audit/").content.decode()
    assert "nina@harbor.test" in page
    assert "sol@summit.test" not in page


def test_the_report_filters_by_user_and_action(world: World) -> None:
    client_for(world.theo).get(f"/patients/{world.patient.public_id}/")
    response = client_for(world.ada).get(
        "/reports/audit/", {"user": "theo@harbor.test", "action": "read"}
    )
    events = list(response.context["page"])
    assert [(e.actor_email, e.action) for e in events] == [("theo@harbor.test", "read")]


def test_the_report_filters_by_patient_mrn(world: World) -> None:
    response = client_for(world.ada).get("/reports/audit/", {"patient": world.patient.mrn})
    assert {e.patient_id for e in response.context["page"]} == {world.patient.public_id}


def test_an_inverted_date_range_is_explained(world: World) -> None:
    response = client_for(world.ada).get(
        "/reports/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "date_to" in response.context["form"].errors


def test_the_csv_download_has_every_event_and_is_itself_audited(world: World) -> None:
    response = client_for(world.ada).get("/reports/audit.csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][:6] == [
        "occurred_at",
        "actor_email",
        "actor_role",
        "actor_kind",
        "actor_task",
        "action",
    ]
    harbor = AuditEvent.objects.filter(clinic_id=world.harbor.public_id)
    assert len(rows) - 1 == harbor.count()
    assert harbor.filter(action=AuditAction.EXPORT, actor_email="ada@harbor.test").exists()


def test_a_nurse_cannot_open_the_audit_report(world: World) -> None:
    assert client_for(world.nina).get("/reports/audit/").status_code == 403


def test_the_csv_defuses_spreadsheet_formulas_from_client_controlled_fields(world: World) -> None:
    client_for(world.nina).get(f"/patients/{world.patient.public_id}/", HTTP_USER_AGENT="=cmd()")
    response = client_for(world.ada).get("/reports/audit.csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    agents = [row[11] for row in rows[1:] if "cmd()" in row[11]]
    assert agents == ["'=cmd()"]


def test_the_report_names_who_acted_in_words_a_task_by_its_name(world: World) -> None:
    page = client_for(world.ada).get("/reports/audit/").content.decode()
    assert "Task: protocol library" in page
    assert "System task" in page
    assert "Clinic admin" in page
    assert "clinic_admin" not in page
