"""Write paths of the safety watch: a check recorded (judged by the course's protocol as it
stands, its questions and cut-off copied onto the result), a positive one's prescriber told
through the worker, a review by a prescriber, and a wrong result marked entered in error."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.jobs import enqueue_on_commit
from ketacare.core.models import AuditAction
from ketacare.core.validation import check_effective_time, require_reason
from ketacare.treatment.models import CourseStatus, TreatmentCourse
from ketacare.watch import tasks
from ketacare.watch.models import WatchResult
from ketacare.watch.queries import pre_dose_sbp, watch_check

FIELDS = ("kind", "done_at", "questions", "answers", "value", "cut_off", "positive", "note")
# The ALT a laboratory reports, in U/L: a bound against a slip of the keyboard.
ALT_RANGE = (Decimal(1), Decimal(5000))


def watch_record(
    *,
    actor: Actor,
    course: TreatmentCourse,
    kind: str,
    done_at: dt.datetime,
    answers: Sequence[bool] = (),
    value: Decimal | None = None,
    note: str = "",
) -> WatchResult:
    """Record one check of the course's watch: a questionnaire's answers, the blood-pressure
    trend of the course's pre-dose readings (computed here, not typed), or an ALT result."""
    actor.demand(Perm.WATCH_RECORD, course.clinic)
    check_effective_time("done_at", done_at)
    check = recordable(course, kind)
    measured = _rise(course, check) if kind == "blood_pressure" else _alt(check, value)
    try:
        positive = clinical.watch_positive(check, answers=answers, value=float(measured or 0))
    except clinical.ClinicalInputError as error:
        raise ValidationError({"answers": str(error).split(": ", 1)[-1]}) from error
    with transaction.atomic():
        result = WatchResult(
            course=course,
            patient=course.patient,
            clinic=course.clinic,
            recorded_by=person_of(actor),
            kind=kind,
            done_at=done_at,
            questions=list(check.questions),
            answers=list(answers),
            value=measured,
            cut_off=check.positive_at or 0,
            positive=positive,
            note=note.strip()[:300],
        )
        result.full_clean()
        result.save()
        changes = audit.diff({}, audit.field_values(result, FIELDS))
        entry = audit.entry_for(
            AuditAction.CREATE, result, changes, clinic=course.clinic, patient=course.patient
        )
        audit.record(entry, actor)
        if positive:
            enqueue_on_commit(
                tasks.positive_notice,
                clinic_id=course.clinic.public_id,
                result=str(result.public_id),
            )
        return result


def recordable(course: TreatmentCourse, kind: str) -> clinical.WatchCheck:
    """The check as the course's protocol asks it, if it can be recorded now: refused for an
    ended course, a check without its cut-off, or a trend without its sessions yet."""
    if course.status == CourseStatus.ENDED:
        raise ValidationError({"kind": "This course has ended: the watch is over."})
    check = watch_check(course, kind)
    if kind == "blood_pressure":
        _rise(course, check)
    return check


def _rise(course: TreatmentCourse, check: clinical.WatchCheck) -> Decimal:
    count = check.readings or 1  # a scheduled trend always has its count (the core checks)
    sessions = pre_dose_sbp(course)
    rise = clinical.sbp_rise(sessions, count)
    if rise is None:
        wanted, have = 2 * count, len(sessions)
        message = (
            f"The trend compares {wanted} sessions' blood pressures before the dose; "
            f"the course has {have} so far."
        )
        raise ValidationError({"kind": message})
    return Decimal(str(rise))


def _alt(check: clinical.WatchCheck, value: Decimal | None) -> Decimal | None:
    if check.kind != "liver":
        return None
    low, high = ALT_RANGE
    if value is None or not low <= value <= high:
        raise ValidationError({"value": f"Give the ALT in U/L, from {low} to {high}."})
    return value


def watch_review(*, actor: Actor, result: WatchResult, note: str) -> WatchResult:
    """A prescriber's review of a positive check: what was done, with their name. The chart's
    flag comes down."""
    actor.demand(Perm.WATCH_REVIEW, result.clinic)
    note = require_reason("review_note", note)
    with transaction.atomic():
        row = WatchResult.objects.select_for_update().get(pk=result.pk)
        if not row.awaiting_review:
            raise ValidationError({"review_note": "This check is not waiting for a review."})
        row.reviewed_by, row.reviewed_at, row.review_note = (
            person_of(actor),
            timezone.now(),
            note[:300],
        )
        row.full_clean()
        row.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "updated_at"])
        changes = {"review_note": {"old": "", "new": row.review_note}}
        entry = audit.entry_for(
            AuditAction.UPDATE, row, changes, clinic=row.clinic, patient=row.patient
        )
        audit.record(entry, actor)
        return row
