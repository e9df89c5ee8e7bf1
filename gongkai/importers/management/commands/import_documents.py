from django.core.management.base import BaseCommand

from gongkai.importers.report import print_summary
from gongkai.importers.run import import_paths


class Command(BaseCommand):
    help = "导入政府信息页面（文件或文件夹）到公开目录；同一索引号更新而不重复。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="页面文件或文件夹")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument("--agency", metavar="CODE", help="页面未注明发布机构时使用的机构代码")

    def handle(self, *args, paths, dry_run, agency, **options):
        summary = import_paths(paths, agency_code=agency, dry_run=dry_run,
                               progress=options["verbosity"] > 0)
        print_summary(summary, self.stdout, dry_run=dry_run)
