"""Which role may do what. The one table every view and API operation is checked against.

A view declares its permission with `@staff_view(Perm.X)` (or `@public_view` /
`@authenticated_view`); the permission-matrix test refuses any URL without a declaration.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from ketacare.clinics.models import Role


class Perm(StrEnum):
    PATIENT_LIST = "patient.list"
    PATIENT_VIEW = "patient.view"
    PATIENT_REGISTER = "patient.register"
    PATIENT_EDIT = "patient.edit"
    CHART_VIEW_CLINICAL = "chart.view_clinical"
    CHART_RECORD = "chart.record"
    DIAGNOSIS_RECORD = "diagnosis.record"
    AUDIT_VIEW = "audit.view"
    INTAKE_VIEW = "intake.view"
    INTAKE_RECORD = "intake.record"
    ASSESSMENT_RECORD = "assessment.record"
    ELIGIBILITY_SIGN = "eligibility.sign"


_EVERY_ROLE = {Perm.PATIENT_LIST, Perm.PATIENT_VIEW}
_FRONT_DESK = _EVERY_ROLE | {Perm.PATIENT_REGISTER, Perm.PATIENT_EDIT}
_CLINICAL_READ = _EVERY_ROLE | {Perm.CHART_VIEW_CLINICAL, Perm.INTAKE_VIEW}
# Screening data is recorded by the clinicians who take it. Therapists administer rating
# scales in their sessions, so they record assessments but not the medical intake. Only a
# prescriber signs an eligibility decision (DESIGN: clinical decisions are signed by the
# right role); the clinic admin reads but never records clinical data.
_SCREENING = {Perm.INTAKE_RECORD, Perm.ASSESSMENT_RECORD}

GRANTS: dict[Role, frozenset[Perm]] = {
    Role.CLINIC_ADMIN: frozenset(_FRONT_DESK | _CLINICAL_READ | {Perm.AUDIT_VIEW}),
    Role.PRESCRIBER: frozenset(
        _FRONT_DESK
        | _CLINICAL_READ
        | _SCREENING
        | {Perm.CHART_RECORD, Perm.DIAGNOSIS_RECORD, Perm.ELIGIBILITY_SIGN}
    ),
    Role.NURSE: frozenset(_FRONT_DESK | _CLINICAL_READ | _SCREENING | {Perm.CHART_RECORD}),
    Role.THERAPIST: frozenset(_CLINICAL_READ | {Perm.ASSESSMENT_RECORD}),
    Role.FRONT_DESK: frozenset(_FRONT_DESK),
}


def role_can(role: str | None, perm: Perm) -> bool:
    return role is not None and perm in GRANTS.get(Role(role), frozenset())


def demand(role: str | None, perm: Perm) -> None:
    if not role_can(role, perm):
        raise PermissionDenied(f"Your role may not {perm.value}.")


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def staff_view(perm: Perm) -> Callable[[ViewFunc], ViewFunc]:
    """Login required, and the role in the active clinic must hold `perm`.

    Views on one patient re-check against the role in that patient's clinic.
    """

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            demand(getattr(request, "active_role", None), perm)
            return view(request, *args, **kwargs)

        guarded = login_required(wrapped)
        guarded.permission_rule = perm  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def authenticated_view(view: ViewFunc) -> ViewFunc:
    guarded = login_required(view)
    guarded.permission_rule = AUTHENTICATED  # type: ignore[attr-defined]
    return guarded


def public_view(view: ViewFunc) -> ViewFunc:
    view.permission_rule = PUBLIC  # type: ignore[attr-defined]
    return view
