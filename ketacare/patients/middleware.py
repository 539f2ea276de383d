"""Resolves the request's one `Actor`, once, and works in the clinic's time zone."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ketacare.clinics.actors import ACTIVE_CLINIC, PatientActor, StaffActor
from ketacare.patients.actors import actor_for


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for(request.user, request.session.get(ACTIVE_CLINIC))
        request.actor = actor  # type: ignore[attr-defined]
        membership = actor.active if isinstance(actor, StaffActor) else None
        request.membership = membership  # type: ignore[attr-defined]
        # Times are stored in UTC and shown (and typed) in the clinic's own zone.
        clinic = membership.clinic if membership else None
        if isinstance(actor, PatientActor):
            clinic = actor.clinic
        if clinic is not None:
            timezone.activate(zoneinfo.ZoneInfo(clinic.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
