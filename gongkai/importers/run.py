"""Import files or folders of pages into the catalogue: the engine behind ``gongkai import``
and ``gongkai load_demo``."""

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from django.db import DatabaseError, transaction
from tqdm import tqdm

from gongkai.checks.documents import inconsistencies, record_text

from .extract import ExtractError, extract_all
from .load import RecordError, Summary, save_record

# In a folder, only these are taken as pages; named files are always tried.
PAGE_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".txt", ".jsonl"}
LINE_FORMATS = {".jsonl", ".ndjson", ".jsonlines"}


def find_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
        else:
            yield path


def import_paths(paths, *, agency_code=None, dry_run=False, progress=True) -> Summary:
    """Import every document found under ``paths``; with ``dry_run`` nothing is kept."""
    summary = Summary()
    files = list(find_files(paths))
    # A real run commits record by record, so an interrupted import keeps what it finished;
    # a dry run does all the same work inside one transaction and rolls it back.
    with transaction.atomic() if dry_run else nullcontext():
        # disable=None: a progress bar on a terminal, none in logs and pipes.
        for path in tqdm(files, unit="个文件", disable=None if progress else True, leave=False):
            _import_file(path, summary, agency_code)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _import_file(path: Path, summary: Summary, agency_code: str | None) -> None:
    try:
        for position, record, error in extract_all(path):
            where = f"{path} 第{position}行" if path.suffix.lower() in LINE_FORMATS else str(path)
            if error:
                summary.skipped.append((where, error))
                continue
            try:
                summary.add(save_record(record, agency_code=agency_code))
                if findings := inconsistencies(record_text(record)):
                    summary.figure_issues.append((where, record["title"], findings))
            except RecordError as e:
                summary.skipped.append((where, str(e)))
            except (DatabaseError, ValueError) as e:
                # save_record's own transaction has rolled back: nothing half-written remains.
                summary.skipped.append((where, f"无法保存：{e}".splitlines()[0]))
    except (ExtractError, OSError) as e:
        summary.skipped.append((str(path), str(e)))
