"""The eligibility decision: the core's findings, a prescriber's signature, a kept snapshot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.patients.services import medication_record
from ketacare.screening.models import EligibilityDecision
from ketacare.screening.review import eligibility_review
from ketacare.screening.services import eligibility_sign, intake_update
from ketacare.screening.tests.builders import cssrs, ready_intake

pytestmark = pytest.mark.django_db


def _url(world: World, tail: str) -> str:
    return f"/patients/{world.patient.public_id}/eligibility/{tail}"


def test_a_clean_review_is_signed_eligible_with_its_snapshot(world: World) -> None:
    intake = ready_intake(world)
    review = eligibility_review(intake)
    assert review.eligibility is not None
    assert review.eligibility.status == "eligible"
    signed = eligibility_sign(
        actor=world.pia,
        intake=intake,
        route="esketamine_nasal",
        decision="eligible",
        facts_digest=review.digest,
    )
    assert signed.decision == "eligible"
    assert signed.facts["failed_adequate_trials"] == 2
    assert {f["code"] for f in signed.findings} == {"rems_enrollment"}
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="eligibilitydecision"
    ).exists()


def test_a_hard_stop_cannot_be_signed_eligible_even_with_a_reason(world: World) -> None:
    intake = ready_intake(world, aneurysmal_vascular_disease=True)
    for decision in ("eligible", "eligible_with_override"):
        with pytest.raises(ValidationError) as refused:
            eligibility_sign(
                actor=world.pia,
                intake=intake,
                route="esketamine_nasal",
                decision=decision,
                reason="I know best",
            )
        assert "hard stop cannot be overridden" in refused.value.message_dict["decision"][0]
    signed = eligibility_sign(
        actor=world.pia, intake=intake, route="esketamine_nasal", decision="not_eligible"
    )
    assert (signed.status, signed.decision) == ("ineligible", "not_eligible")


def test_the_database_refuses_an_eligible_decision_on_a_hard_stop(world: World) -> None:
    intake = ready_intake(world)
    signed = eligibility_sign(actor=world.pia, intake=intake, route="iv", decision="eligible")
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityDecision.objects.filter(pk=signed.pk).update(status="ineligible")


def test_overriding_a_warning_needs_a_written_reason_and_records_the_warning(world: World) -> None:
    intake = ready_intake(world)
    medication_record(
        actor=world.nina, patient=world.patient, name="Lorazepam", rems_class="benzodiazepine"
    )
    with pytest.raises(ValidationError) as refused:
        eligibility_sign(
            actor=world.pia, intake=intake, route="esketamine_nasal", decision="eligible"
        )
    assert "reason" in refused.value.message_dict
    signed = eligibility_sign(
        actor=world.pia,
        intake=intake,
        route="esketamine_nasal",
        decision="eligible",
        reason="Lorazepam tapered off before the first session.",
    )
    assert signed.decision == "eligible_with_override"
    assert signed.overridden_warnings == ["cns_depressants"]
    assert "Lorazepam" in signed.fact_sources["cns_depressants"]


def test_only_a_prescriber_signs_in_the_service_the_page_and_the_api(world: World) -> None:
    intake = ready_intake(world)
    for user in (world.nina, world.ada, world.sol):
        with pytest.raises(PermissionDenied):
            eligibility_sign(actor=user, intake=intake, route="iv", decision="not_eligible")
    body = {"route": "iv", "decision": "not_eligible", "facts_digest": "x"}
    assert client_for(world.nina).post(_url(world, "sign/"), body).status_code == 403
    api = f"/api/v1/patients/{world.patient.public_id}/eligibility/decisions"
    response = client_for(world.nina).post(api, body, content_type="application/json")
    assert response.status_code == 403
    assert not EligibilityDecision.objects.exists()


def test_the_snapshot_is_kept_when_the_intake_changes_later(world: World) -> None:
    intake = ready_intake(world)
    signed = eligibility_sign(actor=world.pia, intake=intake, route="iv", decision="eligible")
    intake_update(actor=world.nina, intake=intake, ketamine_hypersensitivity=True)
    signed.refresh_from_db()
    assert signed.facts["ketamine_hypersensitivity"] is False
    assert eligibility_review(intake, "iv").eligibility.status == "ineligible"  # type: ignore[union-attr]


def test_signing_is_refused_when_the_facts_changed_since_the_review(world: World) -> None:
    intake = ready_intake(world)
    digest = eligibility_review(intake, "iv").digest
    intake_update(actor=world.nina, intake=intake, psychosis_history=True)
    with pytest.raises(ValidationError) as refused:
        eligibility_sign(
            actor=world.pia, intake=intake, route="iv", decision="eligible", facts_digest=digest
        )
    assert "facts_digest" in refused.value.message_dict


def test_the_page_shows_findings_with_sources_and_a_high_triage_prominently(world: World) -> None:
    ready_intake(world)
    cssrs(world, {"1": True, "2": True, "3": True, "4": True, "5": False, "6": False})
    page = client_for(world.theo).get(_url(world, "?route=esketamine_nasal")).content.decode()
    assert "Suicide triage: HIGH" in page
    assert 'role="alert"' in page
    assert "REFERENCE §1.11" in page
    assert "baseline C-SSRS" in page  # the fact's source
    assert "Sign the decision" not in page  # therapists read, never sign


def test_a_prescriber_signs_through_the_page(world: World) -> None:
    intake = ready_intake(world)
    digest = eligibility_review(intake, "iv").digest
    response = client_for(world.pia).post(
        _url(world, "sign/"), {"route": "iv", "decision": "eligible", "facts_digest": digest}
    )
    assert response.status_code == 302
    assert EligibilityDecision.objects.get().signed_by == world.pia.user


def test_the_check_waits_for_the_cssrs_and_pregnancy_status(world: World) -> None:
    intake = ready_intake(world, pregnancy_status="")
    review = eligibility_review(intake)
    assert set(review.missing) == {"pregnancy_status"}
    with pytest.raises(ValidationError) as refused:
        eligibility_sign(actor=world.pia, intake=intake, route="iv", decision="not_eligible")
    assert "pregnancy_status" in refused.value.message_dict
