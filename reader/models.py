from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from reader.vocabularies import (
    KINDS,
    NEEDS_REVIEW,
    STANCES_AGAINST,
    Action,
    AnchorStatus,
    EntityKind,
    ImportKind,
    Kind,
    OutletKind,
    Role,
    SearchSource,
    Stance,
    ValueType,
)


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


class DocumentQuerySet(models.QuerySet):
    def with_kind_counts(self) -> DocumentQuerySet:
        """Annotate each document with its number of annotations of each kind (`claim_count`...)."""
        return self.annotate(
            **{
                kind.count_name: Count("annotations", filter=Q(annotations__kind=kind.value))
                for kind in KINDS.values()
            }
        )


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    # RESTRICT, not PROTECT: an outlet with documents cannot be deleted on its own, but a
    # project deletes with everything in it.
    outlet = models.ForeignKey(Outlet, on_delete=models.RESTRICT, related_name="documents")
    title = models.CharField(max_length=500)
    published = models.DateField(null=True, blank=True)
    origin = models.CharField(
        max_length=1000, blank=True, help_text="File name or URL the text came from."
    )
    language = models.CharField(max_length=35, default="en")
    # The latest version's text, normalised (NFC, \n line ends); a new capture replaces it
    # (services/versions.py), the earlier ones are kept as DocumentVersion rows. The offsets
    # of every annotation on the latest version (text_version equal to this one's) point into
    # exactly this string.
    text = models.TextField()
    content_hash = models.CharField(max_length=64, editable=False)
    # The number of the latest version: 1 until a new capture comes in.
    text_version = models.PositiveIntegerField(default=1, editable=False)
    # Counts every change to the document's annotations and links: readers poll it to learn,
    # with one indexed query, whether a teammate changed something.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = [F("published").asc(nulls_first=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="document_unique_text"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="document_text_not_empty"),
            models.CheckConstraint(
                condition=Q(text_version__gte=1), name="document_text_version_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader:document_detail", kwargs={"slug": self.project.slug, "pk": self.pk})


class DocumentVersion(models.Model):
    """One capture of a source's text. Rows are only ever added: version 1 (the text the
    document was created with) when the second comes in, then one per new capture; the
    latest row's text is the document's `text`. A document without rows has one version."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="version_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.document} (version {self.number})"


class AnnotationQuerySet(models.QuerySet):
    def in_text_order(self) -> AnnotationQuerySet:
        """By position in the text, then by length, then by age."""
        return self.order_by("start", "end", "pk")

    def needs_review(self) -> AnnotationQuerySet:
        """Fuzzy or orphaned: not reliably on their source's latest version."""
        return self.filter(anchor_status__in=NEEDS_REVIEW)

    def on_latest_version(self) -> AnnotationQuerySet:
        """Exact or moved: their offsets and quote are on their source's latest version."""
        return self.exclude(anchor_status__in=NEEDS_REVIEW)


class Annotation(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Unicode code points of the text of version `text_version` of the document, half-open
    # [start, end): document.text when that is the latest version (exact or moved).
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote_exact = models.TextField()
    quote_prefix = models.CharField(max_length=32, blank=True)
    quote_suffix = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True, max_length=10_000)
    note_html = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # The discussion about it: resolved once settled; hidden by an owner, with a reason.
    resolved = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Curation: where annotators disagree, the annotation an owner accepted.
    accepted = models.BooleanField(default=False)
    # Versions of the source's text: the one it was made on, and the one its offsets and
    # quote refer to (the latest, unless it needs review); how it came there; and, when
    # fuzzy, the passage of the latest version proposed for it (Unicode code points).
    made_on = models.PositiveIntegerField(default=1)
    text_version = models.PositiveIntegerField(default=1)
    anchor_status = models.CharField(
        max_length=16, choices=AnchorStatus.choices, default=AnchorStatus.EXACT
    )
    proposed_start = models.PositiveIntegerField(null=True, blank=True)
    proposed_end = models.PositiveIntegerField(null=True, blank=True)
    # The W3C Web Annotation Protocol: the name a client asked for (Slug, its IRI's last
    # part when free), the key that makes a retried POST answer with this one
    # (Idempotency-Key, per author), the client's own IRIs for it (canonical, and the id it
    # sent, kept as via), and everything else it sent that Reader does not understand,
    # kept verbatim and written back into every W3C export (formats/w3c.py says how).
    slug = models.CharField(max_length=64, blank=True)
    request_key = models.CharField(max_length=200, blank=True)
    canonical = models.CharField(max_length=2000, blank=True)
    via = models.CharField(max_length=2000, blank=True)
    foreign = models.JSONField(default=dict, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["start", "end", "pk"]
        indexes = [models.Index(fields=["document", "start", "end"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="annotation_kind_valid"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=models.F("start")),
                name="annotation_span_not_empty",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_valid"),
            models.CheckConstraint(
                condition=Q(anchor_status__in=AnchorStatus.values),
                name="annotation_anchor_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(made_on__gte=1) & Q(text_version__gte=F("made_on")),
                name="annotation_text_version_valid",
            ),
            # A proposal exactly when fuzzy, and never empty.
            models.CheckConstraint(
                condition=(
                    Q(anchor_status=AnchorStatus.FUZZY, proposed_end__gt=F("proposed_start"))
                    | (
                        ~Q(anchor_status=AnchorStatus.FUZZY)
                        & Q(proposed_start__isnull=True, proposed_end__isnull=True)
                    )
                ),
                name="annotation_proposal_when_fuzzy",
            ),
            models.UniqueConstraint(
                fields=["document", "slug"], condition=~Q(slug=""), name="annotation_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["author", "request_key"],
                condition=~Q(request_key=""),
                name="annotation_unique_request_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: “{self.quote_exact[:60]}”"

    @property
    def needs_review(self) -> bool:
        return self.anchor_status in NEEDS_REVIEW

    @property
    def shown_span(self) -> tuple[int, int] | None:
        """Where it shows on the latest version: its span, its proposal, or nowhere."""
        if self.anchor_status == AnchorStatus.FUZZY:
            assert self.proposed_start is not None and self.proposed_end is not None
            return self.proposed_start, self.proposed_end
        if self.anchor_status == AnchorStatus.ORPHANED:
            return None
        return self.start, self.end


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


class Entity(models.Model):
    """Who or what values name across a project's sources (an actor, a place, an
    organisation...): a canonical name, the aliases every written form is known by, and the
    entity it is part of (Syrian Air Force is part of Syria)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=EntityKind.choices, default=EntityKind.OTHER)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # ISO 3166-1 alpha-3 when the entity is a country of the shipped country table.
    country = models.CharField(max_length=3, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="entity_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=EntityKind.values), name="entity_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="entity_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class EntityAlias(models.Model):
    """One written form of an entity, by its comparison key (entities.name_key): every
    link's value and attribution resolve through these, so a key names one entity only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "entity aliases"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="alias_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.entity})"


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


# Suggestions (issue 13) live in their own module; imported here, they are the app's models.
from reader.models_suggest import (  # noqa: E402, F401
    Suggestion,
    SuggestionRejection,
    SuggestionRun,
)
