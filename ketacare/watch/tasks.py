"""A positive safety-watch check reaches the course's prescriber by email through the worker
(every prescriber of the clinic when that one no longer works there). The email names no
patient: it links to the watch list, which staff open signed in."""

from django.urls import reverse

from ketacare.clinics.permissions import Perm
from ketacare.clinics.queries import members_with
from ketacare.core.email import email_on_commit, render_message
from ketacare.core.jobs import background
from ketacare.watch.models import WatchResult

NOTICE_TASK = "Tell the prescriber of a positive safety-watch check"


@background(NOTICE_TASK)
def positive_notice(*, clinic: str, result: str) -> None:
    row = WatchResult.objects.select_related("clinic", "course__prescriber").get(
        public_id=result, clinic__public_id=clinic
    )
    if not row.awaiting_review:
        return  # reviewed or struck out before the job ran (a retry): nobody needs telling
    reviewers = members_with(row.clinic, Perm.WATCH_REVIEW)
    people = [row.course.prescriber] if row.course.prescriber in reviewers else reviewers
    for person in people:
        message = render_message(
            "watch/email/positive",
            to=person.email,
            clinic_name=row.clinic.name,
            context={
                "name": person.full_name,
                "check": row.get_kind_display(),
                "link": reverse("watch:list"),
            },
        )
        email_on_commit(message, clinic_id=row.clinic.public_id)
