"""gongkai holidays load FILE | list [YEAR] | refresh [YEAR…]: the 放假/调休 days the clock
knows, and telling the apps above to count again after the package was upgraded.

The file format is in ``gongkai/workdays/entry.py`` and docs/workdays.md."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from gongkai.workdays import clock, entry


class Command(BaseCommand):
    help = ("工作日历：load 从文件载入一年的放假、调休上班日期；list 列出已知的年份或某年的日期；"
            "refresh 升级日历程序包后通知重新计算期限。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        text = "载入一年的放假、调休上班日期（CSV：date,kind,name），替换该年已录入的日期"
        p = sub.add_parser("load", help=text, description=text)
        p.add_argument("file", metavar="FILE")
        p.add_argument("--source", default="", help="依据，例如国务院办公厅通知的文号")
        text = "列出已知的年份；给出年份时列出该年的放假、调休上班日期"
        p = sub.add_parser("list", help=text, description=text)
        p.add_argument("year", nargs="?", type=int, metavar="YEAR")
        text = ("通知其他模块重新计算跨入这些年份的期限（升级 chinese-calendar 后运行）；"
                "默认今年和明年")
        p = sub.add_parser("refresh", help=text, description=text)
        p.add_argument("years", nargs="*", type=int, metavar="YEAR")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"do_{subcommand}")(**options)

    def do_load(self, file, source, **options):
        try:
            year, entries = entry.read_file(file)
        except entry.LoadError as error:
            raise CommandError(f"未载入 {file}：\n{error}", returncode=2) from error
        entry.replace_year(year, entries, source=source)
        off = sum(e.kind == "off" for e in entries)
        self.stdout.write(f"已载入{year}年：放假 {off} 天，调休上班 {len(entries) - off} 天。")

    def do_list(self, year=None, **options):
        if year is None:
            for known in clock.known_years():
                self.stdout.write(f"{known}\t{self._source(known)}")
            return
        days = clock.year_days(year)
        if days is None:
            raise CommandError(f"{year}年的放假、调休日期尚未录入：该年只按周末计算，"
                               "到期日标为“暂定”。", returncode=1)
        if not days:
            self.stdout.write(f"{year}年已录入，没有放假或调休上班日期（只按周末计算）。")
        for day in days:
            self.stdout.write("\t".join([f"{day.date:%Y-%m-%d}", "周" + "一二三四五六日"[
                day.date.weekday()], day.kind.label, day.name, day.source]))

    def do_refresh(self, years, **options):
        # Nothing is written: a newer package may know a year it did not, and whatever was
        # counted with weekends alone in it (provisional) must be counted again.
        this_year = timezone.localdate().year
        for year in years or [this_year, this_year + 1]:
            with transaction.atomic():
                entry.changed(year)
            state = "已知" if clock.year_known(year) else "仍未知，只按周末计算"
            self.stdout.write(f"已通知重新计算{year}年（{state}）。")

    @staticmethod
    def _source(year):
        days = clock.year_days(year) or []
        return days[0].source if days else "录入"
