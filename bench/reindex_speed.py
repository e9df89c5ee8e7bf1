"""Indexing end to end: documents in the catalogue → `gongkai reindex --clear`, per backend.

    .venv/bin/python bench/reindex_speed.py --docs 100000 [--engines fts5,tantivy,postgres]

Loads N published documents of bench/search_speed.py's synthetic corpus into a SQLite
catalogue (bulk_create, not timed; kept in bench/var/ for the next run), then times the reindex command as an administrator runs
it: reading the documents with a server-side cursor, turning each into a record (HTML to
text, facets), segmentation, writing the index and finishing it (FTS5 optimize; PostgreSQL's
GIN build and ANALYZE; tantivy's commit). PostgreSQL: BENCH_PG_URL, as search_speed.py.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

# Its own PostgreSQL database, so search_speed.py's index there is left alone.
os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gongkai_bench_reindex")
import search_speed  # noqa: E402  (the corpus and the engine settings)


def load_catalogue(n, seed, database):
    from django.core.management import call_command

    from gongkai.catalog.models import Agency, Genre, Topic
    from gongkai.documents.models import Document, Status

    call_command("migrate", database=database, verbosity=0)
    if Document.objects.using(database).count() == n:
        return
    Document.objects.using(database).all().delete()
    names = search_speed.agencies()
    agencies = {i + 1: Agency.objects.using(database).get_or_create(name=name)[0]
                for i, name in enumerate(names)}
    genres = {i + 1: Genre.objects.using(database).get_or_create(name=name)[0]
              for i, name in enumerate(search_speed.GENRES)}
    topics = {i + 1: Topic.objects.using(database).get_or_create(name=name, parent=None)[0]
              for i, name in enumerate(search_speed.TOPICS)}
    batch = []
    for r in search_speed.corpus(n, seed):
        batch.append(Document(
            title=r.title, body=f"<p>{r.body}</p>", doc_no=r.doc_no, index_no=r.index_no,
            agency=agencies[r.facets["agency"]], genre=genres[r.facets["genre"]],
            topic=topics[r.facets["topic"]], validity=r.facets["validity"] or "",
            published_at=r.published_at, status=Status.PUBLISHED))
        if len(batch) == 5000:
            Document.objects.using(database).bulk_create(batch)
            batch = []
    Document.objects.using(database).bulk_create(batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--engines", default="fts5,tantivy")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    engines = args.engines.split(",")
    search_speed.VAR.mkdir(parents=True, exist_ok=True)
    # The documents live in SQLite for every engine; each backend writes its own index
    # (postgres: into BENCH_PG_URL's database).
    search_speed.setup_django(f"catalogue-{args.docs}", with_pg="postgres" in engines)
    from django.core.management import call_command

    if "postgres" in engines:
        search_speed.ensure_pg_database()
        call_command("migrate", "search", database="pg", verbosity=0)
    load_catalogue(args.docs, args.seed, "default")
    rows = []
    for engine in engines:
        started = time.perf_counter()
        call_command("reindex", backend=engine, clear=True, verbosity=0)
        seconds = time.perf_counter() - started
        rows.append(f"| {engine} | {args.docs:,} | {seconds:.1f} | {args.docs / seconds:,.0f} |")
    print(f"## `gongkai reindex --clear`, {args.docs:,} documents\n")
    print("| engine | documents | seconds | documents/s |\n|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n{os.cpu_count()} cores, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ".")


if __name__ == "__main__":
    main()
