"""Reviews from verified patients: written once through the platform's link, published under
the policy, reported and withheld only by the platform's moderators with the ground shown;
staff of the clinic cannot review it."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import Clock, World, client_for
from ketacare.accounts.models import User
from ketacare.core.models import AuditEvent
from ketacare.directory.models import Review, ReviewReport
from ketacare.directory.reviews import courses_to_invite, review_withhold, reviews_of
from ketacare.directory.tests.builders import (
    course_ended_after_a_dose,
    invited,
    published,
    published_review,
)
from ketacare.patients.actors import actor_for
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
RATINGS = {"overall": "5", "safety": "5", "communication": "4", "comfort": "4"}


def _write(token: str, client: Client | None = None, **fields: str) -> Any:
    body = RATINGS | {"text": "The nurse explained every step.", "display_name": "J."} | fields
    return (client or Client()).post(reverse("directory:review_write", args=[token]), body)


def test_an_invited_patient_reviews_once_and_the_average_counts_it(world: World) -> None:
    published(world)
    published_review(world, overall=2)
    assert reviews_of(world.harbor).average == 2
    world.patient.refresh_from_db()
    _, token = invited(world)
    assert _write(token).status_code == 200
    assert reviews_of(world.harbor).average == 3.5
    page = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "3.5 out of 5" in page
    assert "The nurse explained every step." in page
    assert "<strong>J.</strong>" in page
    again = _write(token)
    assert again.status_code == 410
    assert "each course has one review" in again.content.decode()
    assert Review.objects.count() == 2


def test_a_review_shows_as_a_verified_patient_unless_a_name_is_chosen(world: World) -> None:
    published_review(world)
    page = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "<strong>Verified patient</strong>" in page
    assert "Rivera" not in page
    assert "Paula" not in page


def test_bad_ratings_and_long_text_are_refused_naming_the_field_and_kept(world: World) -> None:
    published(world)
    _, token = invited(world)
    refused = _write(token, overall="6", text="x" * 2001)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Overall: Select a valid choice. 6 is not one of the available choices." in text
    assert "Your review: Ensure this value has at most 2000 characters (it has 2001)." in text
    assert 'value="J."' in text
    assert not Review.objects.exists()


def test_a_review_is_shown_as_text_never_as_markup(world: World) -> None:
    published_review(world, text="<script>alert(1)</script> great")
    page = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; great" in page


def test_an_unknown_or_expired_link_writes_nothing(world: World, clock: Clock) -> None:
    published(world)
    _, token = invited(world)
    assert Client().get(reverse("directory:review_write", args=["guess" * 8])).status_code == 404
    clock.advance(days=31)
    expired = Client().get(reverse("directory:review_write", args=[token]))
    assert expired.status_code == 410
    assert "This invitation has expired." in expired.content.decode()


def test_staff_of_the_clinic_cannot_review_it(world: World) -> None:
    published(world)
    _, token = invited(world)
    refused = _write(token, client_for(world.nina))
    assert refused.status_code == 403
    assert "Staff of a clinic cannot review it." in refused.content.decode()
    assert not Review.objects.exists()


def test_submissions_are_limited_per_link_and_address(world: World) -> None:
    published(world)
    _, token = invited(world)
    for _ in range(10):
        assert _write(token, overall="9").status_code == 400
    assert _write(token).status_code == 429
    assert not Review.objects.exists()


def _moderator() -> Any:
    user = User.objects.create_user(email="mo@ketacare.test", password="x", full_name="Mo Mod",
                                    is_staff=True)  # fmt: skip
    return user


def test_a_report_reaches_the_moderators_who_withhold_on_a_ground_shown_on_the_profile(
    world: World,
) -> None:
    review = published_review(world, text="Dr Smith treated my neighbour Ann for her psychosis.")
    profile = reverse("directory:profile", args=["harbor"])
    Client().post(reverse("directory:review_report", args=[review.public_id]),
                  {"reason": "Names another patient"})  # fmt: skip
    assert client_for(world.ada).get(reverse("directory:moderation")).status_code == 404
    moderator = _moderator()
    queue = client_for(moderator).get(reverse("directory:moderation")).content.decode()
    assert "Names another patient" in queue
    client_for(moderator).post(
        reverse("directory:moderation_withhold", args=[review.public_id]),
        {"reason": "health_information"},
    )
    page = Client().get(profile).content.decode()
    assert "neighbour Ann" not in page
    assert "withheld under the" in page
    assert "it tells another person&#x27;s health information." in page
    assert reviews_of(world.harbor).count == 0
    assert not ReviewReport.objects.filter(closed_at=None).exists()
    event = AuditEvent.objects.filter(object_type="review").order_by("-seq").first()
    assert event is not None
    assert (event.changes["withheld"], event.actor_email) == ("health_information",
                                                              "mo@ketacare.test")  # fmt: skip
    assert (event.chain, event.clinic_id) == ("system", None)  # not in the clinic's report


def test_the_clinic_cannot_withhold_a_review_nor_is_a_reviewer_named_in_its_audit(
    world: World,
) -> None:
    review = published_review(world, overall=1, text="Not helpful.")
    with pytest.raises(PermissionDenied):
        review_withhold(actor=world.ada, review=review, reason="off_topic")
    written = AuditEvent.objects.get(object_type="review")
    assert (written.patient_id, written.clinic_id) == (None, None)
    assert not AuditEvent.objects.filter(chain=str(world.harbor.public_id), object_type="review")
    moderator = actor_for(_moderator())
    with pytest.raises(ValidationError, match="Choose one of"):
        review_withhold(actor=moderator, review=review, reason="low_rating")
    assert Review.objects.get().status == "published"  # it stands, whatever its rating


def test_the_clinic_replies_once_from_a_template_that_never_confirms_a_patient(
    world: World,
) -> None:
    review = published_review(world, overall=2, text="Waited an hour.")
    url = reverse("directory:clinic_review_reply", args=[review.public_id])
    ada = client_for(world.ada)
    ada.post(url, {"template": "concern"})  # not confirmed: nothing shown
    assert Review.objects.get().reply == ""
    ada.post(url, {"template": "concern", "confirm": "on"})
    page = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "please call us at 555-0142 so that we can listen." in page
    again = ada.post(url, {"template": "thanks", "confirm": "on"}, follow=True)
    assert "The clinic has replied to this review already." in again.content.decode()
    assert Review.objects.get().reply == "concern"
    assert client_for(world.nina).post(url, {"template": "thanks"}).status_code == 403


def test_the_patient_changes_or_withdraws_their_review_from_the_portal(world: World) -> None:
    review = published_review(world, overall=2)
    paula = client_for(world.paula)
    assert "Calm and safe." in paula.get(reverse("directory:portal_reviews")).content.decode()
    edit = reverse("directory:portal_review_edit", args=[review.public_id])
    paula.post(edit, RATINGS | {"text": "Better on reflection.", "display_name": "P"})
    assert reviews_of(world.harbor).average == 5
    paula.post(reverse("directory:portal_review_withdraw", args=[review.public_id]))
    assert reviews_of(world.harbor).count == 0
    assert Review.objects.get().status == "withdrawn"
    assert client_for(world.ada).post(edit, RATINGS | {"text": "x"}).status_code == 404


def test_a_moderator_on_the_clinics_staff_and_a_withdrawn_review_are_refused(world: World) -> None:
    review = published_review(world)
    world.ada.user.is_staff = True
    world.ada.user.save(update_fields=["is_staff"])
    with pytest.raises(PermissionDenied, match="works at the clinic"):
        review_withhold(actor=actor_for(world.ada.user), review=review, reason="off_topic")
    client_for(world.paula).post(reverse("directory:portal_review_withdraw",
                                         args=[review.public_id]))  # fmt: skip
    with pytest.raises(ValidationError, match="Only a published review"):
        review_withhold(actor=actor_for(_moderator()), review=review, reason="off_topic")


def test_a_signed_in_visitors_public_page_is_not_kept_by_shared_caches(world: World) -> None:
    published(world)
    page = reverse("directory:profile", args=["harbor"])
    assert Client().get(page)["Cache-Control"] == "public, max-age=300"
    assert "no-store" in client_for(world.nina).get(page)["Cache-Control"]


def test_only_recent_courses_of_patients_not_on_the_staff_are_invited(
    world: World, clock: Clock
) -> None:
    course = course_ended_after_a_dose(world)
    no_portal = PatientFactory.create(clinic=world.harbor, actor=world.nina, email="n@example.test")
    by_email = course_ended_after_a_dose(world, no_portal)
    assert set(courses_to_invite(world.harbor)) == {course, by_email}
    clock.advance(days=91)
    assert not courses_to_invite(world.harbor).exists()
    nurse_as_patient = PatientFactory.create(clinic=world.harbor, actor=world.nina,
                                             email="NINA@harbor.test")  # fmt: skip
    course_ended_after_a_dose(world, nurse_as_patient)
    assert not courses_to_invite(world.harbor).exists()
