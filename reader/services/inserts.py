"""New rows written without the ORM's compilation of their INSERT, which costs more than
running it (a third of a millisecond a statement on the API's create, the hottest write):
the statement of a model is made once, and each row's values are prepared by its fields
as Model.save() prepares them (auto_now_add, the database's own forms). For plain models
only: no parents, no signals (Reader has none), an automatic primary key."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Field, Model


@functools.cache
def _statement(model: type[Model], vendor: str, count: int) -> tuple[str, tuple[Field, ...]]:
    """The model's INSERT of `count` rows, their ids returned, and the fields of a row's
    values (`vendor`: the statement is the database's)."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    fields = tuple(field for field in model._meta.concrete_fields if field is not pk)
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)}"
    return f"{sql} RETURNING {quote(pk.column)}", fields


def insert(*rows: Model) -> None:
    """Save new rows of one model, in one statement; each gets its id, as save() gives it
    (the rows come back in the order sent, as bulk_create has them on both databases)."""
    sql, fields = _statement(type(rows[0]), connection.vendor, len(rows))
    values = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        ids = cursor.fetchall()
    for row, (pk,) in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
