"""Folders of .txt, .md and .html files, read as documents of one project (a format that is
only read: Reader never writes it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader import anchoring, sanitize
from reader.models import Project
from reader.services.documents import document_create, outlet_get_or_create, title_from_text
from reader.services.imports import ImportRefused, ImportReport, dry_run_rollback, import_record
from reader.vocabularies import OutletKind

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
MAX_TEXT_BYTES = 5 * 1024 * 1024


def _read_text(path: Path) -> tuple[str | None, str | None]:
    """The file's text (HTML reduced to text), or what is wrong with it."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        return None, f"{path.name}: larger than {MAX_TEXT_BYTES:,} bytes"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, f"{path.name}: not UTF-8 text"
    if path.suffix.lower() in {".html", ".htm"}:
        text = sanitize.html_to_text(text)
    if not text.strip():
        return None, f"{path.name}: empty"
    if bad := anchoring.unacceptable_characters(text):
        return None, f"{path.name}: contains {bad}"
    return text, None


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
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not paths:
        raise ImportRefused([f"{folder} holds no .txt, .md or .html file."])
    texts, problems = {}, []
    for path in paths:
        text, problem = _read_text(path)
        if problem:
            problems.append(problem)
        else:
            texts[path] = anchoring.normalise_text(text)
    if problems:
        raise ImportRefused(problems)
    report = ImportReport(project=project)
    with dry_run_rollback(False):
        outlet = outlet_get_or_create(project=project, name=outlet_name, kind=OutletKind.OTHER)
        for number, (path, text) in enumerate(texts.items(), start=1):
            existed = project.documents.filter(content_hash=anchoring.content_hash(text)).exists()
            if not existed:
                document_create(
                    project=project,
                    outlet=outlet,
                    title=title_from_text(text),
                    text=text,
                    origin=path.name,
                )
            report.count("documents", existed=existed)
            if progress:
                progress(number, len(texts), path.name)
        import_record(report=report, actor=actor, source=f"{folder.name}/")
    return report
