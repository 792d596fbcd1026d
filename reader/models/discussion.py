"""Replies, the audit trail and the trash."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reader.models.documents import Annotation, Document
from reader.models.projects import Project
from reader.vocabularies import Action, Kind


class Reply(models.Model):
    """A message in the discussion of an annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies"
    )
    text = models.TextField(max_length=10_000)
    text_html = models.TextField(editable=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.author} on {self.annotation_id}: {self.text[:40]}"


class ActivityQuerySet(models.QuerySet):
    def newest_first(self) -> ActivityQuerySet:
        """Most recent first, with who did it and on which document."""
        return self.select_related("actor", "document").order_by("-created", "-pk")


class Activity(models.Model):
    """One entry of a project's audit trail: who did what to what, and when.

    The annotation is kept by id, not by key, so the entry outlives the annotation; the
    summary says what it was (kind and quote, or the link's facet and value) at the time.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    annotation_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["project", "-created"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="activity_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} {self.summary}"


# How long owners can restore a deleted annotation.
TRASH_DAYS = 30


class DeletedAnnotationQuerySet(models.QuerySet):
    def recoverable(self) -> DeletedAnnotationQuerySet:
        """Deleted less than TRASH_DAYS ago."""
        return self.filter(deleted__gte=trash_cutoff())

    def expired(self) -> DeletedAnnotationQuerySet:
        """Deleted TRASH_DAYS ago or more: past recovery."""
        return self.filter(deleted__lt=trash_cutoff())


def trash_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=TRASH_DAYS)


class DeletedAnnotation(models.Model):
    """A deleted annotation with its links and replies, which owners may restore for
    TRASH_DAYS under its old id, so that exported IRIs stay true."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    annotation_id = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    quote_exact = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The annotation, its links and replies as Django's serializer writes them.
    snapshot = models.JSONField()
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = DeletedAnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted", "-pk"]

    def __str__(self) -> str:
        return f"Deleted {self.get_kind_display().lower()} {self.annotation_id}"
