"""The protocol's rhythm of therapy applied to the course (`clinical.therapy_rhythm`, REFERENCE
§7): before the course's first dose, the preparation sessions held are counted against what
the protocol asks, as a finding of the dosing session's clearance (a warning a prescriber
may override, or a hard stop, as the protocol says)."""

from typing import Any

from django.dispatch import receiver

from ketacare import clinical
from ketacare.dosing.models import DosingSession
from ketacare.dosing.services import pre_dose_findings
from ketacare.therapy.models import TherapyKind, TherapySession, TherapyStatus
from ketacare.treatment.queries import protocol_of


@receiver(pre_dose_findings)
def preparation_before_the_first_dose(
    sender: type, session: DosingSession, **kwargs: Any
) -> list[dict[str, Any]]:
    protocol = protocol_of(session.course.protocol_version)
    if protocol.therapy_preparation_sessions == 0:
        return []
    dosed_before = (
        DosingSession.objects.filter(course_id=session.course_id, dose_started_at__isnull=False)
        .exclude(pk=session.pk)
        .exists()
    )
    if dosed_before:
        return []
    held = TherapySession.objects.filter(
        course_id=session.course_id, kind=TherapyKind.PREPARATION, status=TherapyStatus.HELD
    ).count()
    finding = clinical.preparation_finding(protocol, held)
    if finding is None:
        return []
    fields = ("code", "kind", "message", "source", "field")
    return [{name: getattr(finding, name) for name in fields}]
