"""Projects and their members; signing up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from reader import selectors, services
from reader.forms import MemberAddForm, MemberRoleForm, ProjectForm, SignUpForm
from reader.models import Role


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """Anyone signed in can start a project, and owns it."""
    form = ProjectForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            project = services.project_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect(project)
    status = 400 if form.is_bound else 200
    return render(request, "reader/project_form.html", {"form": form}, status=status)


def _members_page(request, access, form, *, status: int = 200) -> HttpResponse:
    memberships = access.project.memberships.select_related("user").order_by(
        "role", "user__username"
    )
    context = {
        "access": access,
        "project": access.project,
        "memberships": memberships,
        "form": form,
        "roles": Role.choices,
    }
    return render(request, "reader/project_members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every member sees the team; owners add people to it."""
    access = selectors.project_access(user=request.user, slug=slug)
    if request.method == "GET":
        return _members_page(request, access, MemberAddForm())
    if not access.is_owner:
        raise PermissionDenied(selectors.ERROR_OWNERS_ONLY)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(project=access.project, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("who", message)
        else:
            messages.success(
                request, f"{membership.user.get_username()} joined as {membership.role}."
            )
            return redirect("reader:member_list", slug=slug)
    return _members_page(request, access, form, status=400)


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An owner changes a member's role, or removes them (`remove` in the form)."""
    access, membership = selectors.membership_get_for_owner(user=request.user, slug=slug, pk=pk)
    name = membership.user.get_username()
    form = MemberRoleForm(request.POST)
    try:
        if "remove" in request.POST:
            services.member_remove(membership=membership)
            messages.success(request, f"{name} left the project.")
        elif form.is_valid():
            role = form.cleaned_data["role"]
            services.member_set_role(membership=membership, role=role)
            messages.success(request, f"{name} is now {role}.")
        else:
            raise ValidationError(form.errors["role"])
    except ValidationError as error:
        context = {"errors": error.messages, "project": access.project}
        return render(request, "reader/error.html", context, status=400)
    if "remove" in request.POST and membership.user_id == request.user.pk:
        return redirect("reader:project_list")
    return redirect("reader:member_list", slug=slug)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.READER_SIGNUP_OPEN:
        raise Http404("Sign-up is closed on this server: ask an administrator for an account.")
    if request.user.is_authenticated:
        return redirect("reader:project_list")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("reader:project_list")
    status = 400 if form.is_bound else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)
