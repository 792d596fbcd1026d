"""Writes for sources that come as files: one file (or each file of a zip) becomes a
document, and the caller learns, per file, whether it was added, already present or
refused, and why."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from reader import anchoring
from reader.formats.sources import (
    Extracted,
    SourceRefused,
    base_name,
    read_source,
    suffix,
    zip_entries,
)
from reader.models import Document, Outlet, Project
from reader.services.documents import TITLE_FROM_TEXT_LIMIT, document_create, title_from_text

ADDED, PRESENT, REFUSED = "added", "present", "refused"
TITLE_LIMIT = 500
ORIGIN_LIMIT = 1000
MESSAGE_PRESENT = "already in the project as “{title}”"
MAX_ZIP_BYTES = 20 * 1024 * 1024
ERROR_ZIP_TOO_BIG = "“{name}” is {size:,} bytes; a zip may be {limit:,} bytes."


@dataclass(frozen=True)
class SourceOutcome:
    """What became of one file."""

    name: str
    status: str  # ADDED, PRESENT or REFUSED
    message: str = ""
    document: Document | None = None


def document_create_from_source(
    *, project: Project, outlet: Outlet, name: str, extracted: Extracted, added_by=None
) -> Document:
    """The document of one source file: its own title, else one from its text; its origin the
    address a saved page says it had, else the file's name."""
    return document_create(
        project=project,
        outlet=outlet,
        title=(extracted.title or title_from_text(extracted.text))[:TITLE_LIMIT],
        text=extracted.text,
        published=extracted.published,
        origin=(extracted.url or name)[:ORIGIN_LIMIT],
        added_by=added_by,
    )


def _add_one(
    *,
    project: Project,
    outlet: Outlet,
    name: str,
    data: bytes,
    limit: int,
    all_text: bool,
    added_by,
) -> SourceOutcome:
    try:
        extracted = read_source(name, data, limit=limit, all_text=all_text)
    except SourceRefused as refused:
        return SourceOutcome(name=name, status=REFUSED, message=str(refused))
    digest = anchoring.content_hash(extracted.text)
    existing = Document.objects.filter(project=project, content_hash=digest).first()
    if existing:
        return SourceOutcome(
            name=name,
            status=PRESENT,
            message=MESSAGE_PRESENT.format(title=existing.title[:TITLE_FROM_TEXT_LIMIT]),
            document=existing,
        )
    try:
        document = document_create_from_source(
            project=project, outlet=outlet, name=name, extracted=extracted, added_by=added_by
        )
    except ValidationError as error:
        return SourceOutcome(name=name, status=REFUSED, message=" ".join(error.messages))
    return SourceOutcome(name=name, status=ADDED, document=document)


def sources_add(
    *,
    project: Project,
    outlet: Outlet,
    name: str,
    data: bytes,
    limit: int,
    added_by=None,
    all_text: bool = False,
) -> list[SourceOutcome]:
    """One uploaded file as a document, or each file of a zip as one; each file is
    validated alone and each document saved in its own transaction, so one refused file
    does not hold back the others. `name` is used only as text (its last part)."""
    name = base_name(name) or "unnamed"
    if suffix(name) != ".zip":
        return [
            _add_one(
                project=project,
                outlet=outlet,
                name=name,
                data=data,
                limit=limit,
                all_text=all_text,
                added_by=added_by,
            )
        ]
    if len(data) > MAX_ZIP_BYTES:
        message = ERROR_ZIP_TOO_BIG.format(name=name, size=len(data), limit=MAX_ZIP_BYTES)
        return [SourceOutcome(name=name, status=REFUSED, message=message)]
    outcomes = []
    try:
        for entry_name, content in zip_entries(name, data):
            if isinstance(content, SourceRefused):
                outcomes.append(
                    SourceOutcome(name=entry_name, status=REFUSED, message=str(content))
                )
                continue
            with transaction.atomic():
                outcomes.append(
                    _add_one(
                        project=project,
                        outlet=outlet,
                        name=entry_name,
                        data=content,
                        limit=limit,
                        all_text=all_text,
                        added_by=added_by,
                    )
                )
    except SourceRefused as refused:
        outcomes.append(SourceOutcome(name=name, status=REFUSED, message=str(refused)))
    if not outcomes:
        outcomes.append(SourceOutcome(name=name, status=REFUSED, message="The zip holds no file."))
    return outcomes
