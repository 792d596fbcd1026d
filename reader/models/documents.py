"""Sources and what analysts mark on them: documents, their versions, annotations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from reader.models.projects import Outlet, Project
from reader.vocabularies import KINDS, NEEDS_REVIEW, AnchorStatus, Kind


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
