"""Bulk import: ``gongkai import --bulk``, and any import of ``BULK_THRESHOLD`` records or more.

The same records, rules and summary as ``import_files`` (docs/importing.md), thousands of
documents a second instead of a couple of hundred:

- **Every core reads, checks and segments.** JSON Lines files are cut into chunks of lines
  (single pages into groups of files) and worker processes parse them, check each record
  (``load.check_record``), sanitise its body, run 数据核验 on it and segment its title, body
  and 文号 for the search index (``documents.search.segment_ahead``). They never touch the
  database; the records come back in file order.
- **A transaction per batch.** This process saves ``BATCH`` records at a time: their
  agencies and earlier copies found with a few queries (``BatchLookups``), each record
  matched and filled in by ``load.resolve`` as a record saved alone is, written by
  ``workflow.save_imported_many`` (one INSERT per table, one UPDATE per earlier copy,
  索引号 in blocks, revisions, audit entries, per-agency counts, the catalogue's
  generation) and indexed in the same transaction (``documents.search.index_batch``).
- **One bad record costs one record.** A record that fails its checks is reported and
  skipped before the batch is written. A batch the database refuses (a constraint, a
  concurrent import) is rolled back whole and saved again record by record through
  ``load.save_record``, so only the bad record is lost and nothing is half-written.

``gongkai import --draft`` is read in parallel but saved record by record (an update of a
live document becomes its pending revision, which is ``workflow.save_edit``'s business).
"""

import gc
import gzip
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from tqdm import tqdm

from gongkai.catalog.models import Agency, Audience, Genre, Topic
from gongkai.documents import workflow
from gongkai.documents.maintenance import update_statistics
from gongkai.documents.models import Document
from gongkai.documents.search import index_batch, loading, segment_ahead, storage_kinds
from gongkai.lib.html import sanitize_html
from gongkai.lib.identifiers import normalize_doc_no
from gongkai.search.backends.base import forget_word_counts
from gongkai.search.parallel import forked

from .extract import chunk_records, extract_all, line_chunks
from .import_files import (
    figure_check,
    find_files,
    is_lines,
    load_record,
    reason,
    tally,
    where_in,
)
from .load import (
    Checked,
    Lookups,
    Outcome,
    RecordError,
    Summary,
    check_record,
    content_key,
    drafts_only,
    link_superseded,
    natural_key,
    record_agency,
    resolve,
    subject_terms,
)

logger = logging.getLogger(__name__)

# Records in the input at which `gongkai import` goes bulk by itself (docs/importing.md).
BULK_THRESHOLD = 5000
# Records per transaction.
BATCH = 1000
# Lines of a JSON Lines file per worker task, and pages per task.
CHUNK_LINES = 500
CHUNK_PAGES = 50


@dataclass
class Item:
    """One record as a worker read it: its place, the record and its checks, or the error."""

    where: str
    record: dict | None = None
    error: str = ""
    checked: Checked | None = None
    figures: tuple[list, str] = ([], "")
    ahead: dict | None = None  # its title and body segmented (documents.search.segment_ahead)


def counts_as_bulk(paths, threshold: int | None = None) -> bool:
    """True when ``paths`` hold at least ``threshold`` records: lines of JSON Lines files
    (gzipped ones unpacked), one per other file. Stops counting at the threshold."""
    threshold = BULK_THRESHOLD if threshold is None else threshold
    found = 0
    for path in find_files(paths):
        found += _records_in(path)
        if found >= threshold:
            return True
    return False


def _records_in(path: Path) -> int:
    if not is_lines(str(path)):
        return 1
    try:
        data = path.read_bytes()
        data = gzip.decompress(data) if path.name.lower().endswith(".gz") else data
    except (OSError, EOFError):
        return 1  # the import says what is wrong with it
    return data.count(b"\n") + (not data.endswith(b"\n"))


def import_paths_bulk(paths, *, agency_code=None, dry_run=False, progress=True,
                      batch: int | None = None) -> Summary:
    """Import every document found under ``paths`` in bulk; ``dry_run`` keeps nothing."""
    with transaction.atomic() if dry_run else nullcontext():
        summary, _ = load_paths(paths, agency_code=agency_code, progress=progress, batch=batch)
        if dry_run:
            transaction.set_rollback(True)
            return summary
    finish()
    return summary


def load_paths(paths, *, agency_code=None, progress=True,
               batch: int | None = None) -> tuple[Summary, list[int]]:
    """The load, indexed as it goes: the summary and the ids of the documents saved;
    ``batch`` records per transaction (``BATCH``)."""
    batch = batch or BATCH
    summary = Summary()
    loaded: list[int] = []
    unlinked: list = []
    known: dict = {}
    records = 0 if connection.in_atomic_block else sum(map(_records_in, find_files(paths)))
    with _fewer_collections(), loading(records), tqdm(
            unit="条", disable=None if progress else True, leave=False) as bar:
        for items in _batches(_read(_tasks(find_files(paths))), batch):
            loaded += load_batch(items, summary, agency_code, unlinked, known)
            bar.update(len(items))
    link_superseded(unlinked)
    return summary, loaded


@contextmanager
def _fewer_collections():
    """Python's cyclic garbage collector run less often meanwhile (in the worker processes
    too, forked inside): each batch makes hundreds of thousands of short-lived objects, and
    collecting them at the default pace cost ~5 % of the main process's time."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def finish() -> None:
    """After a bulk load: the planner's statistics (what ``gongkai optimize-db`` does after
    bulk changes), and the search backends' word counts forgotten."""
    forget_word_counts()
    update_statistics(connection.alias)


# -- reading, on every core ------------------------------------------------------------------


def _tasks(files: Iterable[Path]) -> Iterator[tuple]:
    pages: list[Path] = []
    for path in files:
        if chunks := line_chunks(path, CHUNK_LINES):
            yield from (("lines", path, chunk) for chunk in chunks)
            continue
        pages.append(path)
        if len(pages) == CHUNK_PAGES:
            yield "pages", pages
            pages = []
    if pages:
        yield "pages", pages


def read_task(task: tuple) -> list[Item]:
    """What a worker does with a task: every record read, checked, sanitised, 数据核验 and
    segmented for the search index."""
    kinds = storage_kinds()
    if task[0] == "lines":
        _, path, chunk = task
        return [_item(where_in(path, e.position), e, kinds)
                for e in _safely(chunk_records, chunk)]
    items = []
    for path in task[1]:
        try:
            found = extract_all(path)
        except Exception as error:  # a page that breaks the extractor costs that page only
            items.append(Item(str(path), error=reason("无法读取", error)))
            continue
        items += [_item(where_in(path, e.position), e, kinds) for e in found]
    return items


def _safely(read, chunk):
    try:
        return read(chunk)
    except Exception as error:  # the formats report bad lines themselves; this is a bug's cost
        from .formats import Extracted

        return [Extracted(chunk.offset + 1, None, reason("无法读取", error))]


def _item(where: str, extracted, kinds: dict) -> Item:
    if extracted.error:
        return Item(where, error=extracted.error)
    record = extracted.fields
    try:
        checked = check_record(record)
        checked.body = sanitize_html(checked.body)
    except RecordError as error:
        return Item(where, record, error=str(error))
    except Exception as error:
        return Item(where, record, error=reason("无法保存", error))
    return Item(where, record, checked=checked, figures=figure_check(record),
                ahead=_segmented(record, checked, kinds))


def _segmented(record: dict, checked: Checked, kinds: dict) -> dict:
    """The title and body as ``load.resolve`` will fill them in, segmented for the index."""
    return segment_ahead(
        title=checked.title, abstract=record.get("abstract") or "",
        subject_terms=subject_terms(record),
        body_html=checked.body, publisher=record.get("publisher") or "",
        doc_no=normalize_doc_no(checked.doc_no), index_no=checked.index_no, kinds=kinds)


def _read(tasks: Iterable[tuple]) -> Iterator[Item]:
    """Each task through ``read_task`` in a worker process per core, the items in order."""
    workers = os.cpu_count() or 1
    with forked(read_task, workers, ahead=2 * workers) as run:
        for items in run(tasks):
            yield from items


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    items = iter(items)
    return iter(lambda: list(islice(items, size)), [])


# -- saving, a batch per transaction -----------------------------------------------------------


def load_batch(items: list[Item], summary: Summary, agency_code, unlinked,
               known: dict | None = None) -> list[int]:
    """Save ``items`` in one transaction and tally them; record by record when the
    database refuses the batch. Returns the ids of the documents saved. ``known``: agencies
    and vocabulary committed by earlier batches of the run, kept up to date here."""
    if drafts_only():
        return _one_by_one(items, summary, agency_code, unlinked)
    lookups = BatchLookups(known)
    try:
        with transaction.atomic():
            results = _save_batch(items, agency_code, lookups)
        if known is not None:
            known.update(lookups.found)  # committed: later batches may rely on them
    except Exception as error:
        logger.warning("Bulk import: batch of %d records refused (%s: %s); saving them one by "
                       "one", len(items), type(error).__name__, error)
        # Rolled back whole: saved again one by one, each in its own transaction, so only
        # the record the database refuses is lost (and reported, with the reason).
        return _one_by_one(items, summary, agency_code, unlinked)
    saved = []
    for item, result in results:
        if isinstance(result, Outcome):
            tally(item.where, item.record, result, summary, unlinked, item.figures)
            saved.append(result.document.pk)
        else:
            summary.skipped.append((item.where, result))
    return saved


def _one_by_one(items, summary, agency_code, unlinked) -> list[int]:
    saved = []
    for item in items:
        if item.error:
            summary.skipped.append((item.where, item.error))
        elif outcome := load_record(item.where, item.record, summary, agency_code, unlinked,
                                    checked=item.checked, figures=item.figures):
            saved.append(outcome.document.pk)
    return saved


def _save_batch(items: list[Item], agency_code,
                lookups: "BatchLookups") -> list[tuple[Item, Outcome | str]]:
    lookups.prefetch([i for i in items if not i.error], agency_code)
    results, publish, keep, published = [], [], [], set()
    ahead: dict[int, tuple[Document, dict]] = {}  # by id(document): the last record's wins
    for item in items:
        if item.error:
            results.append((item, item.error))
            continue
        try:
            resolved = resolve(item.record, item.checked, agency_code, lookups)
        except RecordError as error:  # raised before anything of this record was created
            results.append((item, str(error)))
            continue
        document = resolved.document
        if document.body is item.checked.body:
            document.mark_clean(document.body)  # sanitised by the worker
        lookups.remember(document)
        # A document the file holds twice was published by its first record.
        if resolved.publish or id(document) in published:
            publish.append(document)
            published.add(id(document))
        else:
            keep.append(document)
        new_agency = lookups.claim(resolved.new_agency or document.agency)
        results.append((item, Outcome(resolved.action, document, new_agency)))
        ahead[id(document)] = (document, item.ahead or {})
    created = [document for document, _ in ahead.values() if document.pk is None]
    workflow.save_imported_many(publish, keep)
    index_batch([document for document, _ in ahead.values()],
                created={d.pk for d in created},
                ahead={document.pk: found for document, found in ahead.values()})
    return results


class BatchLookups(Lookups):
    """``load.Lookups`` for a batch: the earlier copies of all its records read in one
    query (locked on PostgreSQL until the batch commits, as ``workflow.publish`` locks the
    row), agencies and vocabulary read once each. Documents matched or created by earlier
    records of the batch are found by the later ones."""

    def __init__(self, known: dict | None = None):
        # Agencies (by name or code) and vocabulary, as earlier batches found them; a batch
        # rolled back leaves ``known`` as it was.
        self.found: dict[tuple, object] = dict(known or {})
        self.by_index_no: dict[str, Document] = {}
        self.by_key: dict[str, Document] = {}
        self.index_nos: set[str] = set()  # looked up: absent from by_index_no means none
        self.keys: set[str] = set()
        self.created: set[int] = set()  # agencies created for the batch, not yet reported

    def prefetch(self, items: list[Item], agency_code) -> None:
        for item in items:
            if item.checked.index_no:
                self.index_nos.add(item.checked.index_no)
            if superseding := item.record.get("superseded_by"):
                self.index_nos.add(superseding)
            try:
                agency, _ = record_agency(item.record, item.checked, agency_code, self)
            except RecordError:
                continue  # reported when the record is resolved
            key = natural_key(item.record, item.checked, agency)
            self.keys.update([key, content_key(agency, item.checked)])
        found = Document.objects.filter(Q(index_no__in=self.index_nos)
                                        | Q(source_key__in=self.keys))
        if connection.features.has_select_for_update_of:
            found = found.select_for_update(of=("self",))
        for document in found.select_related("agency", "topic__parent", "genre", "audience"):
            self.remember(document)

    def remember(self, document: Document) -> None:
        if document.index_no:
            self.by_index_no[document.index_no] = document
            self.index_nos.add(document.index_no)
        if document.source_key:
            self.by_key[document.source_key] = document
            self.keys.add(document.source_key)

    def document(self, **filters) -> Document | None:
        if filters.keys() == {"index_no"} and filters["index_no"] in self.index_nos:
            return self.by_index_no.get(filters["index_no"])
        key = filters.get("source_key")
        if key in self.keys and filters.keys() <= {"source_key", "source_url"}:
            found = self.by_key.get(key)
            if found and found.source_url == filters.get("source_url", found.source_url):
                return found
            return None
        return super().document(**filters)

    def _once(self, store: dict, key: tuple, lookup):
        if key not in store:
            store[key] = lookup()
        return store[key]

    def agency_named(self, name):
        return self._once(self.found, ("name", name), lambda: super(BatchLookups, self)
                          .agency_named(name))

    def agency_with_code(self, code):
        return self._once(self.found, ("code", code), lambda: super(BatchLookups, self)
                          .agency_with_code(code))

    def new_agency(self, name, code):
        if ("new", name) in self.found:
            return self.found[("new", name)], False
        agency, created = super().new_agency(name, code)
        self.found[("name", name)] = self.found[("new", name)] = agency
        if created:
            self.created.add(agency.pk)
            if agency.code:
                self.found[("code", agency.code)] = agency
        return agency, created

    def claim(self, agency: Agency) -> Agency | None:
        """``agency`` if it was created for this batch and no record has reported it yet:
        the summary names a new agency once, with the first record that brought it."""
        if agency.pk in self.created:
            self.created.discard(agency.pk)
            return agency
        return None

    def genre(self, name) -> Genre:
        return self._once(self.found, (Genre, name), lambda: super(BatchLookups, self)
                          .genre(name))

    def audience(self, name) -> Audience:
        return self._once(self.found, (Audience, name), lambda: super(BatchLookups, self)
                          .audience(name))

    def topic(self, path) -> Topic | None:
        return self._once(self.found, (Topic, path), lambda: super(BatchLookups, self)
                          .topic(path))
