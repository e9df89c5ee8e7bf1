import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.checks.documents import document_text, record_text
from gongkai.checks.figures import INCONSISTENT, check_text
from gongkai.importers.extract import ExtractError, decode, extract

# `gongkai check`: in the importers app because checking a FILE means extracting its page
# first; 数据核验 itself (gongkai.checks) knows nothing of pages or files.


class Command(BaseCommand):
    help = "数据核验：找出文中对不上的数字（总数与分项、比率与占比、同比变化）。有不一致时退出状态为 1，出错为 2。"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("file", nargs="?", metavar="FILE", help="页面或文本文件")
        target.add_argument("--document", metavar="ID", help="目录中信息的编号或索引号")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出核验过的每一处关系")

    def handle(self, *args, file=None, document=None, json=False, **options):
        findings = check_text(self._document_text(document) if document else _file_text(file))
        if json:
            self.stdout.write(_dumps([f.to_dict() for f in findings]))
        else:
            self._print(findings)
        if any(f.status == INCONSISTENT for f in findings):
            sys.exit(1)

    def _document_text(self, ref: str) -> str:
        from gongkai.documents.models import Document

        lookup = {"pk": int(ref)} if ref.isdigit() else {"index_no": ref}
        try:
            return document_text(Document.objects.get(**lookup))
        except Document.DoesNotExist:
            raise CommandError(f"目录中没有信息 {ref}", returncode=2)

    def _print(self, findings) -> None:
        bad = [f for f in findings if f.status == INCONSISTENT]
        for f in bad:
            self.stdout.write(f"不一致：{f.message}（{f.claim}，相差 {f.difference}）\n"
                              f"  原句：{f.sentence}\n")
        self.stdout.write(f"核验 {len(findings)} 处数字关系：一致 {len(findings) - len(bad)} 处，"
                          f"不一致 {len(bad)} 处。\n")


def _file_text(path: str) -> str:
    """A page's title, abstract and body; any other text file as it is."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise CommandError(f"{path}: {e.strerror}", returncode=2)
    try:
        return record_text(extract(path))
    except ExtractError:
        pass
    try:
        # The extractor's judgement of text: a stray NUL byte is dropped, a binary file refused.
        return decode(data).replace("\x00", "")
    except ExtractError as e:
        raise CommandError(f"{path}: 不是文本文件（{e.reason}）", returncode=2)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
