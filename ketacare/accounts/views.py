"""Sign-in, sign-out and personal API tokens."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from ketacare.accounts import services
from ketacare.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
)
from ketacare.accounts.http import SignedInRequest
from ketacare.accounts.models import ApiToken
from ketacare.core.actors import ActorKind, AuditIdentity
from ketacare.core.http import authenticated_view, public_view

login = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
        extra_context={"idle_minutes": settings.IDLE_TIMEOUT_MINUTES},
    )
)
logout = public_view(auth_views.LogoutView.as_view())
password_reset_confirm = public_view(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        form_class=NewPasswordForm,
        token_generator=services.RESET_TOKENS,
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@public_view
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            actor=AuditIdentity(ActorKind.PUBLIC), email=form.cleaned_data["email"]
        )
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        return render(request, "accounts/password_reset_sent.html", {"minutes": minutes})
    return render(request, "accounts/password_reset.html", {"form": form})


@authenticated_view
def api_tokens(request: SignedInRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(
            actor=request.actor, user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "accounts/api_tokens.html", context)


@authenticated_view
@require_POST
def api_token_revoke(request: SignedInRequest, token_id: uuid.UUID) -> HttpResponse:
    token = ApiToken.objects.filter(
        user=request.user,
        public_id=token_id,
        revoked_at__isnull=True,
    ).first()
    if token is None:
        raise Http404("No such active token.")
    services.api_token_revoke(actor=request.actor, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:api_tokens")
