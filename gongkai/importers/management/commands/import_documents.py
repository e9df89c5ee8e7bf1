from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, DjangoHelpFormatter

from gongkai.accounts import audit
from gongkai.accounts.models import AuditAction
from gongkai.importers.bulk import BULK_THRESHOLD, counts_as_bulk, import_paths_bulk
from gongkai.importers.import_files import import_paths
from gongkai.importers.load import BODY_LIMIT, as_drafts
from gongkai.importers.report import print_summary
from gongkai.lib.source_records import EARLIEST_PUBLISHED, OTHER_DATES

RULES = f"""\
规则（详见 docs/importing.md）：
  - 同一条信息再次导入时更新而不重复：有索引号的按索引号识别；没有的按来源地址，
    或发布机构+文号+名称，或发布机构+名称+发布日期识别。
  - 有发布日期的信息按发布流程发布（保留原发布日期，分配索引号）；没有发布日期的
    导入为草稿，不公开、不分配索引号，在导入结果中单独列出。
  - --draft：全部导入为草稿（保留原发布日期），送审、审核通过后才公开；已发布信息
    的更新保存为待审修改，审核通过前公开页面不变。
  - 发布日期须在 {EARLIEST_PUBLISHED} 至今后一年之内，成文日期、施行日期须在
    {OTHER_DATES[0]} 至 {OTHER_DATES[1]} 之间；正文不超过 {BODY_LIMIT:,} 字符。
    不符合的记录跳过并说明原因，其余照常导入。
  - 页面未注明的发布机构用 --agency 指定；新出现的发布机构自动创建并标记待完善，
    索引号以有效机构代码开头且该代码未被占用时，新机构采用该代码。
  - --bulk：批量导入（每批 1,000 条一个事务，各 CPU 核并行解析和核验，导入完成后统一
    建立检索索引）；记录数达到 {BULK_THRESHOLD:,} 条时自动采用，--no-bulk 则逐条导入。"""


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
        parser.add_argument("--draft", action="store_true",
                            help="导入为草稿，经送审、审核后才公开；已发布信息的更新作为待审修改，"
                                 "审核通过前公开页面不变")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--bulk", action="store_true", default=None,
                          help=f"批量导入（记录数达到 {BULK_THRESHOLD:,} 条时自动采用）")
        mode.add_argument("--no-bulk", dest="bulk", action="store_false", help="逐条导入")

    def handle(self, *args, paths, dry_run, agency, draft, bulk=None, **options):
        if bulk is None:
            bulk = counts_as_bulk(paths)
        engine = import_paths_bulk if bulk else import_paths
        with as_drafts(draft):
            summary = engine(paths, agency_code=agency, dry_run=dry_run,
                             progress=options["verbosity"] > 0)
        print_summary(summary, self.stdout, dry_run=dry_run)
        if draft and (summary.created or summary.updated):
            self.stdout.write("以上信息均为草稿（已发布信息的更新为待审修改），在管理后台送审、"
                              "审核后才公开。")
        if not dry_run and (summary.created or summary.updated):
            audit.record(AuditAction.IMPORT, user=audit.command_line_user(), object_type="import",
                         object_repr=" ".join(map(str, paths))[:500],
                         detail=f"新增 {summary.created} 条，更新 {summary.updated} 条"
                                + ("（草稿）" if draft else ""))

