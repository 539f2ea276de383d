"""The request as KetaCare's middleware leaves it, for typed views of any signed-in account."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from ketacare.accounts.models import User
from ketacare.core.actors import Audited


class SignedInRequest(HttpRequest):
    """A request that passed `login_required` (see django-stubs' documented pattern); its
    `actor` is resolved once by the actor middleware."""

    user: User
    actor: Audited
    htmx: HtmxDetails
