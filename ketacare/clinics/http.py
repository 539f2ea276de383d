"""The request as KetaCare's middleware leaves it, for typed views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from ketacare.accounts.models import User
from ketacare.clinics.models import Membership


class SignedInRequest(HttpRequest):
    """A request that passed `login_required` (see django-stubs' documented pattern)."""

    user: User
    membership: Membership | None
    active_role: str | None
    htmx: HtmxDetails


class StaffRequest(SignedInRequest):
    """A request that passed `staff_view`: the user has a role in the active clinic."""

    membership: Membership
