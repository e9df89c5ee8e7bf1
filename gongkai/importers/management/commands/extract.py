import json
import sys

from django.core.management.base import BaseCommand

from gongkai.importers.extract import ExtractError, extract

# The contract other tools read: exactly these keys, in this order.
FIELDS = ["index_no", "category", "publisher", "written_on", "title", "doc_no", "published_on",
          "subject_terms", "abstract", "body_text"]


class Command(BaseCommand):
    help = "识别一个页面文件中的政府信息字段，以 JSON 输出（不访问数据库）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        try:
            record = extract(file)
        except (ExtractError, OSError) as e:
            self.stderr.write(f"{file}: {e}".splitlines()[0])
            sys.exit(1)
        output = {key: record.get(key) for key in FIELDS}
        output["subject_terms"] = output["subject_terms"] or []
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
