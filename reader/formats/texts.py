"""Folders of source files (.txt, .md, .html, .pdf, .docx: whatever reader/formats/sources.py
reads, and .zip files of them, with the same limits as an upload), read as documents of one
project (a format that is only read: Reader never writes it)."""

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
    zip_entries,
)
from reader.models import Project
from reader.services.documents import outlet_get_or_create
from reader.services.imports import ImportRefused, ImportReport, dry_run_rollback, import_record
from reader.services.sources import (
    ERROR_ZIP_TOO_BIG,
    MAX_ZIP_BYTES,
    document_create_from_source,
)
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


def _read_zip(path: Path) -> list[tuple[str, Extracted | str]]:
    """Each source file of a zip, by its base name (entries of other kinds are left out,
    as in a folder), or what is wrong with it; the zip's own refusal as one problem."""
    if path.stat().st_size > MAX_ZIP_BYTES:
        size = path.stat().st_size
        return [
            (path.name, ERROR_ZIP_TOO_BIG.format(name=path.name, size=size, limit=MAX_ZIP_BYTES))
        ]
    found: list[tuple[str, Extracted | str]] = []
    try:
        for name, content in zip_entries(path.name, path.read_bytes()):
            if isinstance(content, SourceRefused):
                found.append((name, f"{path.name}: {content}"))
            elif suffix(name) in SUFFIXES:
                try:
                    found.append((name, read_source(name, content, limit=MAX_TEXT_BYTES)))
                except SourceRefused as refused:
                    found.append((name, f"{path.name}: {refused}"))
    except SourceRefused as refused:
        return [(path.name, str(refused))]
    return found or [(path.name, f"{path.name} holds no {KINDS_TEXT} file.")]


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
    wanted = SUFFIXES | {".zip"}
    paths = sorted(p for p in folder.iterdir() if p.is_file() and suffix(p.name) in wanted)
    if not paths:
        raise ImportRefused([f"{folder} holds no {KINDS_TEXT} or .zip file."])
    texts: list[tuple[str, Extracted]] = []
    problems = []
    for path in paths:
        reads = _read_zip(path) if suffix(path.name) == ".zip" else [(path.name, _read(path))]
        for name, read in reads:
            if isinstance(read, str):
                problems.append(read)
            else:
                texts.append((name, read))
    if problems:
        raise ImportRefused(problems)
    report = ImportReport(project=project)
    with dry_run_rollback(False):
        outlet = outlet_get_or_create(project=project, name=outlet_name, kind=OutletKind.OTHER)
        for number, (name, extracted) in enumerate(texts, start=1):
            digest = anchoring.content_hash(extracted.text)
            existed = project.documents.filter(content_hash=digest).exists()
            if not existed:
                document_create_from_source(
                    project=project, outlet=outlet, name=name, extracted=extracted
                )
            report.count("documents", existed=existed)
            if progress:
                progress(number, len(texts), name)
        import_record(report=report, actor=actor, source=f"{folder.name}/")
    return report
