"""What `gongkai check` and `gongkai pii` share: one target, a FILE (a page, extracted first) or
a catalogue record (--document ID or 索引号), an optional --json listing, exit status 2 for a
target that cannot be read."""

import json

from django.core.management.base import BaseCommand, CommandError

from .extract import ExtractError, file_text


class TextCheckCommand(BaseCommand):
    json_help = "以 JSON 输出"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("file", nargs="?", metavar="FILE", help="页面或文本文件")
        target.add_argument("--document", metavar="ID", help="目录中信息的编号或索引号")
        parser.add_argument("--json", action="store_true", help=self.json_help)

    @staticmethod
    def document(ref: str, queryset=None):
        """The catalogue record numbered or indexed ``ref``."""
        from gongkai.documents.models import Document

        lookup = {"pk": int(ref)} if ref.isdigit() else {"index_no": ref}
        try:
            return (queryset or Document.objects).get(**lookup)
        except Document.DoesNotExist:
            raise CommandError(f"目录中没有信息 {ref}", returncode=2)

    @staticmethod
    def file_text(path: str, record_text) -> str:
        """The text of the page (``record_text`` of what it extracts to) or text file ``path``."""
        try:
            return file_text(path, record_text)
        except ExtractError as e:
            raise CommandError(f"{path}: {e.reason}", returncode=2)

    @staticmethod
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)
