"""Field checks for the records of an imported file: each returns what is wrong with a
value, or None. Text limits come from the model fields the values are stored in."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from reader import anchoring

Check = Callable[[object], str | None]


def text(*, required: bool = False, limit: int | None = None) -> Check:
    def check(value):
        if not isinstance(value, str):
            return "must be text"
        if required and not value.strip():
            return "must not be empty"
        if limit and len(value) > limit:
            return f"is longer than {limit:,} characters"
        if anchoring.unacceptable_characters(value):
            return f"contains {anchoring.unacceptable_characters(value)}"
        return None

    return check


def field(model, name: str, *, required: bool = False) -> Check:
    """Text that fits the model's field (its max_length)."""
    return text(required=required, limit=model._meta.get_field(name).max_length)


def choice(choices) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def whole(minimum: int) -> Check:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None

    return check


def moment(kind, *, optional: bool = False) -> Check:
    def check(value):
        if value is None and optional:
            return None
        try:
            parsed = kind.fromisoformat(value)
        except (TypeError, ValueError):
            return f"must be an ISO 8601 {'date' if kind is datetime.date else 'date and time'}"
        if kind is datetime.datetime and parsed.tzinfo is None:
            return "must give its time zone (as exports do: +00:00)"
        return None

    return check


def optional_text(value) -> str | None:
    return None if value is None else text()(value)


def key(prefix: str) -> Check:
    return lambda value: (
        None if isinstance(value, str) and value.startswith(prefix) else f"must be “{prefix}…”"
    )


def instance_of(kind: type, message: str) -> Check:
    return lambda value: None if isinstance(value, kind) else message


def optional_whole(value) -> str | None:
    return None if value is None else whole(0)(value)


def optional_bool(value) -> str | None:
    return None if value is None or isinstance(value, bool) else "must be true, false or null"


def optional_key(prefix: str) -> Check:
    return lambda value: None if value is None else key(prefix)(value)
