"""Projects, their members and invitations; signing up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from reader.access import Permission
from reader.forms.accounts import SignUpForm
from reader.forms.projects import InvitationForm, MemberRoleForm, ProjectForm
from reader.sanitize import isolate
from reader.selectors.access import (
    invitation_get_for_user,
    membership_get_for_owner,
    project_access,
)
from reader.selectors.team import invitations_pending
from reader.services import projects
from reader.views.common import form_saved
from reader.vocabularies import Role


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """Anyone signed in can start a project, and owns it."""
    form = ProjectForm(request.POST if request.method == "POST" else None)
    project = form_saved(form, lambda data: projects.project_create(owner=request.user, **data))
    if project is not None:
        return redirect(project)
    status = 400 if form.is_bound else 200
    return render(request, "reader/project_form.html", {"form": form}, status=status)


def _members_page(request, access, form, *, status: int = 200, **extra) -> HttpResponse:
    memberships = access.project.memberships.select_related("user").order_by(
        "role", "user__username"
    )
    context = {
        "access": access,
        "project": access.project,
        "memberships": memberships,
        "invitations": invitations_pending(project=access.project)
        if access.can(Permission.MANAGE_MEMBERS)
        else [],
        "form": form,
        "roles": Role.choices,
        "invitation_days": projects.INVITATION_DAYS,
        **extra,
    }
    return render(request, "reader/project_members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every member sees the team; owners invite people to it. The invitation's link is
    shown once, to pass on to the person: they join when they accept it."""
    access = project_access(user=request.user, slug=slug)
    if request.method == "GET":
        return _members_page(request, access, InvitationForm())
    access.require(Permission.MANAGE_MEMBERS)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, token = projects.invitation_create(
                project=access.project, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("invitee", message)
        else:
            link = request.build_absolute_uri(
                reverse("reader:invitation_link", kwargs={"token": token})
            )
            return _members_page(
                request, access, InvitationForm(), invitation=invitation, invitation_link=link
            )
    return _members_page(request, access, form, status=400)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.MANAGE_MEMBERS)
    invitation = access.project.invitations.filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation: it was accepted, declined or withdrawn.")
    projects.invitation_withdraw(invitation=invitation)
    messages.success(request, f"The invitation to {isolate(invitation.invitee)} is withdrawn.")
    return redirect("reader:member_list", slug=slug)


def _respond(request, invitation) -> HttpResponse:
    """Accept (the default) or decline (`decline` in the form) an invitation."""
    try:
        if "decline" in request.POST:
            projects.invitation_decline(invitation=invitation, user=request.user)
            messages.success(request, f"You declined to join {isolate(invitation.project)}.")
            return redirect("reader:project_list")
        membership = projects.invitation_accept(invitation=invitation, user=request.user)
    except ValidationError as error:
        return render(request, "reader/error.html", {"errors": error.messages}, status=403)
    messages.success(
        request,
        f"You are in {isolate(membership.project)}, as {membership.get_role_display().lower()}.",
    )
    return redirect(membership.project)


@login_required
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """From the list of one's invitations (those sent to one's username)."""
    return _respond(request, invitation_get_for_user(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: who invites you, to what, as what."""
    invitation = projects.invitation_for_token(token)
    if invitation is None:
        errors = {"errors": [projects.ERROR_INVITATION_UNKNOWN]}
        return render(request, "reader/error.html", errors, status=404)
    if request.method == "POST":
        return _respond(request, invitation)
    context = {
        "invitation": invitation,
        "expired": invitation.expires < timezone.now(),
        "is_for_you": projects.invitation_is_for(invitation, request.user),
        "already_member": request.user.is_authenticated
        and invitation.project.memberships.filter(user=request.user).exists(),
    }
    return render(request, "reader/invitation_detail.html", context)


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An owner changes a member's role, or removes them (`remove` in the form)."""
    access, membership = membership_get_for_owner(user=request.user, slug=slug, pk=pk)
    name = membership.user.get_username()
    form = MemberRoleForm(request.POST)
    try:
        if "remove" in request.POST:
            projects.member_remove(membership=membership, actor=request.user)
            messages.success(request, f"{isolate(name)} left the project.")
        elif form.is_valid():
            role = form.cleaned_data["role"]
            projects.member_set_role(membership=membership, role=role, actor=request.user)
            messages.success(request, f"{isolate(name)} is now {role}.")
        else:
            raise ValidationError(list(form.errors["role"]))
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
        data = form.cleaned_data
        user = projects.account_create(
            username=data["username"], email=data["email"], password=data["password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("reader:project_list")
    status = 400 if form.is_bound else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)
