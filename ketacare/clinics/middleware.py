"""Resolves the clinic a signed-in user is working in, and their role there."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ketacare.clinics.queries import active_membership

SESSION_KEY = "active_clinic"


class ActiveClinicMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        if request.user.is_authenticated:
            membership = active_membership(request.user, request.session.get(SESSION_KEY))
        request.membership = membership  # type: ignore[attr-defined]
        request.active_role = membership.role if membership else None  # type: ignore[attr-defined]
        # Times are stored in UTC and shown (and typed) in the clinic's own zone.
        if membership:
            timezone.activate(zoneinfo.ZoneInfo(membership.clinic.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
