"""`ketacare planquestionnaires`: lay every active course's measurement plan out now (after an
upgrade, for courses started before their protocol's plan sent questionnaires). Safe to run
again: a course already in step with its plan is left as it is."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ketacare.measurement.plans import plan_sync
from ketacare.treatment.models import CourseStatus, TreatmentCourse


class Command(BaseCommand):
    help = "Send every active course the questionnaires its protocol's measurement plan asks for."

    def handle(self, *args: Any, **options: Any) -> None:
        created = moved = courses = 0
        active = TreatmentCourse.objects.filter(status=CourseStatus.ACTIVE).order_by("pk")
        for course in active.iterator():
            with transaction.atomic():  # one course at a time: a long run holds no long lock
                changed = plan_sync(course)
            courses += 1
            created += len(changed["created"])
            moved += len(changed["moved"])
        self.stdout.write(f"{courses} active courses: {created} questionnaires sent, {moved} moved")
