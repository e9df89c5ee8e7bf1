"""The years of 放假/调休 days that staff enter (in the admin or by ``gongkai holidays load``).

An entered year replaces the ``chinese-calendar`` package's data for that year wholesale:
it is the State Council's notice as staff read it, so it wins (see ``clock.py``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models

YEARS = range(1950, 2200)  # what a notice can be about; outside is a typo


class DayKind(models.TextChoices):
    OFF = "off", "放假"
    WORK = "work", "调休上班"


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField(
        "年份", unique=True, help_text="录入后，本年的工作日以下列日期为准（优先于程序自带的日历）。")
    source = models.CharField(
        "依据", max_length=300, blank=True,
        help_text="例如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "节假日年份"

    def __str__(self):
        return f"{self.year}年"

    def clean(self):
        if self.year is not None and self.year not in YEARS:
            raise ValidationError({"year": f"年份应在{YEARS[0]}至{YEARS[-1]}之间"})


class HolidayDay(models.Model):
    holiday_year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, related_name="days",
                                     verbose_name="年份")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=DayKind.choices)
    name = models.CharField("节日", max_length=50, blank=True, help_text="例如：春节、国庆节")

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "放假或调休日期"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self):
        try:  # in the admin's inline, the (maybe unsaved) year is attached before validation
            year = self.holiday_year.year
        except HolidayYear.DoesNotExist:
            year = None
        errors = day_errors(self.date, self.kind, year)
        if errors:
            raise ValidationError({"date": errors})


def day_errors(date: datetime.date | None, kind: str, year: int | None) -> list[str]:
    """Why a 放假/调休 entry cannot be right; shared by the admin form and the file loader."""
    if date is None:
        return []
    errors = []
    if date.year not in YEARS:
        errors.append(f"{date.isoformat()} 的年份应在{YEARS[0]}至{YEARS[-1]}之间")
    if year is not None and date.year != year:
        errors.append(f"{date.isoformat()} 不在{year}年")
    if kind == DayKind.WORK and date.weekday() < 5:
        errors.append(f"{date.isoformat()} 是周{'一二三四五'[date.weekday()]}，本来就上班，不是调休上班日")
    return errors
