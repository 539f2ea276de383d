"""Reviews: the invited patient writes one through the link, a visitor reports one, the policy
page, and the platform moderators' queue (never the clinic's)."""

import hashlib
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ketacare.clinics.access import portal_view, staff_view
from ketacare.clinics.actors import PatientActor
from ketacare.clinics.http import ActorRequest, StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core.forms import apply_errors
from ketacare.core.http import moderator_view, public_view
from ketacare.directory import reviews
from ketacare.directory.forms import ReplyForm, ReportForm, ReviewForm, WithholdForm
from ketacare.directory.models import (
    Review,
    ReviewInvitation,
    ReviewReport,
    ReviewStatus,
    WithholdReason,
)

POSTS_PER_HOUR = 10  # per link and per address: a bound on abuse, not on honest use
HOUR = 3600


def _over_limit(*keys: str) -> bool:
    """Count one post against each key; True once any has had `POSTS_PER_HOUR` this hour."""
    over = False
    for key in keys:
        cache.add(key, 0, HOUR)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: this post starts a new hour
            cache.set(key, 1, HOUR)
            count = 1
        over = count > POSTS_PER_HOUR or over
    return over


def _address(request: HttpRequest) -> str:
    return hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:16]


TOO_MANY = "Too many tries from here; please wait an hour and try again."


def _limited(request: HttpRequest, kind: str, *keys: str) -> bool:
    """Writing and reporting are counted apart, so reports cannot hold back reviews."""
    return _over_limit(*keys, f"reviews:{kind}:address:{_address(request)}")


@public_view
@never_cache
def review_write(request: ActorRequest, token: str) -> HttpResponse:
    try:
        invitation = reviews.invitation_for(token)
    except ReviewInvitation.DoesNotExist:
        raise Http404("No invitation has this link.") from None
    except reviews.InvitationUnusable as unusable:
        return render(request, "directory/review_closed.html", {"message": str(unusable)},
                      status=410)  # fmt: skip
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _limited(request, "write", f"reviews:link:{invitation.pk}"):
            form.is_valid()  # the page shows what was typed, to send again later
            context = {"form": form, "clinic": invitation.clinic, "too_many": TOO_MANY}
            return render(request, "directory/review_form.html", context, status=429)
        if form.is_valid():
            return _submit(request, token, form, invitation)
        status = 400
    context = {"form": form, "clinic": invitation.clinic}
    return render(request, "directory/review_form.html", context, status=status)


def _submit(request: ActorRequest, token: str, form: ReviewForm,
            invitation: ReviewInvitation) -> HttpResponse:  # fmt: skip
    try:
        reviews.review_submit(actor=request.actor, token=token, **form.cleaned_data)
    except PermissionDenied as refused:
        return render(request, "directory/review_closed.html", {"message": str(refused)},
                      status=403)  # fmt: skip
    except reviews.InvitationUnusable as unusable:
        return render(request, "directory/review_closed.html", {"message": str(unusable)},
                      status=410)  # fmt: skip
    except ValidationError as error:
        apply_errors(form, error)
        context = {"form": form, "clinic": invitation.clinic}
        return render(request, "directory/review_form.html", context, status=400)
    context = {"message": "Thank you: your review is published.", "clinic": invitation.clinic}
    return render(request, "directory/review_closed.html", context)


# No CSRF token: the profile page that holds the form is the same for every visitor (and
# kept by caches), and a report is an anonymous, rate-limited act that changes no account.
@public_view
@csrf_exempt
@require_POST
def review_report(request: ActorRequest, review_id: uuid.UUID) -> HttpResponse:
    review = (
        Review.objects.filter(public_id=review_id, status=ReviewStatus.PUBLISHED)
        .select_related("clinic", "invitation__course")
        .first()
    )
    if review is None:
        raise Http404("No published review has this address.")
    if _limited(request, "report"):
        context = {"message": TOO_MANY, "clinic": review.clinic}
        return render(request, "directory/review_closed.html", context, status=429)
    form = ReportForm(request.POST)
    if not form.is_valid():
        problem = "; ".join(str(e) for e in form.errors["reason"])
        context = {"message": f"What is wrong with this review? {problem}", "clinic": review.clinic}
        return render(request, "directory/review_closed.html", context, status=400)
    reviews.review_report(review=review, reason=form.cleaned_data["reason"])
    context = {"message": "Thank you: the platform's moderators will read your report.",
               "clinic": review.clinic}  # fmt: skip
    return render(request, "directory/review_closed.html", context)


@public_view
def review_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/review_policy.html", {"grounds": WithholdReason.choices})


@moderator_view
def moderation(request: ActorRequest) -> HttpResponse:
    reports = ReviewReport.objects.filter(closed_at=None).select_related("review__clinic")
    context = {"reports": list(reports.order_by("created_at")), "form": WithholdForm()}
    return render(request, "directory/moderation.html", context)


@moderator_view
@require_POST
def moderation_withhold(request: ActorRequest, review_id: uuid.UUID) -> HttpResponse:
    review = Review.objects.filter(public_id=review_id).first()
    if review is None:
        raise Http404("No review has this address.")
    try:
        reviews.review_withhold(actor=request.actor, review=review,
                                reason=request.POST.get("reason", ""))  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Withheld; the ground is shown on the profile and logged.")
    return redirect("directory:moderation")


@moderator_view
@require_POST
def moderation_dismiss(request: ActorRequest, report_id: uuid.UUID) -> HttpResponse:
    report = ReviewReport.objects.filter(public_id=report_id, closed_at=None).first()
    if report is None:
        raise Http404("No open report has this address.")
    reviews.report_dismiss(actor=request.actor, report=report)
    messages.success(request, "Report closed; the review stays published.")
    return redirect("directory:moderation")


@staff_view(Perm.REVIEWS_REPLY)
def clinic_reviews(request: StaffRequest) -> HttpResponse:
    """The clinic's published reviews, each with its one reply (or the form to make it)."""
    clinic = request.membership.clinic
    rows = Review.objects.filter(clinic=clinic, status=ReviewStatus.PUBLISHED).select_related(
        "clinic"
    )
    context = {"reviews": [(r, r.reply_text) for r in rows],
               "form": ReplyForm(), "phone": clinic.phone}  # fmt: skip
    return render(request, "directory/clinic_reviews.html", context)


@staff_view(Perm.REVIEWS_REPLY)
@require_POST
def clinic_review_reply(request: StaffRequest, review_id: uuid.UUID) -> HttpResponse:
    review = Review.objects.filter(public_id=review_id, clinic=request.membership.clinic).first()
    if review is None:
        raise access_denied(actor=request.actor, model=Review, public_id=review_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for name, problems in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(p) for p in problems)}")
        return redirect("directory:clinic_reviews")
    try:
        reviews.review_reply(actor=request.actor, review=review,
                             template=form.cleaned_data["template"])  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Reply published under the review.")
    return redirect("directory:clinic_reviews")


def _own_review(request: ActorRequest, review_id: uuid.UUID) -> Review:
    actor = request.actor
    assert isinstance(actor, PatientActor)  # portal_view let only a patient through
    found = next((r for r in reviews.reviews_by(actor) if r.public_id == review_id), None)
    if found is None:
        raise access_denied(actor=actor, model=Review, public_id=review_id, via="portal")
    return found


@portal_view(Perm.PORTAL_USE)
def portal_reviews(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    assert isinstance(actor, PatientActor)
    rows = [(r, ReviewForm(initial={n: getattr(r, n) for n in ReviewForm.base_fields}))
            for r in reviews.reviews_by(actor)]  # fmt: skip
    return render(request, "directory/portal_reviews.html", {"rows": rows})


@portal_view(Perm.PORTAL_USE)
@require_POST
def portal_review_edit(request: ActorRequest, review_id: uuid.UUID) -> HttpResponse:
    review, actor = _own_review(request, review_id), request.actor
    assert isinstance(actor, PatientActor)
    form = ReviewForm(request.POST)
    if form.is_valid():
        reviews.review_edit(actor=actor, review=review, **form.cleaned_data)
        messages.success(request, "Your review is changed.")
        return redirect("directory:portal_reviews")
    return render(request, "directory/portal_reviews.html", {"rows": [(review, form)]}, status=400)


@portal_view(Perm.PORTAL_USE)
@require_POST
def portal_review_withdraw(request: ActorRequest, review_id: uuid.UUID) -> HttpResponse:
    review, actor = _own_review(request, review_id), request.actor
    assert isinstance(actor, PatientActor)
    reviews.review_withdraw(actor=actor, review=review)
    messages.success(request, "Your review is withdrawn; it no longer shows or counts.")
    return redirect("directory:portal_reviews")
