"""The clock: Chinese working days, decided here and nowhere else.

A working day is Monday to Friday, minus the 放假 days, plus the 调休上班 weekend days of the
State Council's yearly notice. Where a year's days come from is decided in ``_Calendar``:

1. a year staff entered (admin or ``gongkai holidays load``; ``models.HolidayYear``) — it wins;
2. else the ``chinese-calendar`` package, which knows the notices up to its release;
3. else nobody knows the year: weekends alone count, and any ``Due`` whose count crosses it is
   ``provisional`` (recomputed when the year is entered: ``signals.calendar_changed``).

Day 1 of a count is the first working day *after* the start (条例 art. 31–33: the day of
receipt is not counted).
"""

import datetime
import operator
from dataclasses import dataclass
from functools import cache

import chinese_calendar

from .models import DayKind, HolidayYear

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Due:
    date: datetime.date
    provisional: bool  # True when a year the count crosses has no 放假/调休 dates known yet


@dataclass(frozen=True)
class KnownDay:
    """One 放假 or 调休上班 day of a known year, and who knows it."""
    date: datetime.date
    kind: DayKind
    name: str
    source: str  # "录入" (entered by staff) or "程序自带" (the package)


def add_working_days(start: datetime.date, days: int) -> Due:
    """The date `days` working days after `start`: day 1 is the first working day after `start`."""
    _check_date(start)
    days = operator.index(days)  # a whole number: a float such as 1.5 would never reach 0
    if days < 0:
        raise ValueError("days must not be negative")
    calendar, day, provisional = _Calendar(), start, False
    while days:
        day += ONE_DAY
        provisional = provisional or not calendar.known(day.year)
        days -= calendar.is_working_day(day)
    return Due(day, provisional)


def is_working_day(day: datetime.date) -> bool:
    _check_date(day)
    return _Calendar().is_working_day(day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days d satisfy start < d <= end (0 when end <= start)."""
    _check_date(start)
    _check_date(end)
    calendar = _Calendar()
    return sum(calendar.is_working_day(start + ONE_DAY * n)
               for n in range(1, (end - start).days + 1))


def year_known(year: int) -> bool:
    return _Calendar().known(year)


def known_years() -> list[int]:
    """Every year whose 放假/调休 days are known, entered or from the package."""
    entered = HolidayYear.objects.values_list("year", flat=True)
    return sorted(set(entered) | set(package_years()))


def year_days(year: int) -> list[KnownDay] | None:
    """A known year's 放假 and 调休上班 days as the clock uses them; None when unknown."""
    days = _Calendar().year(year)
    return None if days is None else sorted(days.values(), key=lambda d: d.date)


def package_years() -> list[int]:
    """The years the ``chinese-calendar`` package knows (entered years may override them)."""
    return sorted(_package_days())


def package_year_days(year: int) -> list[KnownDay]:
    """The package's 放假 and 调休上班 days of ``year`` (empty when it does not know it)."""
    return sorted(_package_days().get(year, {}).values(), key=lambda d: d.date)


def _check_date(value) -> None:
    # A datetime is a date too, but comparing it with dates fails later and far away.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")


class _Calendar:
    """The calendar as one call sees it: each entered year read once (one query)."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, KnownDay] | None] = {}

    def year(self, year: int) -> dict[datetime.date, KnownDay] | None:
        if year not in self._years:
            self._years[year] = _entered_year(year)
            if self._years[year] is None:
                self._years[year] = _package_days().get(year)
        return self._years[year]

    def known(self, year: int) -> bool:
        return self.year(year) is not None

    def is_working_day(self, day: datetime.date) -> bool:
        special = (self.year(day.year) or {}).get(day)
        if special is not None:
            return special.kind == DayKind.WORK
        return day.weekday() < 5


def _entered_year(year: int) -> dict[datetime.date, KnownDay] | None:
    # One LEFT JOIN: no row means not entered; a row of Nones is a year entered with no days.
    rows = list(HolidayYear.objects.filter(year=year)
                .values_list("days__date", "days__kind", "days__name"))
    if not rows:
        return None
    return {date: KnownDay(date, DayKind(kind), name, "录入")
            for date, kind, name in rows if date is not None}


@cache
def _package_days() -> dict[int, dict[datetime.date, KnownDay]]:
    """The package's data by year. Every year between its first and last is known (a year
    with no special days would still be a known year)."""
    def chinese(name):
        try:
            return chinese_calendar.Holiday(name).chinese
        except ValueError:
            return name

    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    years: dict[int, dict[datetime.date, KnownDay]] = {y: {} for y in range(first, last + 1)}
    for table, kind in ((chinese_calendar.holidays, DayKind.OFF),
                        (chinese_calendar.workdays, DayKind.WORK)):
        for date, name in table.items():
            years[date.year][date] = KnownDay(date, kind, chinese(name), "程序自带")
    return years
