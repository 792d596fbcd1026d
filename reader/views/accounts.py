"""The signed-in user's own page: their projects and their API tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reader import selectors, services


def _account_page(request: HttpRequest, *, new_token: str = "", status: int = 200):
    context = {
        "projects": selectors.projects_for_user(request.user),
        "tokens": request.user.api_tokens.all(),
        "new_token": new_token,
    }
    return render(request, "reader/account.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """GET shows the page; POST makes a token and shows it, this once only."""
    if request.method == "POST":
        _, token = services.api_token_create(user=request.user, name=request.POST.get("name", ""))
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
