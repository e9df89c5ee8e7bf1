"""gongkai applications tick|recompute|table3: the register's daily run and its report."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts.roles import RoleError, find_agency
from gongkai.applications import cases, stats


class Command(BaseCommand):
    help = "依申请公开：tick 每日终止逾期未补正、未缴费的申请；recompute 重新计算答复期限；table3 年度报告表三。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        p = sub.add_parser("tick", help="终止补正期限或缴费期限已过的申请（每日运行）")
        p.add_argument("--date", help="按这一天运行（YYYY-MM-DD，默认今天）")
        p = sub.add_parser("recompute", help="按当前日历重新计算所有办理中申请的答复期限")
        p.add_argument("--year", type=int, default=0, help="在办理记录中注明的年份")
        p = sub.add_parser("table3", help="打印年度报告表三（收到和处理政府信息公开申请情况）")
        p.add_argument("--agency", action="append", required=True, metavar="CODE_OR_NAME")
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"do_{subcommand}")(**options)

    def do_tick(self, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}")
        closed = cases.tick(today)
        for app in closed:
            self.stdout.write(f"{app.tracking_code} {app.agency.name}：{app.get_outcome_display()}")
        self.stdout.write(f"终止办理 {len(closed)} 件。")

    def do_recompute(self, year=0, **options):
        changed = cases.recompute_year(year or dt.date.today().year)
        self.stdout.write(f"答复期限变更 {changed} 件。")

    def do_table3(self, agency, year, as_json=False, **options):
        try:
            agencies = [find_agency(a) for a in agency]
        except RoleError as error:
            raise CommandError(str(error))
        table = stats.table3(agencies, year)
        if as_json:
            rows = [{"row": list(row), **counts} for row, counts in table.items()]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        self.stdout.write("\t".join(["项目", *stats.COLUMNS]))
        for row, counts in table.items():
            self.stdout.write("\t".join([" ".join(row), *(str(counts[c]) for c in stats.COLUMNS)]))

