"""Projects and their team: members, invitations, outlets, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from reader.vocabularies import OutletKind, Role


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reader:document_list", kwargs={"slug": self.slug})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class Outlet(models.Model):
    """Who published a source. Outlets belong to a project, like everything a team writes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outlets")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=OutletKind.choices, default=OutletKind.NEWS)
    perspective = models.TextField(
        blank=True, help_text="Notes on the outlet's perspective, ownership or reliability."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="outlet_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=OutletKind.values), name="outlet_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An owner's invitation to join a project with a role, which the invited person
    accepts. Only a hash of its link's secret is stored, as for API tokens."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    # A username or an email address, as the owner typed it.
    invitee = models.CharField(max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} to {self.project} as {self.role}"

    @property
    def is_email(self) -> bool:
        return "@" in self.invitee


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="To recognise it by.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
