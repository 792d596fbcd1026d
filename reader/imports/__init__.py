"""Imports: a Reader bundle, W3C Web Annotations for one document, and folders of texts.

Every import is all or nothing. The whole input is checked first and every problem is
reported, each naming its record and field; only input with no problem is written, in one
transaction. A dry run does the same work and rolls it back, for a preview.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from reader import anchoring

if TYPE_CHECKING:
    from reader.models import Project

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS = 50


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        if more:
            self.problems.append(f"…and {more} more problems.")
        super().__init__(f"{len(problems)} problem(s), nothing imported: {problems[0]}")


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    new_members: list[str] = field(default_factory=list)
    project: Project | None = None

    def count(self, name: str, *, existed: bool) -> None:
        (self.existing if existed else self.created)[name] += 1

    def summary(self) -> str:
        parts = [f"{count} {name}" for name, count in sorted(self.created.items()) if count]
        kept = [f"{count} {name}" for name, count in sorted(self.existing.items()) if count]
        text = "Imported " + (", ".join(parts) or "nothing new")
        return text + (f"; already present: {', '.join(kept)}" if kept else "") + "."


class _DryRun(Exception):
    pass


@contextlib.contextmanager
def dry_run_rollback(dry_run: bool) -> Iterator[None]:
    """One transaction for the writes inside; rolled back at the end of a dry run. A
    validation error from a service refuses the import with its messages."""
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as error:
        raise ImportRefused(error.messages) from error


def parse_json(raw: bytes, *, limit: int = MAX_IMPORT_BYTES):
    """The file's JSON, or ImportRefused saying plainly what is wrong with it."""
    if len(raw) > limit:
        raise ImportRefused(
            [f"The file is {len(raw):,} bytes; imports are limited to {limit:,} bytes."]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(["The file is not UTF-8 text."]) from error
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise ImportRefused(["The JSON is nested too deeply to be a Reader file."]) from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ImportRefused([f"The file is not valid JSON: {error.msg} ({where})."]) from error
    _refuse_unstorable_strings(data)
    return data


def _refuse_unstorable_strings(data) -> None:
    """JSON's \\u escapes can spell NUL and lone surrogates, which no database column takes:
    refuse them here, once, for every field of every file and API body."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += value.keys()
            pending += value.values()
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and (bad := anchoring.unacceptable_characters(value)):
            raise ImportRefused(
                [f"The JSON contains {bad} in a text, which cannot be stored: remove them."]
            )


from reader.imports.bundle import bundle_import  # noqa: E402
from reader.imports.texts import texts_import  # noqa: E402
from reader.imports.w3c import w3c_import  # noqa: E402

__all__ = [
    "MAX_IMPORT_BYTES",
    "ImportRefused",
    "ImportReport",
    "bundle_import",
    "parse_json",
    "texts_import",
    "w3c_import",
]
