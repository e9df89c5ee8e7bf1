"""Many new rows of one model at once: ``QuerySet.bulk_create`` for the bulk importer's
thousands of documents, revisions and audit entries a second.

Django's ``bulk_create`` compiles every value through the SQL compiler (about 2 µs a value,
half of the bulk importer's main process) and on SQLite cuts an INSERT at 999 parameters, some
35 documents. Here each row is a tuple of values prepared as Django prepares them for a save
(``get_db_prep_save``; plain strings, integers and booleans pass as they are), written by
``COPY`` on PostgreSQL and ``executemany`` of one INSERT on SQLite. The ids are taken first —
from the table's sequence on PostgreSQL, by the first row on SQLite — so the instances get
their primary keys, as with ``bulk_create``. Like ``bulk_create`` it sends no signals and
calls no ``save()``; fields with ``auto_now``/``auto_now_add`` are filled by their
``pre_save``.
"""

from django.db import connections, transaction

_PLAIN = (str, int, bool, type(None))
# Fields whose plain values Django saves unchanged on both databases.
_PLAIN_FIELDS = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                 "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
                 "BooleanField", "ForeignKey"}


def insert_many(model, objs, using: str = "default") -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their pks."""
    objs = list(objs)
    connection = connections[using]
    if not objs or connection.vendor not in ("sqlite", "postgresql"):
        model._default_manager.using(using).bulk_create(objs)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * (len(fields) + 1))})")
    row = _row_maker(fields, connection)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(objs)])
            ids, rest = [i for (i,) in cursor.fetchall()], objs
        else:
            # The first row takes SQLite's next id and gives this transaction the write lock:
            # no other connection inserts before the commit, and AUTOINCREMENT never hands
            # out an id below the largest ever used, so the ids after it are free.
            objs[0].pk = None
            cursor.execute(sql, row(objs[0]))
            ids, rest = range(cursor.lastrowid, cursor.lastrowid + len(objs)), objs[1:]
        for obj, new_id in zip(objs, ids, strict=True):
            obj.pk = new_id
        if connection.vendor == "postgresql":
            # COPY: no statement executed per row on the server, which the INSERTs cost.
            with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for obj in rest:
                    copy.write_row(row(obj))
        else:
            cursor.executemany(sql, [row(obj) for obj in rest])
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


def _row_maker(fields, connection):
    plain = [f.get_internal_type() in _PLAIN_FIELDS for f in fields]

    def row(obj) -> list:
        values = [obj.pk]
        for field, is_plain in zip(fields, plain, strict=True):
            value = getattr(obj, field.attname)
            values.append(value if value is None or (is_plain and type(value) in _PLAIN)
                          else field.get_db_prep_save(value, connection))
        return values
    return row
