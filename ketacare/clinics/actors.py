"""The one typed `Actor` of a request or a task, resolved once and checked in memory.

- `StaffActor`: a user with their active clinic memberships (one role per clinic); the
  membership of the clinic they are working in is `active`.
- `PatientActor`: a patient signed in to their portal account: their own record, in their own
  clinic, nothing else.
- `KioskActor`: a patient answering on the clinic's tablet, let in by a single-use kiosk code
  a staff member opened: their questionnaires due, nothing else.
- `SystemActor`: a background task, by name, acting for one clinic (or for none, when it works
  on the network as a whole, such as creating a clinic).
- `PublicActor`: anybody, signed in or not, on a public page.

Each answers `scope_in(clinic)`: the row of the permission table (`permissions.GRANTS`) that
applies to it in that clinic — its role for staff, `Scope.PATIENT` / `Scope.SYSTEM` in their
own clinic, `Scope.PUBLIC` for the public — and nothing elsewhere. Querysets take the actor
(`visible_to(actor)`), services take `actor: Actor`, and the audit trail records its kind.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import PermissionDenied

from ketacare.accounts.models import User
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import GRANTS, Perm, Scope
from ketacare.core.actors import ActorKind, AuditIdentity


class _Checks:
    """The permission checks every actor shares, through its `scope_in`."""

    kind: ClassVar[ActorKind]

    def scope_in(self, clinic: Clinic) -> str | None:
        raise NotImplementedError

    def can(self, perm: Perm, clinic: Clinic) -> bool:
        scope = self.scope_in(clinic)
        return scope is not None and perm in GRANTS.get(scope, frozenset())

    def demand(self, perm: Perm, clinic: Clinic) -> None:
        if not self.can(perm, clinic):
            raise PermissionDenied(f"You may not {perm.label} here.")


@dataclass(frozen=True, eq=False)
class StaffActor(_Checks):
    user: User
    memberships: tuple[Membership, ...] = ()
    active: Membership | None = None
    kind: ClassVar[ActorKind] = ActorKind.STAFF
    _roles: dict[int, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_roles", {m.clinic_id: m.role for m in self.memberships})

    def scope_in(self, clinic: Clinic) -> str | None:
        return self._roles.get(clinic.pk)

    @property
    def clinic_ids(self) -> list[int]:
        return list(self._roles)

    def clinics_where(self, perm: Perm) -> list[Clinic]:
        """The clinics in which this staff member holds `perm` (API calls span clinics)."""
        return [m.clinic for m in self.memberships if self.can(perm, m.clinic)]

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity:
        role = next((m.role for m in self.memberships if m.clinic.public_id == clinic_id), "")
        return AuditIdentity(ActorKind.STAFF, self.user.pk, self.user.email, role)


@dataclass(frozen=True, eq=False)
class PatientActor(_Checks):
    user: User
    patient_id: int
    patient_public_id: uuid.UUID
    clinic: Clinic
    kind: ClassVar[ActorKind] = ActorKind.PATIENT

    def scope_in(self, clinic: Clinic) -> str | None:
        return Scope.PATIENT if clinic.pk == self.clinic.pk else None

    @property
    def clinic_ids(self) -> list[int]:
        return [self.clinic.pk]

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity:
        return AuditIdentity(ActorKind.PATIENT, self.user.pk, self.user.email, Scope.PATIENT)


@dataclass(frozen=True, eq=False)
class KioskActor(_Checks):
    """The patient of a kiosk code. Their answers name the staff member who opened the code as
    the person who took them (`opened_by`): the patient may have no portal account at all."""

    opened_by: User
    patient_id: int
    patient_public_id: uuid.UUID
    clinic: Clinic
    code_public_id: uuid.UUID
    since: dt.datetime  # when the code was entered: the kiosk shows what was answered since
    kind: ClassVar[ActorKind] = ActorKind.PATIENT

    def scope_in(self, clinic: Clinic) -> str | None:
        return Scope.KIOSK if clinic.pk == self.clinic.pk else None

    @property
    def clinic_ids(self) -> list[int]:
        return [self.clinic.pk]

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity:
        # The patient, at the kiosk; each event names the code (and so who opened it).
        return AuditIdentity(ActorKind.PATIENT, role=Scope.KIOSK)


@dataclass(frozen=True, eq=False)
class SystemActor(_Checks):
    task: str
    clinic: Clinic | None = None
    kind: ClassVar[ActorKind] = ActorKind.SYSTEM

    def scope_in(self, clinic: Clinic) -> str | None:
        return Scope.SYSTEM if self.clinic is not None and clinic.pk == self.clinic.pk else None

    @property
    def clinic_ids(self) -> list[int]:
        return [self.clinic.pk] if self.clinic is not None else []

    def for_clinic(self, clinic: Clinic) -> "SystemActor":
        """The same task, now acting for `clinic` (a clinic it has just created, say)."""
        return SystemActor(self.task, clinic)

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity:
        return AuditIdentity(ActorKind.SYSTEM, role=Scope.SYSTEM, task=self.task)


@dataclass(frozen=True, eq=False)
class PublicActor(_Checks):
    kind: ClassVar[ActorKind] = ActorKind.PUBLIC

    def scope_in(self, clinic: Clinic) -> str | None:
        return Scope.PUBLIC

    @property
    def clinic_ids(self) -> list[int]:
        return []

    def audit_identity(self, clinic_id: uuid.UUID | None) -> AuditIdentity:
        return AuditIdentity(ActorKind.PUBLIC)


Actor = StaffActor | PatientActor | KioskActor | SystemActor | PublicActor
# Whoever answers a patient's questionnaire: the patient at home, or at the clinic's tablet.
Answerer = PatientActor | KioskActor
PUBLIC = PublicActor()
# The session key holding the clinic a staff member chose to work in.
ACTIVE_CLINIC = "active_clinic"


def person_of(actor: Actor) -> User:
    """The person a record names as having made it: staff or the patient, never a task."""
    if isinstance(actor, StaffActor | PatientActor):
        return actor.user
    if isinstance(actor, KioskActor):
        return actor.opened_by
    raise PermissionDenied("Only a person may record this.")


def staff_actor(user: User, clinic_public_id: str | None = None) -> StaffActor:
    """`user` with their active memberships (one query); `active` is the one of the clinic they
    chose, else the first by name."""
    memberships = tuple(
        Membership.objects.active()
        .filter(user=user)
        .select_related("clinic")
        .order_by("clinic__name", "pk")
    )
    chosen = next((m for m in memberships if str(m.clinic.public_id) == clinic_public_id), None)
    return StaffActor(user, memberships, chosen or (memberships[0] if memberships else None))
