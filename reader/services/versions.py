"""Writes for the versions of a source: a new capture, with every annotation re-anchored
onto it, and the review of those that did not land exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models

from reader import anchoring
from reader.models import Annotation, Document, DocumentVersion
from reader.sanitize import isolate
from reader.services import search
from reader.services.changes import (
    activity_on_annotation,
    activity_on_document,
    document_touch,
    events_touch,
)
from reader.services.documents import ERROR_DUPLICATE_TEXT, ERROR_QUOTE_MISMATCH, check_text
from reader.services.locks import lock_for_annotation, lock_rows, retry_on_conflict
from reader.vocabularies import Action, AnchorStatus

ERROR_SAME_TEXT = "This capture is the same text as the latest version ({number}): nothing to add."
ERROR_TOO_BIG = "The new version has {size:,} bytes; the limit is {limit:,}."
ERROR_NOT_FUZZY = "This annotation has no proposed passage to accept."
ERROR_ON_LATEST = "This annotation is already on the latest version."
ERROR_PASSAGE_NOT_FOUND = "The passage “{passage}” is not in the latest version."
ERROR_PASSAGE_AMBIGUOUS = (
    "The passage “{passage}” occurs {count} times in the latest version: select it in the text."
)
PASSAGE_IN_ERROR_LIMIT = 60

FIELDS = ["start", "end", "quote_exact", "quote_prefix", "quote_suffix", "text_version"]
FIELDS += ["anchor_status", "proposed_start", "proposed_end"]


@dataclass
class VersionReport:
    """What a new version did to the document's annotations."""

    number: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AnchorStatus.values, 0))

    @property
    def to_review(self) -> int:
        return self.counts[AnchorStatus.FUZZY] + self.counts[AnchorStatus.ORPHANED]


def _place(annotation: Annotation, text: str, number: int, start: int, end: int) -> None:
    """Put the annotation on [start, end) of version `number`, whose text is `text`."""
    quote = anchoring.quote_for(text, start, end)
    annotation.start, annotation.end, annotation.text_version = start, end, number
    annotation.quote_exact, annotation.quote_prefix = quote.exact, quote.prefix
    annotation.quote_suffix = quote.suffix
    annotation.proposed_start = annotation.proposed_end = None


def _apply(annotation: Annotation, landing: anchoring.Landing, text: str, number: int) -> None:
    """Record where an annotation landed on the new version `number`. A proposal stays a
    proposal (a fuzzy annotation never reviewed is still fuzzy wherever it lands)."""
    was_fuzzy = annotation.anchor_status == AnchorStatus.FUZZY
    if landing.status == anchoring.ORPHANED:
        annotation.anchor_status = AnchorStatus.ORPHANED
        annotation.proposed_start = annotation.proposed_end = None
    elif landing.status == anchoring.FUZZY or was_fuzzy:
        annotation.anchor_status = AnchorStatus.FUZZY
        annotation.proposed_start, annotation.proposed_end = landing.start, landing.end
    else:
        assert landing.start is not None and landing.end is not None
        _place(annotation, text, number, landing.start, landing.end)
        annotation.anchor_status = landing.status


def _anchor(annotation: Annotation, old_text: str) -> anchoring.Anchor:
    """Where the annotation is on the previous latest version: its span, or its proposal."""
    if annotation.anchor_status == AnchorStatus.FUZZY:
        assert annotation.proposed_start is not None and annotation.proposed_end is not None
        quote = anchoring.quote_for(old_text, annotation.proposed_start, annotation.proposed_end)
        return anchoring.Anchor(
            annotation.proposed_start,
            annotation.proposed_end,
            quote.exact,
            quote.prefix,
            quote.suffix,
        )
    return anchoring.Anchor(
        annotation.start,
        annotation.end,
        annotation.quote_exact,
        annotation.quote_prefix,
        annotation.quote_suffix,
    )


def _save_anchors(annotations: list[Annotation]) -> None:
    """The re-anchored fields of every annotation, in one prepared UPDATE run for each
    (executemany): bulk_update's CASE expressions take seconds for 2,000 rows."""
    table = connection.ops.quote_name(Annotation._meta.db_table)
    fields: list[models.Field] = []
    for name in FIELDS:
        field = Annotation._meta.get_field(name)
        assert isinstance(field, models.Field)  # plain columns, never relations
        fields.append(field)
    columns = ", ".join(f"{connection.ops.quote_name(f.attname)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields] + [a.pk]
        for a in annotations
    ]
    with connection.cursor() as cursor:
        pk = connection.ops.quote_name(Annotation._meta.pk.column)
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE {pk} = %s", rows)


def _clean_capture(text: str) -> str:
    check_text(text)
    text = anchoring.normalise_text(text)
    size = len(text.encode("utf-8"))
    limit = settings.READER_MAX_SOURCE_BYTES
    if size > limit:
        raise ValidationError({"text": ERROR_TOO_BIG.format(size=size, limit=limit)})
    return text


@retry_on_conflict
def version_create(*, document: Document, text: str, added_by) -> VersionReport:
    """Make `text` the document's next version and re-anchor every annotation onto it
    (anchoring.reanchor's ladder): exact and moved ones move there; fuzzy ones keep their
    old place and get a proposal; orphaned ones stay on the version they were on. Nothing
    is deleted; earlier versions are kept as they were."""
    text = _clean_capture(text)
    digest = anchoring.content_hash(text)
    lock_rows(document_id=document.pk)
    document = Document.objects.get(pk=document.pk)
    if digest == document.content_hash:
        raise ValidationError({"text": ERROR_SAME_TEXT.format(number=document.text_version)})
    twin = Document.objects.filter(project_id=document.project_id, content_hash=digest).first()
    if twin is not None:
        raise ValidationError({"text": ERROR_DUPLICATE_TEXT.format(title=isolate(twin.title))})
    if not document.versions.exists():
        DocumentVersion.objects.create(
            document=document,
            number=1,
            text=document.text,
            content_hash=document.content_hash,
            added_by=document.added_by,
            created=document.created,
        )
    previous, number = document.text_version, document.text_version + 1
    DocumentVersion.objects.create(
        document=document, number=number, text=text, content_hash=digest, added_by=added_by
    )
    report = VersionReport(number=number)
    annotations = list(Annotation.objects.filter(document=document).order_by("pk"))
    # On the previous latest version: exact and moved ones, and the proposals of fuzzy ones.
    current = [
        a
        for a in annotations
        if a.anchor_status == AnchorStatus.FUZZY or a.text_version == previous
    ]
    landings = anchoring.reanchor(document.text, text, [_anchor(a, document.text) for a in current])
    for annotation, landing in zip(current, landings, strict=True):
        _apply(annotation, landing, text, number)
    # Orphans of older versions: found again only if their quote is there as it was.
    carried = {annotation.pk for annotation in current}
    for annotation in annotations:
        if annotation.anchor_status == AnchorStatus.ORPHANED and annotation.pk not in carried:
            landing = anchoring.relocate(text, _anchor(annotation, ""))
            if landing.status != anchoring.ORPHANED:
                moved = anchoring.Landing(AnchorStatus.MOVED, landing.start, landing.end)
                _apply(annotation, moved, text, number)
    for annotation in annotations:
        report.counts[annotation.anchor_status] += 1
    _save_anchors(annotations)
    document.text, document.content_hash, document.text_version = text, digest, number
    document.save(update_fields=["text", "content_hash", "text_version"])
    # Search finds the new text, and annotations by the quotes they now have.
    search.document_index(document=document)
    for annotation in annotations:
        search.annotation_index(annotation=annotation)
    document_touch(document_id=document.pk)
    events_touch(
        event_ids=Annotation.objects.filter(document=document)
        .filter(links__isnull=False)
        .values_list("links__facet__event_id", flat=True)
    )
    activity_on_document(
        document=document,
        actor=added_by,
        action=Action.VERSION_ADDED,
        summary=f"“{isolate(document.title)}” (version {number}, {report.to_review} to review)",
    )
    return report


def _latest(annotation: Annotation) -> Annotation:
    """The annotation locked, as it is now, with its document."""
    return lock_for_annotation(annotation)


def _reanchored(annotation: Annotation, actor, detail: str) -> Annotation:
    annotation.full_clean(exclude=["document", "author"])
    annotation.save(update_fields=FIELDS)
    document_touch(document_id=annotation.document_id)
    events_touch(annotation_id=annotation.pk)
    activity_on_annotation(
        annotation=annotation, actor=actor, action=Action.ANNOTATION_REANCHORED, detail=detail
    )
    return annotation


@retry_on_conflict
def anchor_accept(*, annotation: Annotation, actor) -> Annotation:
    """Accept the passage proposed for a fuzzy annotation: it moves there."""
    annotation = _latest(annotation)
    if annotation.anchor_status != AnchorStatus.FUZZY:
        raise ValidationError(ERROR_NOT_FUZZY)
    document = annotation.document
    assert annotation.proposed_start is not None and annotation.proposed_end is not None
    _place(
        annotation,
        document.text,
        document.text_version,
        annotation.proposed_start,
        annotation.proposed_end,
    )
    annotation.anchor_status = AnchorStatus.MOVED
    return _reanchored(annotation, actor, f"accepted on version {document.text_version}")


def find_passage(text: str, passage: str, start: int | None = None) -> tuple[int, int]:
    """The span of `passage` in `text`: at `start` when given (the selection's), else its
    one occurrence. ValidationError saying why not."""
    passage = anchoring.normalise_text(passage)
    shown = isolate(passage[:PASSAGE_IN_ERROR_LIMIT])
    if not passage.strip():
        raise ValidationError(ERROR_PASSAGE_NOT_FOUND.format(passage=shown))
    if start is not None:
        if text[start : start + len(passage)] != passage:
            got = isolate(text[start : start + len(passage)][:PASSAGE_IN_ERROR_LIMIT])
            raise ValidationError(ERROR_QUOTE_MISMATCH.format(expected=got, got=shown))
        return start, start + len(passage)
    count = text.count(passage)
    if count == 0:
        raise ValidationError(ERROR_PASSAGE_NOT_FOUND.format(passage=shown))
    if count > 1:
        raise ValidationError(ERROR_PASSAGE_AMBIGUOUS.format(passage=shown, count=count))
    at = text.find(passage)
    return at, at + len(passage)


@retry_on_conflict
def anchor_move(
    *, annotation: Annotation, actor, passage: str, start: int | None = None
) -> Annotation:
    """Put a fuzzy or orphaned annotation on a passage of the latest version that a person
    chose (selected, or typed when it occurs once)."""
    annotation = _latest(annotation)
    document = annotation.document
    try:
        begin, end = find_passage(document.text, passage, start)
    except anchoring.OffsetError as error:
        raise ValidationError(str(error)) from error
    _place(annotation, document.text, document.text_version, begin, end)
    annotation.anchor_status = AnchorStatus.MOVED
    return _reanchored(annotation, actor, f"moved on version {document.text_version}")


@retry_on_conflict
def anchor_orphan(*, annotation: Annotation, actor) -> Annotation:
    """Turn down the proposal for a fuzzy annotation: it stays, orphaned, on its version."""
    annotation = _latest(annotation)
    if annotation.anchor_status == AnchorStatus.ORPHANED:
        return annotation
    if annotation.anchor_status != AnchorStatus.FUZZY:
        raise ValidationError(ERROR_ON_LATEST)
    annotation.anchor_status = AnchorStatus.ORPHANED
    annotation.proposed_start = annotation.proposed_end = None
    return _reanchored(annotation, actor, f"left on version {annotation.text_version}")


@retry_on_conflict
def versions_restore(*, document: Document, versions: list[DocumentVersion]) -> Document:
    """Give an imported document its versions as they were (the bundle's, checked): the
    last one's text is the document's."""
    for version in versions:
        version.document = document
        version.full_clean(exclude=["document"])
    assert versions[-1].content_hash == document.content_hash
    DocumentVersion.objects.bulk_create(versions)
    document.text_version = versions[-1].number
    document.save(update_fields=["text_version"])
    return document
