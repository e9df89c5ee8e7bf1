"""gongkai report --agency CODE --year YYYY --format json|html|docx [--output FILE]
gongkai report --load FILE

Builds an agency's annual report (a government's aggregate when the agency has agencies under
it), or loads a past year's published report from a JSON file in the same format."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongkai.catalog.models import Agency

from ...build import ReportFormatError, build, from_json, to_json
from ...checks import check
from ...models import FIRST_YEAR, LAST_YEAR, AnnualReport
from ...render import to_docx, to_page


class Command(BaseCommand):
    help = "生成政府信息公开工作年度报告（国办公开办函〔2021〕30号格式），或导入往年已公布的报告。"

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="机构代码（统一社会信用代码或组织机构代码）")
        parser.add_argument("--year", type=int, help="年度，如 2025")
        parser.add_argument("--format", choices=["json", "html", "docx"], default="json")
        parser.add_argument("--output", help="输出文件；省略时写到标准输出（docx 必须指定）")
        parser.add_argument("--load", metavar="FILE", help="导入往年已公布报告的 JSON 文件")

    def handle(self, *args, agency=None, year=None, format="json", output=None, load=None,
               **options):
        if load:
            return self._load(Path(load))
        if not agency or year is None:
            raise CommandError("请同时指定 --agency 机构代码 和 --year 年度（或用 --load 导入）。")
        if format == "docx" and not output:
            raise CommandError("DOCX 格式须用 --output 指定输出文件。")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"年度应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间，现为 {year}。")
        found = Agency.objects.filter(code=agency.strip().upper()).first()
        if found is None:
            raise CommandError(f"没有机构代码为“{agency}”的机构。")
        report = build(found, year, government=found.children.exists())
        for failure in check(report):
            self.stderr.write(f"勾稽校验未通过：{failure}")
        if format == "docx":
            Path(output).write_bytes(to_docx(report))
            return
        text = (json.dumps(to_json(report), ensure_ascii=False, indent=2) if format == "json"
                else to_page(report))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)

    def _load(self, path: Path):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            report = from_json(data)
        except OSError as e:
            raise CommandError(f"无法读取 {path}：{e.strerror}") from None
        except (ValueError, ReportFormatError) as e:
            raise CommandError(f"{path} 不是有效的年度报告 JSON：{e}") from None
        agency = Agency.objects.filter(code=report.agency_code.strip().upper()).first()
        if agency is None:
            raise CommandError(f"没有机构代码为“{report.agency_code}”的机构。")
        failures = check(report)
        if failures:
            raise CommandError("报告未通过勾稽校验，未导入：\n" + "\n".join(map(str, failures)))
        with transaction.atomic():
            saved, _ = AnnualReport.objects.update_or_create(
                agency=agency, year=report.year, defaults={"loaded": to_json(report)})
        self.stdout.write(f"已导入{saved}。")
