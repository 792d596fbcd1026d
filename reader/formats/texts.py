"""Folders of source files (.txt, .md, .html, .pdf, .docx: whatever reader/formats/sources.py
reads), read as documents of one project (a format that is only read: Reader never writes
it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader import anchoring
from reader.formats.sources import (
    KINDS_TEXT,
    SUFFIXES,
    Extracted,
    SourceRefused,
    read_source,
    suffix,
)
from reader.models import Project
from reader.services.documents import document_create, outlet_get_or_create
from reader.services.imports import ImportRefused, ImportReport, dry_run_rollback, import_record
from reader.services.sources import source_origin, source_title
from reader.vocabularies import OutletKind

MAX_TEXT_BYTES = 5 * 1024 * 1024


def _read(path: Path) -> Extracted | str:
    """The file's text and metadata, or what is wrong with it."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        return f"{path.name}: larger than {MAX_TEXT_BYTES:,} bytes"
    try:
        return read_source(path.name, path.read_bytes(), limit=MAX_TEXT_BYTES)
    except SourceRefused as refused:
        return str(refused)


def texts_import(
    *,
    folder: Path,
    project: Project,
    outlet_name: str = "Imported texts",
    actor=None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Every text file in the folder becomes a document (one already in the project is
    kept as it is); all of them, or none when any file cannot be read. The import is
    recorded in the project's activity, by `actor` (None from the command line)."""
    if not folder.is_dir():
        raise ImportRefused([f"{folder} is not a folder."])
    paths = sorted(p for p in folder.iterdir() if p.is_file() and suffix(p.name) in SUFFIXES)
    if not paths:
        raise ImportRefused([f"{folder} holds no {KINDS_TEXT} file."])
    texts: dict[Path, Extracted] = {}
    problems = []
    for path in paths:
        read = _read(path)
        if isinstance(read, str):
            problems.append(read)
        else:
            texts[path] = read
    if problems:
        raise ImportRefused(problems)
    report = ImportReport(project=project)
    with dry_run_rollback(False):
        outlet = outlet_get_or_create(project=project, name=outlet_name, kind=OutletKind.OTHER)
        for number, (path, extracted) in enumerate(texts.items(), start=1):
            digest = anchoring.content_hash(extracted.text)
            existed = project.documents.filter(content_hash=digest).exists()
            if not existed:
                document_create(
                    project=project,
                    outlet=outlet,
                    title=source_title(extracted),
                    text=extracted.text,
                    published=extracted.published,
                    origin=source_origin(extracted, path.name),
                )
            report.count("documents", existed=existed)
            if progress:
                progress(number, len(texts), path.name)
        import_record(report=report, actor=actor, source=f"{folder.name}/")
    return report
