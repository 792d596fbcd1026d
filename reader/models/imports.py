"""Uploads between preview and import, and the project search's entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reader.models.discussion import Reply
from reader.models.documents import Annotation, Document
from reader.models.events import Event, Facet, FacetLink
from reader.models.projects import Project
from reader.vocabularies import ImportKind, SearchSource


class PendingImport(models.Model):
    """An uploaded file between its preview and its import: kept in the database, never
    on disk under a name the user chose, and only for the user who uploaded it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=ImportKind.choices)
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    payload = models.TextField()
    # What the dry run found, shown as the preview without running the import again.
    preview = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="pending_import_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} into {self.project}"


class SearchEntry(models.Model):
    """One piece of project text as the project search finds it: a paragraph of a source,
    a quote, a note, a reply, a facet value, an event. Written by reader.services.search
    in the same transaction as what it copies; the full-text index over `text` (SQLite
    FTS5, or a generated tsvector with a GIN index on PostgreSQL) is kept in step by the
    database (migration 0011). Deleting what an entry copies deletes the entry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=SearchSource.choices)
    text = models.TextField()
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, related_name="+")
    annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, related_name="+")
    link = models.ForeignKey(FacetLink, on_delete=models.CASCADE, null=True, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, related_name="+")
    facet = models.ForeignKey(Facet, on_delete=models.CASCADE, null=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The span in the document's text (code points) that a result opens the reader at.
    start = models.PositiveIntegerField(null=True)
    end = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["project", "source"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=SearchSource.values), name="searchentry_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.text[:40]}"
