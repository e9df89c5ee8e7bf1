import sys

from gongkai.importers.check_command import TextCheckCommand
from gongkai.lib.pii import find_pii, html_text
from gongkai.privacy.review import findings

# `gongkai pii`: in the importers app because checking a FILE means extracting its page
# first (as `gongkai check` does); the privacy review itself (gongkai.privacy) knows nothing
# of pages or files.


class Command(TextCheckCommand):
    help = "个人信息检查：找出身份证号、手机号、银行卡号等个人信息。发现时退出状态为 1，出错为 2。"
    json_help = "以 JSON 列出每一处"

    def handle(self, *args, file=None, document=None, json=False, **options):
        if document:
            from gongkai.documents.models import Document

            doc = self.document(document, Document.objects.select_related("agency"))
            found = [(f.source, f.finding) for f in findings(doc)]
        else:
            found = [("文件", f) for f in find_pii(self.file_text(file, _record_text))]
        if json:
            self.stdout.write(self.dumps([{"source": source, **f.to_dict()} for source, f in found]))
        else:
            for source, f in found:
                self.stdout.write(f"{f.label}\t{source}第{f.start + 1}字\t{f.masked}\t"
                                  f"{f.masked_context}")
            self.stdout.write(f"发现 {len(found)} 处可能的个人信息。")
        if found:
            sys.exit(1)


def _record_text(record: dict) -> str:
    """A page's title, abstract and body, its table cells kept apart."""
    body = record.get("body_text") or html_text(record.get("body_html") or "")
    return "\n".join(filter(None, [record.get("title"), record.get("abstract"), body]))

