"""Reader's closed vocabularies, each defined once: the TextChoices the models store (with
a CheckConstraint beside each field that uses one) and, where pages need more than a label,
the table beside them (KINDS). Templates, JS, CSS, counts and messages are built from
these; adding a value is one entry here plus `manage.py makemigrations`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"


class OutletKind(models.TextChoices):
    ENCYCLOPEDIA = "encyclopedia", "Encyclopedia"
    NEWS = "news", "News"
    BLOG = "blog", "Blog"
    LIVE_BLOG = "live_blog", "Live blog"
    STATE_MEDIA = "state_media", "State media"
    OTHER = "other", "Other"


class Kind(models.TextChoices):
    CLAIM = "claim", "Claim"
    OPINION = "opinion", "Opinion"
    USER_COMMENT = "user_comment", "User comment"
    # Not a kind but the state before one: a W3C client's annotation that names no kind.
    # It is kept out of KINDS (no toolbar button, no count); the reader shows it "to classify".
    UNTAGGED = "untagged", "To classify"


@dataclass(frozen=True)
class KindStyle:
    """Everything the pages need to show one annotation kind. Templates loop over KINDS
    (the `kinds` context variable), the stylesheet /kinds.css is built from it, and
    reader.js reads the shortcuts from the toolbar's buttons."""

    kind: Kind
    plural: str  # "Claims": library columns, the event's summary
    letter: str  # marks where an annotation of this kind starts in the text
    shortcut: str  # the selection toolbar's key
    colour: str  # highlight, badge and button background
    line: str  # underline and the panel item's edge
    underline: str  # a CSS text-decoration-style, so kinds differ without colour too

    @property
    def value(self) -> str:
        return self.kind.value

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def edge(self) -> str:
        """The panel item's border style: the underline's, as far as borders have it."""
        return "double" if self.underline == "wavy" else self.underline

    @property
    def count_name(self) -> str:
        """What DocumentQuerySet.with_kind_counts calls its count."""
        return f"{self.value}_count"


# Adding a kind: a member of Kind, its line here, and `manage.py makemigrations`.
KINDS: dict[Kind, KindStyle] = {
    style.kind: style
    for style in [
        KindStyle(Kind.CLAIM, "Claims", "C", "c", "#fcd34d", "#92400e", "solid"),
        KindStyle(Kind.OPINION, "Opinions", "O", "o", "#93c5fd", "#1e3a8a", "wavy"),
        KindStyle(Kind.USER_COMMENT, "User comments", "U", "u", "#86efac", "#14532d", "dotted"),
    ]
}


# The untagged state, shown like a kind where an annotation is shown (its highlight and
# badge) but never offered, filtered by or counted: UNTAGGED_STYLE, not an entry of KINDS.
UNTAGGED_STYLE = KindStyle(Kind.UNTAGGED, "To classify", "?", "", "#e5e7eb", "#374151", "dashed")
TAGGED_KINDS = frozenset(KINDS)


def _listed(names: list[str], last: str) -> str:
    return f" {last} ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def kind_names(*, values: bool = False) -> str:
    """The kinds in words for messages: "claim, opinion or user comment" (or their values)."""
    return _listed([kind.value if values else kind.label.lower() for kind in KINDS.values()], "or")


class ValueType(models.TextChoices):
    NUMBER = "number", "Number"
    NUMBER_RANGE = "number_range", "Number range"
    TEXT = "text", "Text"
    ACTOR = "actor", "Actor"
    TIME = "time", "Time"
    DATE = "date", "Date"
    PLACE = "place", "Place"


# What each value type reads, compares, shows and suggests: its entry of
# reader/values.py VALUE_TYPES.


class EntityKind(models.TextChoices):
    ACTOR = "actor", "Actor"
    PLACE = "place", "Place"
    ORGANISATION = "organisation", "Organisation"
    OTHER = "other", "Other"


# The kind of entity a name gets when it is first met, by the role it was read in.
ENTITY_KIND_FOR_ROLE = {
    "actor": EntityKind.ACTOR,
    "place": EntityKind.PLACE,
    "text": EntityKind.OTHER,
    "attribution": EntityKind.ORGANISATION,
}


# How deep a facet compares entities (Facet.compare_level): "" as linked, where one agrees
# with what contains it; 0 the top-level entity; 1, 2 a level or two below it.
COMPARE_LEVELS = [
    ("", "as linked (one contains the other)"),
    ("0", "top-level entity"),
    ("1", "one level below the top"),
    ("2", "two levels below the top"),
]


class Verdict(models.TextChoices):
    """What the comparison concludes about one facet of an event."""

    AGREED = "agreed", "Agreed"
    DISPUTED = "disputed", "Disputed"
    VARIANT = "possible_variant", "Possible variant"
    SINGLE = "single_source", "Single source"
    SILENT = "silent", "Silent"


class Grade(models.TextChoices):
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"


class CountMode(models.TextChoices):
    """Which annotations count toward a dispute: the matrix's switch, in its URL (?count=)."""

    CLAIMS = "claims", "Claims only"
    # "Claims, opinions and user comments": every kind in KINDS.
    ALL = "all", _listed([style.plural.lower() for style in KINDS.values()], "and").capitalize()


class Stance(models.TextChoices):
    ASSERTS = "asserts", "Asserts"
    REPORTS = "reports", "Reports"
    DENIES = "denies", "Denies"
    DISPUTES = "disputes", "Disputes"


# The stances that say the value is wrong: shown as such, and counted against it when the
# matrix looks for disputed facets.
STANCES_AGAINST = frozenset({Stance.DENIES, Stance.DISPUTES})


class AnchorStatus(models.TextChoices):
    """How an annotation came onto the latest version of its source's text. The values are
    anchoring.EXACT, MOVED, FUZZY and ORPHANED (anchoring.py imports no Django)."""

    EXACT = "exact", "Exact"
    MOVED = "moved", "Moved"
    FUZZY = "fuzzy", "Needs review"
    ORPHANED = "orphaned", "Orphaned"


@dataclass(frozen=True)
class AnchorStyle:
    """What the panel and the review page show of an anchoring status."""

    status: AnchorStatus
    mark: str  # the panel item's badge; empty: no badge
    explanation: str  # the badge's title
    needs_review: bool


ANCHOR_STATUSES: dict[AnchorStatus, AnchorStyle] = {
    style.status: style
    for style in [
        AnchorStyle(AnchorStatus.EXACT, "", "Where it was made, unchanged.", False),
        AnchorStyle(
            AnchorStatus.MOVED, "moved", "The same text, elsewhere in a newer version.", False
        ),
        AnchorStyle(
            AnchorStatus.FUZZY,
            "needs review",
            "Placed on a similar passage of the newer version: check it.",
            True,
        ),
        AnchorStyle(
            AnchorStatus.ORPHANED,
            "orphaned",
            "Not found in the newer version: it stays on the version it was made on.",
            True,
        ),
    ]
}
# Annotations not (reliably) on their source's latest text: listed for review.
NEEDS_REVIEW = frozenset(s.status for s in ANCHOR_STATUSES.values() if s.needs_review)


class ImportKind(models.TextChoices):
    BUNDLE = "bundle", "Reader bundle (whole project)"
    W3C = "w3c", "W3C Web Annotations (onto one document)"


class ForeignAuthors(models.TextChoices):
    """What a bundle uploaded to a project does with the work of people who are not its
    members (they never agreed to be credited there): the importer's choice on the preview."""

    IMPORTER = "importer", "Credit their work to me (the importer)"
    REFUSE = "refuse", "Refuse the import"


class Action(models.TextChoices):
    ANNOTATION_CREATED = "annotation_created", "created"
    ANNOTATION_EDITED = "annotation_edited", "edited"
    ANNOTATION_DELETED = "annotation_deleted", "deleted"
    ANNOTATION_RESTORED = "annotation_restored", "restored"
    ANNOTATION_ACCEPTED = "annotation_accepted", "accepted"
    ANNOTATION_UNACCEPTED = "annotation_unaccepted", "withdrew acceptance of"
    LINK_CREATED = "link_created", "linked"
    LINK_DELETED = "link_deleted", "unlinked"
    REPLY_CREATED = "reply_created", "replied to"
    THREAD_RESOLVED = "thread_resolved", "resolved the thread of"
    THREAD_REOPENED = "thread_reopened", "reopened the thread of"
    HIDDEN = "hidden", "hid"
    SHOWN = "shown", "showed again"
    EVENT_CREATED = "event_created", "created the event"
    FACET_CREATED = "facet_created", "added the facet"
    FACET_CHANGED = "facet_changed", "changed the facet"
    LINK_SUPERSEDED = "link_superseded", "marked as earlier or current"
    ENTITY_MERGED = "entity_merged", "merged the entity"
    ENTITY_SPLIT = "entity_split", "split the entity"
    ENTITY_RENAMED = "entity_renamed", "renamed the entity"
    ENTITY_ALIAS_ADDED = "entity_alias_added", "added an alias to"
    ENTITY_PARENT_SET = "entity_parent_set", "set what contains"
    DOCUMENT_ADDED = "document_added", "added the source"
    VERSION_ADDED = "version_added", "added a new version of"
    ANNOTATION_REANCHORED = "annotation_reanchored", "re-anchored"
    IMPORTED = "imported", "imported"
    MEMBER_INVITED = "member_invited", "invited"
    MEMBER_JOINED = "member_joined", "joined"
    MEMBER_ROLE_SET = "member_role_set", "changed the role of"
    MEMBER_REMOVED = "member_removed", "removed"
    SUGGESTION_ACCEPTED = "suggestion_accepted", "accepted a suggestion:"


class SuggestionState(models.TextChoices):
    """Where a suggestion of the engine (reader/suggestions/) stands: proposed, or decided."""

    PENDING = "pending", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class SearchSource(models.TextChoices):
    """Where a search entry's text comes from: what a result says it found."""

    TITLE = "title", "Title"
    TEXT = "text", "Source text"
    QUOTE = "quote", "Quote"
    NOTE = "note", "Note"
    REPLY = "reply", "Reply"
    VALUE = "value", "Facet value"
    EVENT = "event", "Event"
    # Entity names: indexed by the entity service once the Entity model exists (issue 13).
    ENTITY = "entity", "Entity"
