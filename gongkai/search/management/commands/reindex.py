from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from gongkai.search.backends import backend_settings, get_search_backend
from gongkai.search.dictionary import learn
from gongkai.search.registry import get_index

CHUNK = 2000


class Command(BaseCommand):
    help = "Rebuild the search index from the catalogue (published and scheduled documents)."

    def add_arguments(self, parser):
        parser.add_argument("--backend", help="the GONGKAI_SEARCH alias (default: all)")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="documents per batch")
        parser.add_argument(
            "--clear", action="store_true",
            help="empty the index and rebuild it in one transaction (faster; on SQLite it "
                 "holds the write lock throughout, so saving documents waits)")

    def handle(self, *args, backend=None, chunk=CHUNK, clear=False, **options):
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
