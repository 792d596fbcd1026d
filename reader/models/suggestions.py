"""Suggestions (issue 13): what the engine (reader/suggestions/) proposes for a source, the
analyst's rejections it must not propose again, and when each source was last computed.

They name the other models by string ("reader.Document"), as the other modules of
reader.models may in any order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from reader.vocabularies import Kind, Stance, SuggestionState


class SuggestionQuerySet(models.QuerySet):
    def pending(self) -> SuggestionQuerySet:
        """Proposed and not yet decided: what the reader and the matrix offer."""
        return self.filter(state=SuggestionState.PENDING)

    def in_text_order(self) -> SuggestionQuerySet:
        """By position in the text, then by length, then by facet."""
        return self.order_by("start", "end", "facet__order", "pk")


class Suggestion(models.Model):
    """A passage of a source the engine proposes as an annotation linked to a facet, with
    the value, kind, stance and attribution it read there. Never an annotation, a link or
    part of any export or comparison until an annotator accepts it."""

    project = models.ForeignKey("reader.Project", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "reader.Document", on_delete=models.CASCADE, related_name="suggestions"
    )
    # The version of the document's text the offsets point into (Document.text_version).
    text_version = models.PositiveIntegerField()
    facet = models.ForeignKey("reader.Facet", on_delete=models.CASCADE, related_name="+")
    # Unicode code points, half-open [start, end), with the quote beside them.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote_exact = models.TextField()
    quote_prefix = models.CharField(max_length=32, blank=True)
    quote_suffix = models.CharField(max_length=32, blank=True)
    value = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLAIM)
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.ASSERTS)
    attribution = models.CharField(max_length=300, blank=True)
    entity = models.ForeignKey(
        "reader.Entity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(default=0.0)
    state = models.CharField(
        max_length=16, choices=SuggestionState.choices, default=SuggestionState.PENDING
    )
    # Once accepted: the annotation it became, and who decided (accepted or rejected).
    annotation = models.ForeignKey(
        "reader.Annotation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "end", "pk"]
        indexes = [
            models.Index(fields=["document", "state"]),
            models.Index(fields=["facet", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")),
                name="suggestion_span_not_empty",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="suggestion_kind_valid"),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="suggestion_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=SuggestionState.values), name="suggestion_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} for facet {self.facet_id}: “{self.quote_exact[:60]}”"


class SuggestionRejection(models.Model):
    """An analyst's "no" to a suggestion, remembered for the project: a recomputation does
    not propose the same value for the same facet and source again, at the same span or
    with the same quote (so it holds across a new version of the text too)."""

    project = models.ForeignKey("reader.Project", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("reader.Document", on_delete=models.CASCADE, related_name="+")
    facet = models.ForeignKey("reader.Facet", on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote_exact = models.TextField()
    value = models.CharField(max_length=500)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["document", "facet"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")),
                name="rejection_span_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"Rejected {self.value} for facet {self.facet_id}"


class SuggestionRun(models.Model):
    """When a source's suggestions were last computed, and on what: its text's version
    and a digest of the project's facets and entity names. Suggestions are computed again
    only when one of those changed, never on a page view that finds them up to date."""

    document = models.OneToOneField(
        "reader.Document", on_delete=models.CASCADE, related_name="suggestion_run"
    )
    text_version = models.PositiveIntegerField()
    inputs = models.CharField(max_length=64)
    computed = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Suggestions of {self.document_id} on version {self.text_version}"
