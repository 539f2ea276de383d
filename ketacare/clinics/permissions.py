"""Which role may do what. The one table every view and API operation is checked against.

A view declares its permission with `@staff_view(Perm.X)` (or `@public_view` /
`@authenticated_view`); the permission-matrix test refuses any URL without a declaration.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.http import HttpResponseClientRedirect

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
    PROTOCOL_VIEW = "protocol.view"
    PROTOCOL_MANAGE = "protocol.manage"
    COURSE_VIEW = "course.view"
    COURSE_MANAGE = "course.manage"
    REMS_ENROLL = "rems.enroll"
    SCHEDULE_VIEW = "schedule.view"
    SCHEDULE_MANAGE = "schedule.manage"
    SESSION_VIEW = "session.view"
    SESSION_CHECKIN = "session.checkin"
    SESSION_RECORD = "session.record"
    SESSION_ADMINISTER = "session.administer"
    SESSION_OVERRIDE = "session.override"
    SESSION_DISCHARGE = "session.discharge"
    REMS_FORM_VIEW = "rems_form.view"
    REMS_FORM_RECORD = "rems_form.record"
    CLINIC_EDIT = "clinic.edit"


_EVERY_ROLE = {Perm.PATIENT_LIST, Perm.PATIENT_VIEW, Perm.SCHEDULE_VIEW}
_FRONT_DESK = _EVERY_ROLE | {Perm.PATIENT_REGISTER, Perm.PATIENT_EDIT, Perm.SCHEDULE_MANAGE}
_CLINICAL_READ = _EVERY_ROLE | {
    Perm.CHART_VIEW_CLINICAL,
    Perm.INTAKE_VIEW,
    Perm.PROTOCOL_VIEW,
    Perm.COURSE_VIEW,
}
# Screening data is recorded by the clinicians who take it. Therapists administer rating
# scales in their sessions, so they record assessments but not the medical intake. Only a
# prescriber signs an eligibility decision (DESIGN: clinical decisions are signed by the
# right role); the clinic admin reads but never records clinical data.
_SCREENING = {Perm.INTAKE_RECORD, Perm.ASSESSMENT_RECORD}
# Treatment: the clinic admin keeps the protocol library; only a prescriber orders a course or
# a dose; the prescriber or nurse records the REMS enrollment (REFERENCE §1.11); front desk,
# nurses and prescribers keep the schedule (front desk inherits it from _FRONT_DESK; the
# admin does not, as the admin reads but does not write clinical work).
# Dosing sessions: front desk checks a patient in from today's list but neither reads nor
# records the clinical session; nurses and prescribers run the chair; only a prescriber
# overrides a warning or a high suicide triage (DESIGN: signed by the right role).
_SESSION_CHAIR = {
    Perm.SESSION_VIEW,
    Perm.SESSION_CHECKIN,
    Perm.SESSION_RECORD,
    Perm.SESSION_ADMINISTER,
    Perm.SESSION_DISCHARGE,
}
# The clinic admin keeps the clinic's own name, contact and address (the REMS form's setting).
# The REMS monitoring form (REFERENCE §1.11) is completed by the nurse or prescriber who ran the
# session; the clinic admin follows the forms due but does not record them.
_REMS_FORM = {Perm.REMS_FORM_VIEW, Perm.REMS_FORM_RECORD}

GRANTS: dict[Role, frozenset[Perm]] = {
    Role.CLINIC_ADMIN: frozenset(
        (_FRONT_DESK - {Perm.SCHEDULE_MANAGE})
        | _CLINICAL_READ
        | {
            Perm.AUDIT_VIEW,
            Perm.PROTOCOL_MANAGE,
            Perm.SESSION_VIEW,
            Perm.REMS_FORM_VIEW,
            Perm.CLINIC_EDIT,
        }
    ),
    Role.PRESCRIBER: frozenset(
        _FRONT_DESK
        | _CLINICAL_READ
        | _SCREENING
        | {
            Perm.CHART_RECORD,
            Perm.DIAGNOSIS_RECORD,
            Perm.ELIGIBILITY_SIGN,
            Perm.COURSE_MANAGE,
            Perm.REMS_ENROLL,
            Perm.SESSION_OVERRIDE,
        }
        | _SESSION_CHAIR
        | _REMS_FORM
    ),
    Role.NURSE: frozenset(
        _FRONT_DESK
        | _CLINICAL_READ
        | _SCREENING
        | _SESSION_CHAIR
        | _REMS_FORM
        | {Perm.CHART_RECORD, Perm.REMS_ENROLL}
    ),
    Role.THERAPIST: frozenset(_CLINICAL_READ | {Perm.ASSESSMENT_RECORD, Perm.SESSION_VIEW}),
    Role.FRONT_DESK: frozenset(_FRONT_DESK | {Perm.SESSION_CHECKIN}),
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

        guarded = signed_in(wrapped)
        guarded.permission_rule = perm  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`login_required`, except that an htmx request (a board poll, the live search) whose login
    has ended sends the whole page to the sign-in form, instead of the form being swapped into
    a part of the page."""
    plain = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        htmx = getattr(request, "htmx", None)
        if htmx and not request.user.is_authenticated:
            back = htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(back).url)
        return plain(request, *args, **kwargs)

    return wrapped


def authenticated_view(view: ViewFunc) -> ViewFunc:
    guarded = signed_in(view)
    guarded.permission_rule = AUTHENTICATED  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


def public_view(view: ViewFunc) -> ViewFunc:
    view.permission_rule = PUBLIC  # type: ignore[attr-defined]
    return view
