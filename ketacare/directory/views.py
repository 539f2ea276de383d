"""The public directory and clinic profiles, and the clinic admin's profile pages: edit the
draft, preview it as the public would see it, publish or withdraw it."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from ketacare import clinical
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.core.forms import apply_errors
from ketacare.core.http import public_view
from ketacare.directory import profile as profiles
from ketacare.directory.credentials import public_credentials
from ketacare.directory.forms import ProfileForm, WithdrawForm, initial_of
from ketacare.directory.jsonld import medical_clinic, script_text
from ketacare.directory.listing import LANGUAGE_LABELS, ROUTE_LABELS, Listing, facts_of
from ketacare.directory.models import UNPUBLISHED_NUMBERS, ClinicProfile
from ketacare.directory.outcomes import RouteOutcome, outcomes_now, published
from ketacare.directory.protocol_text import published_protocols
from ketacare.directory.reviews import reviews_of
from ketacare.directory.search import SearchRefused, all_listings, places, search_from
from ketacare.treatment.queries import library_versions

PUBLIC_MAX_AGE = 300


def public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public pages show nothing of any visitor or patient, so browsers and proxies may keep
    them for an anonymous visitor; a signed-in one's response carries their session cookie,
    so it keeps the no-store every signed-in response has (`core.middleware`)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


PAGE_SIZE = 20  # clinics per page of the directory
PAGE_SECONDS = 3600  # a kept profile page, at most (its key changes with what it shows)


@public_view
@require_GET
@public_cache
def clinic_directory(request: HttpRequest) -> HttpResponse:
    listings = all_listings()
    context: dict[str, Any] = {
        "places": places(listings),
        "routes": ROUTE_LABELS,
        "languages": LANGUAGE_LABELS,
        "asked": request.GET,
    }
    try:
        search = search_from(request.GET)
    except SearchRefused as refused:
        context |= {"refused": refused, "found": []}
        return render(request, "directory/directory.html", context, status=400)
    found = [listing for listing in listings if search.matches(listing)]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    context |= {"found": page.object_list, "page": page, "query": others.urlencode()}
    return render(request, "directory/directory.html", context)


def _profile_context(
    request: HttpRequest, clinic: Clinic, listing: Listing, outcomes: list[RouteOutcome]
) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("directory:profile", args=[listing.slug]))
    by_member, own = public_credentials(clinic, [member.id for member in listing.team])
    return {
        "listing": listing,
        "team": [(member, by_member.get(member.id, [])) for member in listing.team],
        "reviews": reviews_of(clinic),
        "clinic_credentials": own,
        "today": clinic.today(),
        "unpublished_numbers": UNPUBLISHED_NUMBERS,
        "outcomes": outcomes,
        "outcomes_public": listing.outcomes_public_on(clinic.today()),
        "outcomes_public_from": listing.outcomes_public_date,
        "min_patients": clinical.MIN_DENOMINATOR,
        "protocols": published_protocols(clinic, listing.protocol_codes),
        "canonical": url,
        "jsonld": mark_safe(script_text(medical_clinic(listing, url))),  # escaped by script_text
    }


@public_view
@require_GET
@public_cache
def clinic_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = (
        ClinicProfile.objects.filter(clinic__slug=slug, live__isnull=False)
        .select_related("clinic")
        .first()
    )
    if profile is None or profile.live is None:
        raise Http404("No published clinic has this address.")
    clinic = profile.clinic
    # The page is the same for every visitor: kept whole until what it shows changes (the
    # listing, `public_version`) or the day does (credentials expire, outcomes go public).
    parts = (profile.pk, profile.public_version, profile.live_changed_at, clinic.today())
    key = "profile-page:" + hashlib.sha256(repr((*parts, request.get_host())).encode()).hexdigest()
    page = cache.get(key)
    if page is None:
        page = _profile_page(request, clinic, Listing.from_facts(profile.live))
        cache.set(key, page, PAGE_SECONDS)
    return HttpResponse(page)


def _profile_page(request: HttpRequest, clinic: Clinic, listing: Listing) -> str:
    public = listing.outcomes_public_on(clinic.today())
    shown = published(clinic, listing.routes) if public else []
    # Dates in the clinic's zone, whoever the first visitor was (a signed-in one has theirs).
    with timezone.override(clinic.timezone):
        context = _profile_context(request, clinic, listing, shown)
        return render_to_string("directory/profile.html", context)


def _members(clinic: Clinic) -> list[Membership]:
    return list(Membership.objects.active().filter(clinic=clinic))


def _edit_page(
    request: StaffRequest, form: ProfileForm, status: int = 200, **more: Any
) -> HttpResponse:
    profile = profiles.profile_of(request.membership.clinic)
    draft = facts_of(profile)
    context = {"form": form, "profile": profile, "unpublished": draft != profile.live}
    context |= {"withdraw_form": WithdrawForm(), **more}
    return render(request, "directory/edit.html", context, status=status)


def _form(request: StaffRequest, data: Any = None) -> ProfileForm:
    clinic = request.membership.clinic
    profile = profiles.profile_of(clinic)
    team = list(profile.team.all()) if profile.pk else []
    versions = list({v.code: v for v in library_versions(clinic)}.values())
    return ProfileForm(
        data, initial=initial_of(profile, team), versions=versions, members=_members(clinic)
    )


@staff_view(Perm.PROFILE_MANAGE)
def profile_edit(request: StaffRequest) -> HttpResponse:
    form = _form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kwargs = form.service_kwargs()
            profiles.profile_update(actor=request.actor, clinic=request.membership.clinic, **kwargs)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Draft saved. Preview it, then publish it to go live.")
            return redirect("directory:edit")
    return _edit_page(request, form, status=400 if form.errors else 200)


@staff_view(Perm.PROFILE_MANAGE)
@require_GET
def profile_preview(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    listing = Listing.from_facts(facts_of(profiles.profile_of(clinic)))
    # The clinic sees its outcomes as they stand today, public yet or not.
    now = outcomes_now(clinic, listing.routes) if listing.publish_outcomes else []
    context = _profile_context(request, clinic, listing, now) | {"preview": True}
    return render(request, "directory/profile.html", context)


@staff_view(Perm.PROFILE_MANAGE)
@require_POST
def profile_publish(request: StaffRequest) -> HttpResponse:
    try:
        profiles.profile_publish(actor=request.actor, clinic=request.membership.clinic)
    except ValidationError as error:
        form = _form(request)
        problems = [
            (f"id_{name}" if name in form.fields else "", message)
            for name, messages_of in error.message_dict.items()
            for message in messages_of
        ]
        return _edit_page(request, form, status=400, publish_problems=problems)
    messages.success(request, "Published: the profile is in the directory as previewed.")
    return redirect("directory:edit")


@staff_view(Perm.PROFILE_MANAGE)
@require_POST
def profile_withdraw(request: StaffRequest) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            profiles.profile_withdraw(actor=request.actor, clinic=request.membership.clinic,
                                      reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Withdrawn: the profile is no longer in the directory.")
            return redirect("directory:edit")
    return _edit_page(request, _form(request), status=400, withdraw_form=form)
