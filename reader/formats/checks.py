"""Field checks for the records of an imported file: each returns what is wrong with a
value, or None. Text limits and integer bounds come from the model fields the values are
stored in. The one reader of times that enter from outside (bundles, W3C files, the API)
is here too: parse_moment."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations

from reader import anchoring
from reader.validators import validate_username

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


def username(value) -> str | None:
    """A username as sign-up takes it (validators.validate_username)."""
    if not isinstance(value, str):
        return "must be text"
    try:
        validate_username(value)
    except ValidationError as error:
        return f"is not a username sign-up would take: {error.messages[0]}"
    return None


def optional_username(value) -> str | None:
    return None if value is None else username(value)


def whole(model, name: str, *, minimum: int = 0) -> Check:
    """A whole number the model's integer field stores, from `minimum` up: the range
    Django gives the field's type on every database (PositiveIntegerField: up to
    2,147,483,647, PostgreSQL's), not SQLite's wider one, so that a bundle one instance
    takes, any other takes too."""
    field = model._meta.get_field(name)
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    low = minimum if low is None else max(low, minimum)

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return f"must be a whole number of at least {low}"
        if high is not None and value > high:
            return f"must be at most {high:,}"
        return None

    return check


ERROR_NOT_A_TIME = "must be an ISO 8601 date and time"
ERROR_NAIVE_TIME = "must give its time zone (as exports do: +00:00)"
ERROR_TIME_RANGE = "is outside the years 1 to 9999 in UTC, which no database here stores"


def parse_moment(value) -> datetime.datetime:
    """An xsd:dateTime (ISO 8601 with an offset, or Z) whose UTC time is within the years
    1 to 9999, which both SQLite (through Python) and PostgreSQL store; ValueError with
    what is wrong otherwise (“9999-12-31T23:00:00-12:00” is a valid time, in the year 10000
    in UTC)."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ValueError(ERROR_NOT_A_TIME) from error
    if parsed.tzinfo is None:
        raise ValueError(ERROR_NAIVE_TIME)
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError(ERROR_TIME_RANGE) from error


def moment(kind, *, optional: bool = False) -> Check:
    def check(value):
        if value is None and optional:
            return None
        if kind is datetime.datetime:
            try:
                parse_moment(value)
            except ValueError as error:
                return str(error)
            return None
        try:
            kind.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be an ISO 8601 date"
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


def optional_whole(model, name: str) -> Check:
    """`whole`, or null."""
    check = whole(model, name)
    return lambda value: None if value is None else check(value)


def optional_bool(value) -> str | None:
    return None if value is None or isinstance(value, bool) else "must be true, false or null"


def optional_key(prefix: str) -> Check:
    return lambda value: None if value is None else key(prefix)(value)


def optional_span(value) -> str | None:
    """null, or [start, end] with 0 <= start < end (whole numbers)."""
    if value is None:
        return None
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in value or [0])
    if not isinstance(value, list) or len(value) != 2 or not whole or not 0 <= value[0] < value[1]:
        return "must be null or [start, end] with 0 <= start < end"
    return None
