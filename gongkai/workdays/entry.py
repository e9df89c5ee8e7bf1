"""Entering a year's 放假/调休 days: from a file (``gongkai holidays load``) and the one
function that writes a year and tells the apps above (``signals.calendar_changed``).

The file is CSV, UTF-8 (a BOM, as Excel writes it, is fine; GB18030 is read too)::

    date,kind,name
    2027-01-01,放假,元旦
    2027-02-06,调休上班,春节

``kind`` is 放假 (or ``off``) or 调休上班 (or ``work``); ``name`` may be empty; the header may
also be 日期,类型,节日. All dates belong to one year; loading replaces what was entered for it.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import DayKind, HolidayDay, HolidayYear, day_errors
from .signals import calendar_changed

HEADERS = (["date", "kind", "name"], ["日期", "类型", "节日"])
KINDS = {"放假": DayKind.OFF, "off": DayKind.OFF, "休息": DayKind.OFF,
         "调休上班": DayKind.WORK, "上班": DayKind.WORK, "work": DayKind.WORK}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class LoadError(ValueError):
    """A file that cannot be loaded; ``problems`` has one line per fault."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: DayKind
    name: str


def read_file(path: str | Path) -> tuple[int, list[Entry]]:
    """The year and its days, or LoadError listing every fault (nothing is written here)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise LoadError([f"无法读取文件 {path}：{error.strerror or error}"]) from error
    return parse(decode(raw))


def parse(text: str) -> tuple[int, list[Entry]]:
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)]
    if not rows or [c.strip().lower() for c in rows[0][1]] not in HEADERS:
        raise LoadError(["第一行应为表头 date,kind,name（或 日期,类型,节日）"])
    problems, entries, seen = [], [], set()
    for n, row in rows[1:]:
        entry, errors = _parse_row(row)
        if entry is not None and entry.date in seen:
            errors.append(f"{entry.date:%Y-%m-%d} 重复")
        problems += [f"第{n}行：{e}" for e in errors]
        if entry is not None:
            seen.add(entry.date)
            entries.append(entry)
    years = sorted({e.date.year for e in entries})
    if len(years) > 1:
        problems.append("一个文件只能有一年的日期，这个文件有：" + "、".join(map(str, years)))
    if not entries and not problems:
        problems.append("文件里没有日期")
    if problems:
        raise LoadError(problems)
    return years[0], entries


def _parse_row(row: list[str]) -> tuple[Entry | None, list[str]]:
    cells = [c.strip() for c in row] + ["", ""]
    if len(row) > 3:
        return None, [f"应有3列（日期、类型、节日），这一行有{len(row)}列"]
    date_text, kind_text, name = cells[:3]
    errors = []
    try:
        if not ISO_DATE.fullmatch(date_text):
            raise ValueError
        date = datetime.date.fromisoformat(date_text)
    except ValueError:
        date = None
        errors.append(f"日期“{date_text}”应写成 YYYY-MM-DD，例如 2027-02-06")
    kind = KINDS.get(kind_text.lower())
    if kind is None:
        errors.append(f"类型“{kind_text}”应为“放假”或“调休上班”")
    if len(name) > HolidayDay._meta.get_field("name").max_length:
        errors.append("节日名称太长")
    if date is None or kind is None:
        return None, errors
    errors += day_errors(date, kind, None)
    return Entry(date, kind, name), errors


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(["文件编码无法识别，请存为 UTF-8"])


@transaction.atomic
def replace_year(year: int, entries: list[Entry], source: str = "") -> HolidayYear:
    """Make ``entries`` the year's entered days, all or nothing, and send calendar_changed."""
    holiday_year, _ = HolidayYear.objects.get_or_create(year=year)
    if source:
        holiday_year.source = source
    holiday_year.save()
    holiday_year.days.all().delete()
    HolidayDay.objects.bulk_create(
        HolidayDay(holiday_year=holiday_year, date=e.date, kind=e.kind, name=e.name)
        for e in entries)
    changed(year)
    return holiday_year


def changed(year: int) -> None:
    """Tell the apps above that the year's working days may have moved."""
    calendar_changed.send(sender=HolidayYear, year=year)
