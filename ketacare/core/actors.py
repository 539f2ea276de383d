"""Who acts, as every layer sees it: the kinds of actor and the identity the audit trail keeps.

The actors themselves (staff in a clinic, a patient, a system task, the anonymous public) are
defined in `clinics.actors`, where memberships and the permission table live; this module holds
what the audit trail below them needs to know of any actor.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.db import models


class ActorKind(models.TextChoices):
    STAFF = "staff", "Staff"
    PATIENT = "patient", "Patient"
    SYSTEM = "system", "System task"
    PUBLIC = "public", "Public"


@dataclass(frozen=True, slots=True)
class AuditIdentity:
    """Who acted, as the audit trail remembers them: copied onto the row, never a key, so it
    keeps saying what was true at the time."""

    kind: ActorKind
    id: int | None = None
    email: str = ""
    role: str = ""
    task: str = ""

    def audit_identity(self, clinic_id: uuid.UUID | None) -> "AuditIdentity":
        return self


class Audited(Protocol):
    """Anything that can act: it says who it is in the clinic an event belongs to."""

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity: ...


ANONYMOUS = AuditIdentity(kind=ActorKind.PUBLIC)
