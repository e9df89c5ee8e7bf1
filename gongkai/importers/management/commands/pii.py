import json
import sys

from django.core.management.base import BaseCommand, CommandError

from gongkai.importers.extract import ExtractError, file_text
from gongkai.lib.pii import find_pii, html_text
from gongkai.privacy.review import findings

# `gongkai pii`: in the importers app because checking a FILE means extracting its page
# first (as `gongkai check` does); the privacy review itself (gongkai.privacy) knows nothing
# of pages or files.


class Command(BaseCommand):
    help = "个人信息检查：找出身份证号、手机号、银行卡号等个人信息。发现时退出状态为 1，出错为 2。"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("file", nargs="?", metavar="FILE", help="页面或文本文件")
        target.add_argument("--document", metavar="ID", help="目录中信息的编号或索引号")
        parser.add_argument("--json", action="store_true", help="以 JSON 列出每一处")

    def handle(self, *args, file=None, document=None, json=False, **options):
        if document:
            found = [(f.source, f.finding) for f in findings(self._document(document))]
        else:
            found = [("文件", f) for f in find_pii(_file_text(file))]
        if json:
            self.stdout.write(_dumps([{"source": source, **f.to_dict()} for source, f in found]))
        else:
            for source, f in found:
                self.stdout.write(f"{f.label}\t{source}第{f.start + 1}字\t{f.masked}\t"
                                  f"{f.masked_context}")
            self.stdout.write(f"发现 {len(found)} 处可能的个人信息。")
        if found:
            sys.exit(1)

    def _document(self, ref: str):
        from gongkai.documents.models import Document

        lookup = {"pk": int(ref)} if ref.isdigit() else {"index_no": ref}
        try:
            return Document.objects.select_related("agency").get(**lookup)
        except Document.DoesNotExist:
            raise CommandError(f"目录中没有信息 {ref}", returncode=2)


def _file_text(path: str) -> str:
    try:
        return file_text(path, _record_text)
    except ExtractError as e:
        raise CommandError(f"{path}: {e.reason}", returncode=2)


def _record_text(record: dict) -> str:
    """A page's title, abstract and body, its table cells kept apart."""
    body = record.get("body_text") or html_text(record.get("body_html") or "")
    return "\n".join(filter(None, [record.get("title"), record.get("abstract"), body]))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
