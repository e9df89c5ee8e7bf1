from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from gongkai.search.backends import backend_settings, get_search_backend
from gongkai.search.dictionary import learn
from gongkai.search.registry import get_index

CHUNK = 2000
SHOWN = 10  # ids listed per kind of drift


class Command(BaseCommand):
    help = "Rebuild the search index from the catalogue (published and scheduled documents)."

    def add_arguments(self, parser):
        parser.add_argument("--backend", help="the GONGKAI_SEARCH alias (default: all)")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="documents per batch")
        parser.add_argument(
            "--clear", action="store_true",
            help="empty the index and rebuild it in one transaction (faster; on SQLite it "
                 "holds the write lock throughout, so saving documents waits)")
        parser.add_argument(
            "--check", action="store_true",
            help="change nothing: compare each index with the catalogue and report records "
                 "missing, not public, or with another publication time (exit 1 on drift)")

    def handle(self, *args, backend=None, chunk=CHUNK, clear=False, check=False, **options):
        if check:
            return self.check_drift([backend] if backend else list(backend_settings()), chunk)
        index = get_index()
        # Dictionary first: every document is cut with every word the catalogue knows.
        learn(index.dictionary())
        queryset = index.get_queryset().select_related("agency", "topic").order_by("pk")
        total = queryset.count()
        for alias in [backend] if backend else list(backend_settings()):
            search_backend = get_search_backend(alias)
            bar = tqdm(total=total, unit="doc", desc=f"reindex {alias}",
                       disable=options["verbosity"] < 1, file=self.stderr)
            batches = self.batches(queryset, index, chunk, bar)
            if search_backend.rebuilds_online:
                count, removed = search_backend.rebuild(batches), 0
            elif clear:
                with transaction.atomic(using=search_backend.database):
                    count = search_backend.rebuild(batches)
                removed = 0
            else:
                count, removed = self.replace(search_backend, batches, queryset, chunk)
            bar.close()
            self.stdout.write(f"{alias}: {count} documents indexed"
                              + (f", {removed} removed" if removed else ""))

    def replace(self, backend, batches, queryset, chunk) -> tuple[int, int]:
        """Re-index batch by batch, each in its own short transaction, so searches see a
        complete index throughout and documents can be saved meanwhile; then remove what
        is no longer public."""
        count = removed = 0
        for records in batches:
            with transaction.atomic(using=backend.database):
                backend.index(records)
            count += len(records)
        after = 0
        while ids := backend.ids(after=after, limit=chunk):
            with transaction.atomic(using=backend.database):
                keep = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
                backend.remove([pk for pk in ids if pk not in keep])
            removed += len(ids) - len(keep)
            after = ids[-1]
        backend.optimize()
        return count, removed

    def batches(self, queryset, index, chunk, bar):
        """Records in lists of ``chunk``, read with a server-side cursor: bounded memory."""
        batch = []
        for obj in queryset.iterator(chunk_size=chunk):
            batch.append(index.to_record(obj))
            if len(batch) == chunk:
                yield batch
                bar.update(len(batch))
                batch = []
        if batch:
            yield batch
            bar.update(len(batch))

    def check_drift(self, aliases, chunk) -> None:
        # Not `check`: BaseCommand.check runs the system checks before every command.
        drifted = []
        for alias in aliases:
            report = drift(get_search_backend(alias), get_index().catalogue(), chunk)
            counts = ", ".join(f"{len(report[kind])} {label}" for kind, label in DRIFT.items())
            self.stdout.write(f"{alias}: {report['indexed']} indexed, "
                              f"{report['expected']} in the catalogue; {counts}")
            for kind, label in DRIFT.items():
                if ids := report[kind]:
                    shown = ", ".join(map(str, ids[:SHOWN])) + (" …" if len(ids) > SHOWN else "")
                    self.stdout.write(f"  {label}: {shown}")
            if any(report[kind] for kind in DRIFT):
                drifted.append(alias)
        if drifted:
            raise CommandError(f"the search index differs from the catalogue "
                               f"({', '.join(drifted)}): run `gongkai reindex`", returncode=1)


DRIFT = {"missing": "missing from the index", "extra": "in the index but not publishable",
         "stale": "with another publication time"}


def drift(backend, catalogue, chunk=CHUNK) -> dict:
    """Compare ``backend``'s entries with ``catalogue`` ((id, published_at) by id): both are
    read in id order, a chunk at a time, and merged (bounded memory, one pass each).

    {"missing": ids not indexed, "extra": ids indexed that should not be, "stale": ids
    indexed with another publication time (as the backend stores it), "indexed": n,
    "expected": n}."""
    report = {"missing": [], "extra": [], "stale": [], "indexed": 0, "expected": 0}

    def entries():
        after = 0
        while rows := backend.entries(after=after, limit=chunk):
            yield from rows
            after = rows[-1][0]

    indexed = entries()
    entry = next(indexed, None)
    for pk, published_at in catalogue.iterator(chunk_size=chunk):
        report["expected"] += 1
        while entry is not None and entry[0] < pk:
            report["extra"].append(entry[0])
            report["indexed"] += 1
            entry = next(indexed, None)
        if entry is None or entry[0] != pk:
            report["missing"].append(pk)
            continue
        if entry[1] != backend.published_key(published_at):
            report["stale"].append(pk)
        report["indexed"] += 1
        entry = next(indexed, None)
    while entry is not None:
        report["extra"].append(entry[0])
        report["indexed"] += 1
        entry = next(indexed, None)
    return report
