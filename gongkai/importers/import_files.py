"""Import files or folders of pages into the catalogue: the engine behind ``gongkai import``
and ``gongkai load_demo``. It walks the files, extracts each one's records
(``extract.extract_all``), saves each record (``load.save_record``) and tallies what became of
it in a ``Summary``; nothing that goes wrong with one file or one record stops the run.
"""

import functools
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from gongkai.checks.documents import inconsistencies, record_text

from .extract import extract_all
from .load import Outcome, RecordError, Summary, link_superseded, save_record

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
            import_file(path, summary, agency_code)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def import_file(path: Path, summary: Summary, agency_code: str | None = None) -> None:
    """Import the records of one file into ``summary``. A file or a record that fails, for
    whatever reason, is reported in ``summary.skipped`` and the rest go on."""
    try:
        extracted = extract_all(path)
    except Exception as error:  # a page that breaks the extractor costs that page only
        summary.skipped.append((str(path), reason("无法读取", error)))
        return
    unlinked = []  # (document, 索引号 of the document in force not yet imported)
    for position, record, error in extracted:
        where = where_in(path, position)
        if error:
            summary.skipped.append((where, error))
        else:
            load_record(where, record, summary, agency_code, unlinked)
    link_superseded(unlinked)


def where_in(path: Path, position: int) -> str:
    """How the summary names a record: the file, and the line of a JSON Lines file."""
    return f"{path} 第{position}行" if position and is_lines(str(path)) else str(path)


@functools.lru_cache(maxsize=256)  # asked for each record of a bulk import's file
def is_lines(path: str) -> bool:
    """Whether ``path`` names a JSON Lines file (gzipped or not)."""
    return Path(Path(path).name.lower().removesuffix(".gz")).suffix in LINE_FORMATS


def load_record(where: str, record: dict, summary: Summary, agency_code, unlinked, *,
                checked=None, figures=None) -> Outcome | None:
    """Save one record and tally it in ``summary``; None when it was skipped. ``checked``
    and ``figures`` (``figure_check(record)``) when the caller has them already."""
    try:
        outcome = save_record(record, agency_code=agency_code, checked=checked)
    except RecordError as e:
        summary.skipped.append((where, str(e)))
        return None
    except Exception as e:
        # save_record's own transaction has rolled back: nothing half-written remains.
        summary.skipped.append((where, reason("无法保存", e)))
        return None
    tally(where, record, outcome, summary, unlinked,
          figure_check(record) if figures is None else figures)
    return outcome


def tally(where: str, record: dict, outcome: Outcome, summary: Summary, unlinked,
          figures: tuple[list, str]) -> None:
    """A saved record in ``summary``: its outcome and its 数据核验 findings."""
    summary.add(outcome, where)
    if record.get("superseded_by") and not outcome.document.superseded_by_id:
        unlinked.append((outcome.document, record["superseded_by"]))
    findings, failure = figures
    if findings:
        summary.figure_issues.append((where, record["title"], findings))
    if failure:
        summary.notes.append((where, failure))


def figure_check(record: dict) -> tuple[list, str]:
    """数据核验 of a record: (inconsistent findings, "" or why the check could not finish)."""
    try:
        return inconsistencies(record_text(record)), ""
    except Exception as e:
        return [], reason("已导入，但数据核验未能完成", e)


def reason(what: str, error: Exception) -> str:
    detail = (str(error).strip().splitlines() or [""])[0]
    return f"{what}：{type(error).__name__}" + (f"：{detail}" if detail else "")
