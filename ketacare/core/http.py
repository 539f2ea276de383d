"""View declarations every app shares: who may open a page at all.

A page is `@public_view` (anyone) or `@authenticated_view` (any signed-in account); pages of a
clinic's work use `clinics.access.staff_view(Perm.X)`. The permission-matrix test reads the
rule each one declares (`permission_rule`) and refuses a page without one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.http import HttpResponseClientRedirect

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
PUBLIC = "public"
AUTHENTICATED = "authenticated"
MODERATOR = "platform moderator"


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


def moderator_view(view: ViewFunc) -> ViewFunc:
    """A page of the platform's own staff (`User.is_staff`: the review moderators), not of any
    clinic; anyone else signed in gets the 404 of a page that is not there."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_staff:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    guarded = signed_in(wrapped)
    guarded.permission_rule = MODERATOR  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
