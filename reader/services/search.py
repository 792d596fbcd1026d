"""Writes for the project search: the SearchEntry rows that copy what can be found.

Every service that writes searchable text calls one of these in its own transaction, so
the index never lags behind: documents (title and text, by paragraph), annotations (quote
and note), replies, facet links (value and attribution) and events (name, place,
description) and entities (name and aliases). The full-text index over the entries is
the database's (migration 0015); deleting a document, annotation, reply, link, event or
entity deletes its entries by cascade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps as global_apps

from reader.services import inserts
from reader.vocabularies import SearchSource

# A source's text is indexed in pieces of about this many characters, cut at line ends:
# a result opens the reader at its piece, and a snippet is cut from one piece.
PIECE_LENGTH = 1_500


def text_pieces(text: str, limit: int = PIECE_LENGTH) -> Iterator[tuple[int, int]]:
    """[start, end) spans (code points) covering `text` in pieces of whole lines (a line
    longer than `limit` is cut at a space), leaving out the blank ones."""
    start = 0
    length = len(text)
    while start < length:
        end = min(length, start + limit)
        if end < length:
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        if text[start:end].strip():
            yield start, end
        start = end


def _model(get_model: Callable[..., Any] | None):
    return (get_model or global_apps.get_model)("reader", "SearchEntry")


def _document_rows(document, SearchEntry) -> list:
    rows = [
        SearchEntry(
            project_id=document.project_id,
            source=SearchSource.TITLE,
            text=document.title,
            document_id=document.pk,
        )
    ]
    rows += [
        SearchEntry(
            project_id=document.project_id,
            source=SearchSource.TEXT,
            text=document.text[start:end],
            document_id=document.pk,
            start=start,
            end=end,
        )
        for start, end in text_pieces(document.text)
    ]
    return rows


def _annotation_rows(annotation, project_id: int, SearchEntry) -> list:
    common = {
        "project_id": project_id,
        "document_id": annotation.document_id,
        "annotation_id": annotation.pk,
        "author_id": annotation.author_id,
        "start": annotation.start,
        "end": annotation.end,
    }
    rows = [SearchEntry(source=SearchSource.QUOTE, text=annotation.quote_exact, **common)]
    if annotation.note:
        rows.append(SearchEntry(source=SearchSource.NOTE, text=annotation.note, **common))
    return rows


def _reply_row(reply, annotation, project_id: int, SearchEntry):
    return SearchEntry(
        project_id=project_id,
        source=SearchSource.REPLY,
        text=reply.text,
        document_id=annotation.document_id,
        annotation_id=annotation.pk,
        reply_id=reply.pk,
        author_id=reply.author_id,
        start=annotation.start,
        end=annotation.end,
    )


def _link_row(link, annotation, event_id: int, project_id: int, SearchEntry):
    text = f"{link.value} — {link.attribution}" if link.attribution else link.value
    return SearchEntry(
        project_id=project_id,
        source=SearchSource.VALUE,
        text=text,
        document_id=annotation.document_id,
        annotation_id=annotation.pk,
        link_id=link.pk,
        event_id=event_id,
        facet_id=link.facet_id,
        author_id=link.author_id,
        start=annotation.start,
        end=annotation.end,
    )


def _event_row(event, SearchEntry):
    text = "\n".join(part for part in (event.name, event.place, event.description) if part)
    return SearchEntry(
        project_id=event.project_id, source=SearchSource.EVENT, text=text, event_id=event.pk
    )


def _entity_text(entity, alias_names) -> str:
    """The entity's name, then each other written form it is known by, one a line."""
    return "\n".join(dict.fromkeys([entity.name, *sorted(alias_names)]))


def _entity_row(entity, alias_names, SearchEntry):
    return SearchEntry(
        project_id=entity.project_id,
        source=SearchSource.ENTITY,
        text=_entity_text(entity, alias_names),
        entity_id=entity.pk,
    )


def document_index(*, document) -> None:
    SearchEntry = _model(None)
    SearchEntry.objects.filter(
        document_id=document.pk, source__in=[SearchSource.TITLE, SearchSource.TEXT]
    ).delete()
    SearchEntry.objects.bulk_create(_document_rows(document, SearchEntry))


def annotation_index(*, annotation, new: bool = False) -> None:
    """The annotation's quote and note (again, after an edit). A `new` annotation has no
    entries yet: nothing to delete first (one statement on the hottest write)."""
    SearchEntry = _model(None)
    if not new:
        SearchEntry.objects.filter(
            annotation_id=annotation.pk, source__in=[SearchSource.QUOTE, SearchSource.NOTE]
        ).delete()
    project_id = annotation.document.project_id
    inserts.insert(*_annotation_rows(annotation, project_id, SearchEntry))  # the hottest write


def annotations_index(*, annotations: list, project_id: int, batch: int = 500) -> None:
    """annotation_index for many annotations of one project (a new version moved them):
    a few statements, not two per annotation."""
    SearchEntry = _model(None)
    for at in range(0, len(annotations), batch):
        chunk = annotations[at : at + batch]
        SearchEntry.objects.filter(
            annotation_id__in=[a.pk for a in chunk],
            source__in=[SearchSource.QUOTE, SearchSource.NOTE],
        ).delete()
        rows = [row for a in chunk for row in _annotation_rows(a, project_id, SearchEntry)]
        SearchEntry.objects.bulk_create(rows, batch_size=batch)


def annotation_index_all(*, annotation) -> None:
    """Quote, note, replies and links of an annotation that came back (a restore)."""
    annotation_index(annotation=annotation)
    SearchEntry = _model(None)
    project_id = annotation.document.project_id
    rows = [_reply_row(r, annotation, project_id, SearchEntry) for r in annotation.replies.all()]
    rows += [
        _link_row(link, annotation, link.facet.event_id, project_id, SearchEntry)
        for link in annotation.links.select_related("facet")
    ]
    SearchEntry.objects.bulk_create(rows)


def reply_index(*, reply) -> None:
    SearchEntry = _model(None)
    SearchEntry.objects.filter(reply_id=reply.pk).delete()
    annotation = reply.annotation
    project_id = annotation.document.project_id
    _reply_row(reply, annotation, project_id, SearchEntry).save()


def link_index(*, link) -> None:
    SearchEntry = _model(None)
    SearchEntry.objects.filter(link_id=link.pk).delete()
    annotation = link.annotation
    project_id = annotation.document.project_id
    _link_row(link, annotation, link.facet.event_id, project_id, SearchEntry).save()


def event_index(*, event) -> None:
    SearchEntry = _model(None)
    SearchEntry.objects.filter(event_id=event.pk, source=SearchSource.EVENT).delete()
    _event_row(event, SearchEntry).save()


def entity_index(*, entity) -> None:
    """The entity's name and aliases (again, after a rename, an alias, a merge or a
    split): one entry, which goes with the entity when it is deleted (or merged away)."""
    SearchEntry = _model(None)
    SearchEntry.objects.filter(entity_id=entity.pk, source=SearchSource.ENTITY).delete()
    names = entity.aliases.values_list("name", flat=True)
    _entity_row(entity, names, SearchEntry).save()


BATCH = 2_000


def search_rebuild(*, project_id: int | None = None, get_model=None, entities: bool = True) -> int:
    """Every entry again from the rows, for one project or all; for the migration (with
    its historical models), for data written around the services (bench/corpus.py), and
    as `manage.py search_rebuild`. Returns the number of entries. `entities=False` is for
    migration 0015, whose SearchEntry has no entity yet (migration 0017 adds them)."""
    get = get_model or global_apps.get_model
    SearchEntry = get("reader", "SearchEntry")
    Document = get("reader", "Document")
    Annotation = get("reader", "Annotation")
    Reply = get("reader", "Reply")
    FacetLink = get("reader", "FacetLink")
    Event = get("reader", "Event")
    scope = {} if project_id is None else {"project_id": project_id}
    through = {} if project_id is None else {"document__project_id": project_id}
    SearchEntry.objects.filter(**scope).delete()
    count = 0

    def flush(rows: list) -> None:
        nonlocal count
        SearchEntry.objects.bulk_create(rows, batch_size=BATCH)
        count += len(rows)
        rows.clear()

    rows: list = []
    for document in Document.objects.filter(**scope).iterator(chunk_size=200):
        rows += _document_rows(document, SearchEntry)
        if len(rows) >= BATCH:
            flush(rows)
    annotations = Annotation.objects.filter(**through).select_related("document")
    for annotation in annotations.iterator(chunk_size=BATCH):
        rows += _annotation_rows(annotation, annotation.document.project_id, SearchEntry)
        if len(rows) >= BATCH:
            flush(rows)
    replies = Reply.objects.filter(**{f"annotation__{k}": v for k, v in through.items()})
    for reply in replies.select_related("annotation__document").iterator(chunk_size=BATCH):
        annotation = reply.annotation
        rows.append(_reply_row(reply, annotation, annotation.document.project_id, SearchEntry))
        if len(rows) >= BATCH:
            flush(rows)
    links = FacetLink.objects.filter(**{f"annotation__{k}": v for k, v in through.items()})
    links = links.select_related("annotation__document", "facet")
    for link in links.iterator(chunk_size=BATCH):
        annotation = link.annotation
        project = annotation.document.project_id
        rows.append(_link_row(link, annotation, link.facet.event_id, project, SearchEntry))
        if len(rows) >= BATCH:
            flush(rows)
    for event in Event.objects.filter(**scope).iterator(chunk_size=BATCH):
        rows.append(_event_row(event, SearchEntry))
    if entities:
        rows += _entity_rows(get, scope, SearchEntry)
    flush(rows)
    return count


def _entity_rows(get, scope: dict, SearchEntry) -> list:
    """Every entity's entry, with the aliases read in one query."""
    Entity = get("reader", "Entity")
    EntityAlias = get("reader", "EntityAlias")
    names: dict[int, list[str]] = {}
    for entity_id, name in EntityAlias.objects.filter(**scope).values_list("entity_id", "name"):
        names.setdefault(entity_id, []).append(name)
    return [
        _entity_row(entity, names.get(entity.pk, []), SearchEntry)
        for entity in Entity.objects.filter(**scope)
    ]


def entity_search_rebuild(*, get_model=None) -> int:
    """The entities' entries alone, again (migration 0017)."""
    get = get_model or global_apps.get_model
    SearchEntry = get("reader", "SearchEntry")
    SearchEntry.objects.filter(source=SearchSource.ENTITY).delete()
    rows = _entity_rows(get, {}, SearchEntry)
    SearchEntry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
