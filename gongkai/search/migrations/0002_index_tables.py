"""The index tables, which differ by database: FTS5 on SQLite, tsvector + GIN on PostgreSQL.
Other databases get nothing (and no search backend until one is written)."""

from django.db import migrations

SQLITE = [
    # Contentless: the text lives in the documents; the words inserted are kept compressed
    # in search_tokens, which is what deleting from a contentless table needs.
    # tags holds the facet values as words (agency12 year2022 …): filters are then part of
    # the MATCH, with no join.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, doc_no, index_no, tags, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TABLE search_entry ("
    "id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL UNIQUE, "
    "agency INTEGER, topic INTEGER, genre INTEGER, year INTEGER, validity TEXT)",
    "CREATE TABLE search_tokens (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_entry",
               "DROP TABLE IF EXISTS search_tokens"]

POSTGRES = [
    # tsv: every field, weight-labelled; title_tsv: the title alone, small enough to stay in
    # the row, so 标题: filters and the title-first ordering never detoast tsv.
    "CREATE TABLE search_entry ("
    "record_id bigint PRIMARY KEY, published_at timestamptz NOT NULL, "
    "agency bigint, topic bigint, genre bigint, year integer, validity varchar(16), "
    "tsv tsvector NOT NULL, title_tsv tsvector NOT NULL)",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX search_entry_title_tsv ON search_entry USING gin (title_tsv)",
    "CREATE INDEX search_entry_published ON search_entry (published_at)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_entry"]

FORWARD = {"sqlite": SQLITE, "postgresql": POSTGRES}
BACKWARD = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}


def run(statements):
    def operation(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
