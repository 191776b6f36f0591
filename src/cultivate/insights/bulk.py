"""Insert many new rows of the job's tables at once. On PostgreSQL through COPY: a first run
writes hundreds of thousands of levels, level changes and network rows, and building a model
instance and an SQL parameter per value took most of it (37 s for the levels alone on the
benchmark landscape). Elsewhere (SQLite) through bulk_create."""

import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import JSONField, Model

BATCH = 2_000


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows` (values in the order of `fields`, foreign keys as ids) as new rows."""
    if connection.vendor != "postgresql":
        names = [_attname(model, name) for name in fields]
        model.objects.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=BATCH)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    as_json = [i for i, name in enumerate(fields) if isinstance(meta.get_field(name), JSONField)]
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if as_json:
                row = list(row)
                for i in as_json:
                    row[i] = json.dumps(row[i])
            copy.write_row(row)


def _attname(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).attname
