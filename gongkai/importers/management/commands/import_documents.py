from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, DjangoHelpFormatter

from gongkai.importers.import_files import import_paths
from gongkai.importers.load import BODY_LIMIT
from gongkai.importers.report import print_summary
from gongkai.lib.source_records import EARLIEST_PUBLISHED, OTHER_DATES

RULES = f"""\
规则（详见 docs/importing.md）：
  - 同一条信息再次导入时更新而不重复：有索引号的按索引号识别；没有的按来源地址，
    或发布机构+文号+名称，或发布机构+名称+发布日期识别。
  - 有发布日期的信息按发布流程发布（保留原发布日期，分配索引号）；没有发布日期的
    导入为草稿，不公开、不分配索引号，在导入结果中单独列出。
  - 发布日期须在 {EARLIEST_PUBLISHED} 至今后一年之内，成文日期、施行日期须在
    {OTHER_DATES[0]} 至 {OTHER_DATES[1]} 之间；正文不超过 {BODY_LIMIT:,} 字符。
    不符合的记录跳过并说明原因，其余照常导入。
  - 页面未注明的发布机构用 --agency 指定；新出现的发布机构自动创建并标记待完善，
    索引号以有效机构代码开头且该代码未被占用时，新机构采用该代码。"""


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = "导入政府信息页面（文件或文件夹）到公开目录；同一条信息再次导入时更新而不重复。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, epilog=RULES, **kwargs)
        parser.formatter_class = _HelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="页面文件或文件夹")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument("--agency", metavar="CODE", help="页面未注明发布机构时使用的机构代码")

    def handle(self, *args, paths, dry_run, agency, **options):
        summary = import_paths(paths, agency_code=agency, dry_run=dry_run,
                               progress=options["verbosity"] > 0)
        print_summary(summary, self.stdout, dry_run=dry_run)
