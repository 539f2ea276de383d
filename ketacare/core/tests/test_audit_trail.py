"""The audit trail: chained, append-only, written with the change, and verifiable."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from conftest import World
from ketacare.core import audit
from ketacare.core.actors import ANONYMOUS
from ketacare.core.audit import verify_chains
from ketacare.core.models import AppendOnlyError, AuditAction, AuditEvent
from ketacare.patients.models import Patient
from ketacare.patients.services import patient_register, patient_update

pytestmark = pytest.mark.django_db


def _drop_guards() -> None:
    """What a DBA with direct access would do first; the hash chain must still catch it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")


def _last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()  # type: ignore[return-value]


def test_an_update_records_who_what_and_the_old_and_new_values(world: World) -> None:
    patient_update(actor=world.nina, patient=world.patient, phone="555-0199")
    event = _last_event()
    assert event.action == AuditAction.UPDATE
    assert (event.actor_email, event.actor_role) == ("nina@harbor.test", "nurse")
    assert event.patient_id == world.patient.public_id
    assert event.clinic_id == world.harbor.public_id
    assert event.changes == {"phone": {"old": "", "new": "555-0199"}}


def test_each_event_links_to_the_previous_hash_of_its_clinic_chain(world: World) -> None:
    events = list(AuditEvent.objects.filter(chain=str(world.harbor.public_id)).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash


def test_verify_says_the_trail_is_intact_when_nobody_touched_it(world: World) -> None:
    assert verify_chains() == []
    call_command("audit", "verify")


def test_verify_names_the_row_that_was_edited_in_the_database(world: World) -> None:
    victim = AuditEvent.objects.filter(chain=str(world.harbor.public_id)).order_by("seq")[2]
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_email = %s WHERE id = %s",
            ["someone@else.test", victim.pk],
        )
    problems = verify_chains()
    assert [(p.chain, p.seq) for p in problems] == [(str(world.harbor.public_id), victim.seq)]
    assert "edited" in problems[0].problem
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_verify_reports_a_row_deleted_from_the_middle(world: World) -> None:
    victim = AuditEvent.objects.filter(chain=str(world.harbor.public_id)).order_by("seq")[1]
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    problems = verify_chains()
    assert any(p.seq == victim.seq and "missing" in p.problem for p in problems)


def test_verify_reports_rows_cut_from_the_end(world: World) -> None:
    last = AuditEvent.objects.filter(chain=str(world.summit.public_id)).order_by("-seq").first()
    assert last is not None
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert any("truncated" in p.problem for p in verify_chains())


def test_the_database_refuses_to_update_or_delete_an_audit_row(world: World) -> None:
    event = _last_event()
    for sql in (
        "UPDATE core_auditevent SET action = 'read' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql, [event.pk])


def test_the_model_refuses_to_change_or_delete_an_audit_row(world: World) -> None:
    event = _last_event()
    event.actor_email = "x@y.test"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="read")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_a_failing_audit_write_rolls_back_the_change_it_describes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    before = Patient.objects.count()
    with pytest.raises(RuntimeError):
        patient_register(
            actor=world.nina,
            clinic=world.harbor,
            given_name="Lost",
            family_name="Write",
            date_of_birth="1990-01-01",
            sex="male",
        )
    assert Patient.objects.count() == before


def test_recording_outside_a_transaction_is_refused(audit_guards_lifted_for_flush: None) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(audit.AuditEntry(action=AuditAction.READ), ANONYMOUS)
