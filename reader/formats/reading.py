"""What every import reads first: a file's JSON, refused plainly when it is not usable."""

from __future__ import annotations

import json

from reader import anchoring
from reader.services.imports import ImportRefused

MAX_IMPORT_BYTES = 20 * 1024 * 1024


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
