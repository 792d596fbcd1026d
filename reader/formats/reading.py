"""The one JSON reader for every import, API body and command: a file's JSON, refused
plainly (naming where) when it is not usable. It bounds the size, the depth (Python's
recursion limit), the length of numbers, and refuses NaN and Infinity, which are not JSON,
so that no number reaches int() or the database that neither can take."""

from __future__ import annotations

import json
import math

from reader import anchoring
from reader.services.imports import ImportRefused

MAX_IMPORT_BYTES = 20 * 1024 * 1024
# No number Reader stores has more than 19 digits (a 64-bit integer); 40 leaves room, and
# is far below int()'s 4,300-digit limit.
MAX_NUMBER_DIGITS = 40
ERROR_NUMBER = "The JSON has {what} at {where}, which Reader cannot take: remove it."


class _Unusable:
    """A number the hooks below refused, left in place so the walk can name where it is."""

    def __init__(self, what: str) -> None:
        self.what = what


def _int(text: str):
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        return _Unusable(f"a number of {digits:,} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _float(text: str):
    if len(text) > MAX_NUMBER_DIGITS:
        return _Unusable(f"a number of {len(text):,} characters (at most {MAX_NUMBER_DIGITS})")
    value = float(text)
    return value if math.isfinite(value) else _Unusable(f"the number {text}, too large")


def _constant(name: str):
    return _Unusable(f"{name}, which is not a JSON number")


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
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError as error:
        raise ImportRefused(["The JSON is nested too deeply to be a Reader file."]) from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ImportRefused([f"The file is not valid JSON: {error.msg} ({where})."]) from error
    _refuse_unusable_values(data)
    return data


def _refuse_unusable_values(data) -> None:
    """Numbers the hooks refused, and what JSON's \\u escapes can spell but no database
    column takes (NUL, lone surrogates): refused here, once, for every field of every file
    and API body, naming the first one's place (`annotations[3].note`)."""
    pending = [("the top", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((where, key))
                pending.append((_place(where, key), item))
        elif isinstance(value, list):
            pending += ((f"{_place(where, '')}[{n}]", item) for n, item in enumerate(value))
        elif isinstance(value, _Unusable):
            raise ImportRefused([ERROR_NUMBER.format(what=value.what, where=where)])
        elif isinstance(value, str) and (bad := anchoring.unacceptable_characters(value)):
            raise ImportRefused(
                [
                    f"The JSON contains {bad} in a text, which cannot be stored: remove them "
                    f"(at {where})."
                ]
            )


def _place(where: str, key: str) -> str:
    if where == "the top":
        return key
    return f"{where}.{key}" if key else where
