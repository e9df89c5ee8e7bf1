import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.catalog.models import Agency
from gongkai.importers.export import FORMATS, public_documents, write, write_dump


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since 应为日期 YYYY-MM-DD，而不是 {value!r}")


class Command(BaseCommand):
    help = ("导出已公开的政府信息（全部编目字段和正文）为 JSON Lines 或 CSV；"
            "JSON Lines 可由 gongkai import 原样导入。--dump 在 DATA_DIR/exports 写入每日压缩包，"
            "供 /exports/ 下载。")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="jsonl", help="默认 jsonl")
        parser.add_argument("--agency", metavar="CODE", help="只导出该机构代码的发布机构的信息")
        parser.add_argument("--since", metavar="YYYY-MM-DD", type=_date,
                            help="只导出发布日期在该日及以后的信息")
        parser.add_argument("--output", metavar="FILE", help="写入文件（默认标准输出）")
        parser.add_argument("--dump", action="store_true",
                            help="写入 DATA_DIR/exports/gongkai-日期.格式.gz（全部信息，原子替换）")

    def handle(self, *args, format, agency, since, output, dump, **options):
        if dump:
            if agency or since or output:
                raise CommandError("--dump 导出全部信息，不能与 --agency、--since、--output 同用")
            path, count = write_dump(format)
            self.stderr.write(f"已导出 {count} 条信息到 {path}")
            return
        if agency and not Agency.objects.filter(code=agency.strip().upper()).exists():
            raise CommandError(f"目录中没有机构代码为 {agency} 的发布机构")
        documents = public_documents(agency, since)
        if not output:
            count = write(documents, self.stdout, format)
        else:
            # Written beside the target and renamed: an interrupted export leaves no half file.
            target = Path(output)
            partial = target.with_name(f".{target.name}.partial")
            try:
                with open(partial, "w", encoding="utf-8", newline="") as out:
                    count = write(documents, out, format)
                partial.replace(target)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(f"无法写入 {output}：{error.strerror or error}")
        self.stderr.write(f"已导出 {count} 条信息")
