"""Reviews that mean something: the platform (never the clinic's staff) invites a patient whose
course ended after at least one dose, through a link that works once and expires; the review is
published at once under the written moderation policy (`templates/directory/review_policy.html`),
withheld only by the platform's moderators on one of its grounds, never for its rating, with
the reason kept; the average counts every published review. See docs/decisions/0005."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from ketacare.clinics.actors import PUBLIC, Actor, PatientActor, StaffActor, person_of
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.directory.models import (
    ReplyTemplate,
    Review,
    ReviewInvitation,
    ReviewReport,
    ReviewStatus,
    WithholdReason,
)
from ketacare.dosing.models import DosingSession
from ketacare.treatment.models import CourseStatus, TreatmentCourse

INVITATION_DAYS = 30
DIMENSIONS = {
    "overall": "Overall",
    "safety": "Safety and monitoring",
    "communication": "Explanations and communication",
    "comfort": "Comfort of the setting",
}


class InvitationUnusable(Exception):
    """The link was used already or has expired (the message says which)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _entry(action: AuditAction, obj: Review | ReviewInvitation, changes: dict[str, Any],
           course: TreatmentCourse) -> audit.AuditEntry:  # fmt: skip
    # A review's events name no patient: the clinic's audit report must not tell its readers
    # who wrote which review (the invitation's event names whom the platform invited).
    patient = course.patient if isinstance(obj, ReviewInvitation) else None
    return audit.entry_for(action, obj, changes, clinic=course.clinic, patient=patient)


def courses_to_invite(clinic: Clinic) -> Any:
    """The clinic's ended courses with a dose given and no invitation yet, of patients who are
    not on the clinic's staff (staff cannot review their own clinic)."""
    dosed = DosingSession.objects.filter(course=OuterRef("pk"), dose_started_at__isnull=False)
    invited = ReviewInvitation.objects.filter(course=OuterRef("pk"))
    staff_emails = Membership.objects.filter(clinic=clinic).values("user__email")
    return (
        TreatmentCourse.objects.filter(clinic=clinic, status=CourseStatus.ENDED)
        .filter(Exists(dosed), ~Exists(invited))
        .filter(~Q(patient__email="") | Q(patient__account__isnull=False))
        .exclude(patient__email__in=staff_emails)
        .exclude(patient__account__user__email__in=staff_emails)
        .select_related("patient", "clinic")
    )


def invitation_create(*, actor: Actor, course: TreatmentCourse) -> tuple[ReviewInvitation, str]:
    """A new invitation for the course and the token of its link (kept nowhere else)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = ReviewInvitation.objects.create(
            clinic=course.clinic, course=course, token_hash=_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )  # fmt: skip
        audit.record(_entry(AuditAction.CREATE, invitation, {"course": str(course.public_id)},
                            course), actor)  # fmt: skip
    return invitation, token


def invitation_for(token: str) -> ReviewInvitation:
    """The invitation of a link, if it still works; a wrong token is the 404 of no page."""
    found = (
        ReviewInvitation.objects.filter(token_hash=_hash(token))
        .select_related("clinic", "course__patient")
        .first()
    )
    if found is None:
        raise ReviewInvitation.DoesNotExist
    if found.used_at is not None:
        raise InvitationUnusable("This invitation has been used: each course has one review.")
    if found.expires_at <= timezone.now():
        raise InvitationUnusable("This invitation has expired.")
    return found


def _refuse_staff(actor: Actor, clinic: Clinic) -> None:
    if isinstance(actor, StaffActor) and any(m.clinic_id == clinic.pk for m in actor.memberships):
        raise PermissionDenied("Staff of a clinic cannot review it.")


def review_submit(*, actor: Actor, token: str, **fields: Any) -> Review:
    """Publish the review of the invitation's course and spend the link (its row locked, so
    a double submit writes one review)."""
    with transaction.atomic():
        invitation = invitation_for(token)
        _refuse_staff(actor, invitation.clinic)
        invitation = ReviewInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvitationUnusable("This invitation has been used: each course has one review.")
        review = Review(clinic=invitation.clinic, invitation=invitation, **fields)
        review.full_clean()
        review.save()
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at", "updated_at"])
        ratings = {name: getattr(review, name) for name in DIMENSIONS}
        audit.record(_entry(AuditAction.CREATE, review, {"ratings": ratings},
                            invitation.course), PUBLIC)  # fmt: skip
        return review


def review_withhold(*, actor: Actor, review: Review, reason: str) -> Review:
    """Withhold a review on one of the policy's grounds (platform moderators only)."""
    _moderator(actor)
    if reason not in WithholdReason.values:
        raise ValidationError({"reason": "Choose one of: " + ", ".join(WithholdReason.values)})
    with transaction.atomic():
        row = (
            Review.objects.select_for_update()
            .select_related("invitation__course")
            .get(pk=review.pk)
        )
        row.status, row.withheld_reason, row.moderated_at = (
            ReviewStatus.WITHHELD, reason, timezone.now(),
        )  # fmt: skip
        row.save()
        ReviewReport.objects.filter(review=row, closed_at=None).update(closed_at=timezone.now())
        audit.record(_entry(AuditAction.UPDATE, row, {"withheld": reason},
                            row.invitation.course), actor)  # fmt: skip
        return row


def report_dismiss(*, actor: Actor, report: ReviewReport) -> None:
    """Close a report that found nothing the policy withholds; the review stays published."""
    _moderator(actor)
    with transaction.atomic():
        ReviewReport.objects.filter(pk=report.pk).update(closed_at=timezone.now())
        review = Review.objects.select_related("invitation__course").get(pk=report.review_id)
        audit.record(_entry(AuditAction.UPDATE, review, {"report_dismissed": str(report.public_id)},
                            review.invitation.course), actor)  # fmt: skip


def _moderator(actor: Actor) -> None:
    user = getattr(actor, "user", None)
    if user is None or not user.is_staff:
        raise PermissionDenied("Only the platform's moderators moderate reviews.")


def review_report(*, review: Review, reason: str) -> ReviewReport:
    """A visitor's report; it goes to the moderators, never to the clinic."""
    report = ReviewReport(review=review, reason=reason.strip())
    report.full_clean()
    with transaction.atomic():
        report.save()
        audit.record(_entry(AuditAction.CREATE, review, {"reported": report.reason},
                            review.invitation.course), PUBLIC)  # fmt: skip
    return report


@dataclass(frozen=True)
class ClinicReviews:
    published: list[Review]
    count: int
    average: float | None
    withheld: list[str]  # each withheld review's ground, in words

    def stars(self) -> str:
        return f"{self.average:.1f}" if self.average is not None else ""


def reviews_of(clinic: Clinic) -> ClinicReviews:
    """What the profile shows (two queries): every published review, newest first, their
    average overall rating, and the grounds of those withheld."""
    rows = Review.objects.filter(clinic=clinic)
    totals = rows.aggregate(
        count=Count("pk", filter=Q(status=ReviewStatus.PUBLISHED)),
        average=Avg("overall", filter=Q(status=ReviewStatus.PUBLISHED)),
    )
    shown = list(
        rows.filter(status__in=[ReviewStatus.PUBLISHED, ReviewStatus.WITHHELD]).select_related(
            "clinic"
        )
    )
    return ClinicReviews(
        published=[r for r in shown if r.status == ReviewStatus.PUBLISHED],
        count=totals["count"],
        average=totals["average"],
        withheld=[r.get_withheld_reason_display() for r in shown if r.status == "withheld"],
    )


def invitee_email(course: TreatmentCourse) -> str:
    """Where the invitation goes: the patient's portal sign-in, else the record's email."""
    account = getattr(course.patient, "account", None)
    return account.user.email if account is not None else course.patient.email


def review_reply(*, actor: Actor, review: Review, template: str) -> Review:
    """The clinic's one reply, from a template, confirmed by its admin as it is made."""
    actor.demand(Perm.REVIEWS_REPLY, review.clinic)
    if template not in ReplyTemplate.values:
        raise ValidationError({"template": "Choose one of the replies offered."})
    with transaction.atomic():
        row = (
            Review.objects.select_for_update()
            .select_related("invitation__course")
            .get(pk=review.pk)
        )
        if row.reply:
            raise ValidationError({"template": "The clinic has replied to this review already."})
        row.reply, row.reply_confirmed_by = template, person_of(actor)
        row.reply_confirmed_at = timezone.now()
        row.save()
        audit.record(_entry(AuditAction.UPDATE, row, {"reply": template},
                            row.invitation.course), actor)  # fmt: skip
        return row


def reviews_by(actor: PatientActor) -> list[Review]:
    """The patient's own reviews (not withdrawn), newest first."""
    return list(
        Review.objects.filter(invitation__course__patient_id=actor.patient_id)
        .exclude(status=ReviewStatus.WITHDRAWN)
        .select_related("clinic")
    )


def _own(actor: PatientActor, review: Review) -> Review:
    row = Review.objects.select_for_update().select_related("invitation__course").get(pk=review.pk)
    if row.invitation.course.patient_id != actor.patient_id:
        raise PermissionDenied("Only its author changes a review.")
    return row


def review_edit(*, actor: PatientActor, review: Review, **fields: Any) -> Review:
    """Its author changes a review; a withheld one stays withheld (the ground still holds
    until a moderator reads it again)."""
    with transaction.atomic():
        row = _own(actor, review)
        for name, value in fields.items():
            setattr(row, name, value)
        row.edited_at = timezone.now()
        row.full_clean()
        row.save()
        changed = {"edited": sorted(fields)}
        audit.record(_entry(AuditAction.UPDATE, row, changed, row.invitation.course), PUBLIC)
        return row


def review_withdraw(*, actor: PatientActor, review: Review) -> Review:
    with transaction.atomic():
        row = _own(actor, review)
        row.status, row.withheld_reason = ReviewStatus.WITHDRAWN, ""
        row.save()
        audit.record(_entry(AuditAction.UPDATE, row, {"withdrawn": True},
                            row.invitation.course), PUBLIC)  # fmt: skip
        return row
