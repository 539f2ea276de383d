"""Who runs a dosing session, against the clinic's ACLS setting (`clinical.acls_finding`,
REFERENCE §2.4): while the session's clearance is worked out, a session of a route the clinic
asks ACLS for warns when nobody who has recorded on it so far (the pre-dose checklist, the
pre-dose vital signs) holds a current ACLS certification on the credentials page."""

from typing import Any

from django.dispatch import receiver

from ketacare import clinical
from ketacare.directory.credentials import anyone_holds_current
from ketacare.directory.models import CredentialKind
from ketacare.dosing.models import DosingSession
from ketacare.dosing.services import pre_dose_findings


def _on_the_session(session: DosingSession) -> list[int]:
    vitals = session.pre_dose_vitals
    people = [session.checklist_by_id, vitals.recorded_by_id if vitals else None]
    return [person for person in people if person is not None]


@receiver(pre_dose_findings)
def acls_on_the_session(
    sender: type, session: DosingSession, **kwargs: Any
) -> list[dict[str, Any]]:
    clinic, people = session.clinic, _on_the_session(session)
    if not people:
        return []  # nobody has recorded yet: the checklist's own gaps hold the session
    current = anyone_holds_current(people, clinic, CredentialKind.ACLS, clinic.today())
    finding = clinical.acls_finding(
        session.course.route, clinic.acls_routes, anyone_current=current
    )
    if finding is None:
        return []
    fields = ("code", "kind", "message", "source", "field")
    return [{name: getattr(finding, name) for name in fields}]
