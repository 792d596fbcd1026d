"""Events, their facets, and the links from annotated passages to facets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from reader.models.documents import Annotation
from reader.models.entities import Entity
from reader.models.projects import Project
from reader.vocabularies import NEEDS_REVIEW, STANCES_AGAINST, Stance, ValueType


class Event(models.Model):
    """Something that happened, which several sources report (and may disagree about)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True, help_text="Leave empty for a single day.")
    place = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Counts every change to the event's facets and the links to them, for the readers of
    # its pages polling it, like Document.revision.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = [F("starts").asc(nulls_first=True), "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="event_unique_name"),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(starts__isnull=True) | Q(ends__gte=F("starts")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reader:event_detail", kwargs={"slug": self.project.slug, "pk": self.pk})


class Facet(models.Model):
    """A question every source about the event may answer: death toll, perpetrator, ..."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=200)
    value_type = models.CharField(max_length=16, choices=ValueType.choices)
    order = models.PositiveIntegerField(default=0)
    # For actor, place and text facets, the level at which entities are compared: 0 the
    # top-level entity (Syrian Air Force and Syrian government forces are both Syria), 1 the
    # one below it, and so on; empty, as linked, where one entity agrees with any it contains
    # or is part of (Balyun, Idlib and Syria agree; Balyun and Qaminas do not).
    compare_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="facet_unique_name"),
            models.CheckConstraint(
                condition=Q(value_type__in=ValueType.values), name="facet_value_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.name}"


class FacetLinkQuerySet(models.QuerySet):
    def needs_review(self) -> FacetLinkQuerySet:
        """Links whose annotation is fuzzy or orphaned on its source's latest version."""
        return self.filter(annotation__anchor_status__in=NEEDS_REVIEW)

    def on_latest_version(self) -> FacetLinkQuerySet:
        """Links whose annotation is exact or moved on its source's latest version."""
        return self.exclude(annotation__anchor_status__in=NEEDS_REVIEW)


class FacetLink(models.Model):
    """What one annotated passage says about one facet of an event."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links")
    facet = models.ForeignKey(Facet, on_delete=models.CASCADE, related_name="links")
    value = models.CharField(max_length=500, help_text="As the source gives it.")
    # The value parsed into an interval (a quantity, or minutes of the day for a time), kept
    # beside the text as written; a null bound is unbounded.
    value_low = models.FloatField(null=True, blank=True, editable=False)
    value_high = models.FloatField(null=True, blank=True, editable=False)
    low_open = models.BooleanField(default=False, editable=False)
    high_open = models.BooleanField(default=False, editable=False)
    is_parsed = models.BooleanField(default=False, editable=False)
    # Dates are day numbers (date.toordinal); times are minutes of any day, or, when the
    # text gives the day (or it resolves against the published date), minutes from day 0
    # of that calendar: `value_dated`.
    value_dated = models.BooleanField(default=False, editable=False)
    # The entity the value names (actor, place and text facets), and those the attribution
    # names ("Turkey & SOHR" names two): both resolved through the project's aliases.
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    attributed_to = models.ManyToManyField(Entity, blank=True, related_name="attributed_links")
    attribution = models.CharField(
        max_length=300, blank=True, help_text="Who the source attributes it to."
    )
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.ASSERTS)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the claim was made, if the text gives it."
    )
    # An earlier value of the same source, replaced by a later one ("initially 9", an
    # earlier claim time on a live page): drawn as the source's trail, not compared. Set
    # automatically (services.events) unless an analyst pinned it.
    superseded = models.BooleanField(default=False)
    superseded_pinned = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facet_links"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = FacetLinkQuerySet.as_manager()

    class Meta:
        ordering = ["facet__order", F("claimed_at").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "facet"], name="link_unique_facet"),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="link_stance_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.facet.name}: {self.value}"

    @property
    def is_against(self) -> bool:
        """Whether the passage says the value is wrong (denies or disputes it)."""
        return self.stance in STANCES_AGAINST

    @property
    def needs_review(self) -> bool:
        """Whether its annotation is fuzzy or orphaned on the source's latest version (the
        matrix marks such a cell; load `annotation` with the link)."""
        return self.annotation.needs_review
