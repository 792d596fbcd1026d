"""Signing in (with limits on failed attempts), and the signed-in user's own page: their
projects and their API tokens."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reader import ratelimit, selectors, services


def _account_page(request: HttpRequest, *, new_token: str = "", status: int = 200, errors=()):
    context = {
        "projects": selectors.projects_for_user(request.user),
        "tokens": request.user.api_tokens.all(),
        "new_token": new_token,
        "errors": errors,
    }
    return render(request, "reader/account.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """GET shows the page; POST makes a token and shows it, this once only."""
    if request.method == "POST":
        try:
            _, token = services.api_token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            return _account_page(request, status=400, errors=error.messages)
        response = _account_page(request, new_token=token)
        response["Cache-Control"] = "no-store"  # the token must not linger in any cache
        return response
    return _account_page(request)


@login_required
@require_POST
def api_token_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Filtering by user: another user's token id is simply not found.
    request.user.api_tokens.filter(pk=pk).delete()
    return redirect("account")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, limited: each attempt takes a slot for the account and the
    address before the password is checked; a refused one never reaches the password."""

    refused: ratelimit.Refused | None = None

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no password is tried
        try:
            attempt = ratelimit.attempt(
                username=username, address=ratelimit.client_address(self.request)
            )
        except ratelimit.Refused as refused:
            self.refused = refused
            raise ValidationError(str(refused), code="rate_limited") from refused
        cleaned = super().clean()  # a wrong password raises: its slots stay taken
        attempt.succeeded()
        return cleaned


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in form under the same limits: `admin.site.login_form`."""


class LoginView(auth_views.LoginView):
    """Sign in; past the limits, 429 with Retry-After, whatever the password."""

    authentication_form = SignInForm

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.refused is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.refused.retry_after)
        return response
