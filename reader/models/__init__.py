"""Reader's models, one module per area. Every model is imported here, where Django looks
for them, so that `from reader.models import Document` works everywhere."""

# ruff: noqa: F401 (Django finds the models through these imports)

from __future__ import annotations

from reader.models.discussion import (
    TRASH_DAYS,
    Activity,
    ActivityQuerySet,
    DeletedAnnotation,
    DeletedAnnotationQuerySet,
    Reply,
    trash_cutoff,
)
from reader.models.documents import (
    Annotation,
    AnnotationQuerySet,
    Document,
    DocumentQuerySet,
    DocumentRevision,
    DocumentVersion,
)
from reader.models.entities import Entity, EntityAlias
from reader.models.events import Event, Facet, FacetLink, FacetLinkQuerySet
from reader.models.imports import PendingImport, SearchEntry
from reader.models.projects import ApiToken, Invitation, Membership, Outlet, Project
from reader.models.suggestions import (
    Suggestion,
    SuggestionQuerySet,
    SuggestionRejection,
    SuggestionRun,
)
