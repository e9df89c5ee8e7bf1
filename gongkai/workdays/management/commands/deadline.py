"""gongkai deadline YYYY-MM-DD [--days N]: the date N working days after a date.

The output is a contract (docs/workdays.md): one line, ``YYYY-MM-DD``, followed by
`` provisional`` when a year the count crosses has no 放假/调休 days known yet."""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError

from gongkai.workdays import clock


class Command(BaseCommand):
    help = ("打印某日之后第 N 个工作日（默认 20，第 1 天为该日之后的第一个工作日）；"
            "跨入尚未录入放假安排的年份时，日期后加 provisional。")

    def add_arguments(self, parser):
        parser.add_argument("date", metavar="YYYY-MM-DD", help="起算日（例如收到申请之日）")
        parser.add_argument("--days", default="20", metavar="N", help="工作日天数，默认 20")

    def handle(self, *args, date, days, **options):
        start = parse_date(date)
        if not re.fullmatch(r"\d{1,5}", days.strip()):
            raise CommandError(f"--days 应为不小于 0 的整数，而不是“{days}”", returncode=2)
        try:
            due = clock.add_working_days(start, int(days))
        except OverflowError as error:
            raise CommandError("日期超出范围", returncode=2) from error
        self.stdout.write(f"{due.date:%Y-%m-%d}" + (" provisional" if due.provisional else ""))


def parse_date(text: str) -> datetime.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"日期“{text}”无效，应写成 YYYY-MM-DD，例如 2026-12-15",
                           returncode=2) from None
