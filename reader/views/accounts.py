"""Signing in (with limits on failed attempts), and the signed-in user's own page: their
projects and their API tokens."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reader.forms.accounts import SignInForm
from reader.selectors.reading import projects_for_user
from reader.services import projects


def _account_page(request: HttpRequest, *, new_token: str = "", status: int = 200, errors=()):
    user = request.user
    assert user.is_authenticated  # every caller is behind login_required
    context = {
        "projects": projects_for_user(user),
        "tokens": user.api_tokens.all(),
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
            _, token = projects.api_token_create(
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
    projects.api_token_delete(user=request.user, pk=pk)
    return redirect("account")


def _limited(response: HttpResponse, form) -> HttpResponse:
    """Past the sign-in limits: 429 with Retry-After, on the app's and the admin's form."""
    refused = getattr(form, "refused", None)
    if refused is not None:
        response.status_code = 429
        response["Retry-After"] = str(refused.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's own sign-in (with AdminSignInForm), answering like the app's."""
    response = admin.site.login(request)
    context = getattr(response, "context_data", None) or {}
    return _limited(response, context.get("form"))


class LoginView(auth_views.LoginView):
    """Sign in; past the limits, 429 with Retry-After, whatever the password."""

    authentication_form = SignInForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        return _limited(super().form_invalid(form), form)
