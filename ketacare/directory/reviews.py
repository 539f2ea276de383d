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
from django.db.models import Avg, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower
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
# Courses ended longer ago are not invited (a clinic's first publication does not email every
# patient it ever treated); KetaCare's choice.
INVITE_WITHIN = dt.timedelta(days=90)
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
    """The invitation's event is the clinic's (whom the platform invited). A review's events
    (written, edited, withdrawn, reported, moderated) go to the platform's own chain, naming
    no patient: with the address and browser every event keeps, the clinic's audit report
    would otherwise tell its readers who wrote which review."""
    if isinstance(obj, ReviewInvitation):
        return audit.entry_for(action, obj, changes, clinic=course.clinic, patient=course.patient)
    changes = {"clinic": str(course.clinic.public_id), **changes}
    return audit.AuditEntry(action=action, object_type="review", object_id=str(obj.public_id),
                            changes=changes)  # fmt: skip


def _staff_emails(clinic: Clinic) -> Any:
    return Membership.objects.filter(clinic=clinic).annotate(e=Lower("user__email")).values("e")


def courses_to_invite(clinic: Clinic) -> Any:
    """The clinic's courses ended in the last `INVITE_WITHIN` with a dose given and no
    invitation yet, of patients who can be reached (an active portal sign-in, else an email on
    the record) and are not on the clinic's staff (staff cannot review their own clinic)."""
    dosed = DosingSession.objects.filter(course=OuterRef("pk"), dose_started_at__isnull=False)
    invited = ReviewInvitation.objects.filter(course=OuterRef("pk"))
    staff = _staff_emails(clinic)
    reachable = Q(patient__account__user__is_active=True) | (
        Q(patient__account__isnull=True) & ~Q(patient__email="")
    )
    return (
        TreatmentCourse.objects.filter(clinic=clinic, status=CourseStatus.ENDED)
        .filter(ended_at__gte=timezone.now() - INVITE_WITHIN)
        .filter(Exists(dosed), ~Exists(invited))
        .filter(reachable)
        .annotate(  # no sign-in reads as "", not NULL: NOT (NULL IN …) would drop the row
            record_email=Lower("patient__email"),
            sign_in=Coalesce(Lower("patient__account__user__email"), Value("")),
        )
        .exclude(record_email__in=staff)
        .exclude(sign_in__in=staff)
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


def _refuse_staff_patient(invitation: ReviewInvitation) -> None:
    """The invited patient is on the clinic's staff (they became so since the invitation)."""
    email = invitee_email(invitation.course).lower()
    if email and _staff_emails(invitation.clinic).filter(e=email).exists():
        raise PermissionDenied("Staff of a clinic cannot review it.")


def review_submit(*, actor: Actor, token: str, **fields: Any) -> Review:
    """Publish the review of the invitation's course and spend the link (its row locked, so
    a double submit writes one review)."""
    with transaction.atomic():
        invitation = invitation_for(token)
        _refuse_staff(actor, invitation.clinic)
        _refuse_staff_patient(invitation)
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
    """Withhold a published review on one of the policy's grounds (platform moderators only,
    and never one who works at the review's clinic)."""
    _moderator(actor)
    if review.clinic_id in actor.clinic_ids:
        raise PermissionDenied("A moderator who works at the clinic does not moderate its reviews.")
    if reason not in WithholdReason.values:
        raise ValidationError({"reason": "Choose one of: " + ", ".join(WithholdReason.values)})
    with transaction.atomic():
        row = (
            Review.objects.select_for_update()
            .select_related("invitation__course")
            .get(pk=review.pk)
        )
        if row.status != ReviewStatus.PUBLISHED:
            raise ValidationError({"reason": "Only a published review is withheld."})
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
        ReviewReport.objects.filter(review=row, closed_at=None).update(closed_at=timezone.now())
        audit.record(_entry(AuditAction.UPDATE, row, {"withdrawn": True},
                            row.invitation.course), PUBLIC)  # fmt: skip
        return row
