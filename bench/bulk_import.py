"""Bulk import (issue 15): `gongkai import --bulk` of N documents from JSON Lines.

    .venv/bin/python bench/bulk_import.py [--docs 100000] [--database-url URL] [--reimport]

Writes N documents of bench/search_speed.py's synthetic corpus (90 agencies, ~500-character
bodies, 文号 on 40%, a 索引号 on every other record — the rest are numbered by rule —, genres,
validity, topics; one malformed line in every 10,000) as JSON Lines, 10,000 to a file, into
a fresh catalogue whose agencies have their codes: a temporary SQLite file, or the PostgreSQL
database --database-url names (dropped and created again). Then times `gongkai import
--bulk`'s two phases apart — the load (parsing, checks, 数据核验, segmentation, batched
transactions that write the documents and their search index) and the statistics refreshed
after it — and, with --reimport, the same files imported again (every
record an update). Prints a table: documents, seconds and documents/s per phase, the CPU
of the importer's processes and of a local PostgreSQL server, and how long the importing process waited on the database.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

PER_FILE = 10_000
BAD_EVERY = 10_000


def records(n: int, seed: int = 7):
    import search_speed

    names = search_speed.agencies()
    for r in search_speed.corpus(n, seed):
        agency = r.facets["agency"] - 1
        moment = r.published_at.astimezone()
        record = {
            "title": r.title, "publisher": names[agency], "doc_no": r.doc_no or None,
            "index_no": r.index_no if r.id % 2 else None,
            "published_on": moment.date().isoformat(),
            "published_at_time": moment.strftime("%H:%M"),
            "category": search_speed.TOPICS[r.facets["topic"] - 1],
            "genre": search_speed.GENRES[r.facets["genre"] - 1],
            "validity": r.facets["validity"] or None,
            "body_text": r.body,
        }
        if r.id % BAD_EVERY == BAD_EVERY // 2:
            record["published_on"] = "2026-13-45"  # reported and skipped
        yield record


def write_files(folder: Path, n: int) -> list[Path]:
    files, out = [], None
    for i, record in enumerate(records(n)):
        if i % PER_FILE == 0:
            if out:
                out.close()
            files.append(folder / f"documents-{i // PER_FILE + 1:03d}.jsonl")
            out = files[-1].open("w", encoding="utf-8")
        out.write(json.dumps({k: v for k, v in record.items() if v is not None},
                             ensure_ascii=False) + "\n")
    if out:
        out.close()
    return files


def fresh_postgres(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(args) -> Path:
    work = Path(tempfile.mkdtemp(prefix="gk-bulk-bench-"))
    os.environ["GONGKAI_DATA_DIR"] = str(work)
    os.environ.setdefault("GONGKAI_SECRET_KEY", "bench")
    if args.database_url:
        fresh_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    import search_speed
    from django.core.management import call_command

    from gongkai.catalog.models import Agency

    call_command("migrate", verbosity=0)
    for i, name in enumerate(search_speed.agencies()):
        Agency.objects.create(name=name, code=f"11440303MB{i:08d}")
    return work


def cpu_seconds() -> tuple[float, float, float]:
    """CPU time of this process, of its finished children (the worker processes), and of
    the PostgreSQL server's processes when it runs on this machine (0 otherwise)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime,
            postgres_cpu_seconds())


def postgres_cpu_seconds() -> float:
    """User and system time of the processes called ``postgres`` (/proc/PID/stat)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:]
        if name == "postgres":
            values = fields.split()
            ticks += int(values[11]) + int(values[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


class DatabaseClock:
    """Seconds this process waits on the database's statements and commits (an
    ``execute_wrapper``, and ``commit`` wrapped). On SQLite that is the engine's own work in
    the one process that may write; PostgreSQL's ``COPY`` is not counted."""

    def __init__(self, connection):
        self.connection, self.seconds = connection, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    @contextmanager
    def running(self):
        commit = self.connection.commit

        def timed_commit():
            started = time.perf_counter()
            try:
                commit()
            finally:
                self.seconds += time.perf_counter() - started

        self.connection.commit = timed_commit
        try:
            with self.connection.execute_wrapper(self):
                yield self
        finally:
            del self.connection.commit


def timed(phase: str, rows: list, n: int, run):
    from django.db import connection

    started, before = time.perf_counter(), cpu_seconds()
    with DatabaseClock(connection).running() as clock:
        result = run()
    seconds = time.perf_counter() - started
    main, workers, server = (after - earlier for after, earlier in zip(cpu_seconds(), before,
                                                                       strict=True))
    rows.append((phase, n, seconds, main + workers, clock.seconds, server))
    print(f"  {phase}: {seconds:.1f} s; CPU-s: {main:.1f} main process, {workers:.1f} workers,"
          f" {server:.1f} PostgreSQL server; {clock.seconds:.1f} s in the database's "
          "statements and commits", file=sys.stderr, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and recreate "
                                                "(default: a temporary SQLite file)")
    parser.add_argument("--reimport", action="store_true",
                        help="import the same files again (every record an update)")
    args = parser.parse_args()
    work = setup(args)
    from django.db import connection

    from gongkai.documents.models import Document
    from gongkai.importers import bulk
    from gongkai.search.backends import get_search_backend

    files = write_files(work, args.docs)
    rows: list = []
    summary, loaded = timed("load and index", rows, args.docs,
                            lambda: bulk.load_paths(files, progress=False))
    timed("statistics", rows, len(loaded), bulk.finish)
    first = summary
    if args.reimport:
        again, reloaded = timed("re-import: load and index", rows, args.docs,
                                lambda: bulk.load_paths(files, progress=False))
        timed("re-import: statistics", rows, len(reloaded), bulk.finish)
    backend = get_search_backend()
    print(f"## `gongkai import --bulk`, {args.docs:,} documents from JSON Lines "
          f"({connection.vendor}, search: {backend.vendor})\n")
    print("| phase | documents | seconds | documents/s | CPU-seconds: importer (all its "
          "processes) | CPU-seconds: PostgreSQL server² | ms a document in the database¹ |\n"
          "|---|---|---|---|---|---|---|")
    for label, rows_of in [("", rows[:2]), ("re-import: ", rows[2:])]:
        if not rows_of:
            continue
        for phase, n, seconds, cpu, database, server in rows_of:
            print(f"| {phase} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {cpu:.1f} "
                  f"| {server:.1f} | {database * 1000 / n:.3f} |")
        total, cpu = sum(r[2] for r in rows_of), sum(r[3] for r in rows_of)
        database, server = sum(r[4] for r in rows_of), sum(r[5] for r in rows_of)
        print(f"| **{label}in all** | {args.docs:,} | {total:.1f} | "
              f"**{args.docs / total:,.0f}** | {cpu:.1f} | {server:.1f} "
              f"| {database * 1000 / args.docs:.3f} |")
    print("\n¹ the importing process waiting on statements and commits (on SQLite, the "
          "engine's work in the one process that may write; PostgreSQL's COPY not counted)\n"
          "² every process called postgres on this machine (0 for SQLite, or a remote server)")
    print(f"\nfirst import: {first.created:,} created, {first.updated:,} updated, "
          f"{len(first.skipped):,} skipped; {Document.objects.count():,} documents, "
          f"{Document.objects.exclude(index_no=None).count():,} with a 索引号"
          + (f"; re-import: {again.created:,} created, {again.updated:,} updated"
             if args.reimport else ""))
    print(f"{os.cpu_count()} cores, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " at the end.")


if __name__ == "__main__":
    main()
