from django.core.management.base import BaseCommand

from gongkai.documents.counts import recount
from gongkai.documents.maintenance import update_statistics
from gongkai.documents.search import ensure_indexes


class Command(BaseCommand):
    help = ("更新数据库统计信息（ANALYZE），使目录列表和首页查询走正确的索引，并重新核对各机构的"
            "信息数。建议每天运行一次，批量改动数据之后也运行一次。")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        ensure_indexes()
        update_statistics(database)
        recount()
        self.stdout.write("数据库统计信息和各机构信息数已更新。")
