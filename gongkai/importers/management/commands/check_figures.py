import sys

from gongkai.checks.documents import document_text, record_text
from gongkai.checks.figures import INCONSISTENT, check_text
from gongkai.importers.check_command import TextCheckCommand

# `gongkai check`: in the importers app because checking a FILE means extracting its page
# first; 数据核验 itself (gongkai.checks) knows nothing of pages or files.


class Command(TextCheckCommand):
    help = "数据核验：找出文中对不上的数字（总数与分项、比率与占比、同比变化）。有不一致时退出状态为 1，出错为 2。"
    json_help = "以 JSON 输出核验过的每一处关系"

    def handle(self, *args, file=None, document=None, json=False, **options):
        text = (document_text(self.document(document)) if document
                else self.file_text(file, record_text))
        findings = check_text(text)
        if json:
            self.stdout.write(self.dumps([f.to_dict() for f in findings]))
        else:
            self._print(findings)
        if any(f.status == INCONSISTENT for f in findings):
            sys.exit(1)

    def _print(self, findings) -> None:
        bad = [f for f in findings if f.status == INCONSISTENT]
        for f in bad:
            self.stdout.write(f"不一致：{f.message}（{f.claim}，相差 {f.difference}）\n"
                              f"  原句：{f.sentence}\n")
        self.stdout.write(f"核验 {len(findings)} 处数字关系：一致 {len(findings) - len(bad)} 处，"
                          f"不一致 {len(bad)} 处。\n")

