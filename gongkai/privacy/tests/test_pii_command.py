"""`gongkai pii FILE|--document ID [--json]`: the findings, one per line, exit 1 when any."""

import json
import subprocess
import sys

from gongkai.documents import workflow
from gongkai.documents.models import Document
from gongkai.test import REPO_DIR, BaseTestCase, shared_path

ID = "11010519491231002X"
TEXT = f"申请人张三，身份证号{ID}，手机138 1234 5678。\n依据深府办〔2021〕3号，2021年12月31日，邮编518000。"


def gongkai(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO_DIR,
                          env={"GONGKAI_DEBUG": "True", "PATH": "/usr/bin:/bin"})


def test_it_prints_each_finding_masked_and_exits_1(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = gongkai("pii", path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["姓名", "文件第4字", "张*"]
    assert lines[1].split("\t")[:3] == ["身份证号", "文件第11字", "1101**********002X"]
    assert lines[2].split("\t")[:3] == ["手机号", "文件第32字", "138 **** 5678"]
    assert lines[-1] == "发现 3 处可能的个人信息。"
    assert ID not in result.stdout and "1234 5678" not in result.stdout  # masked in context too


def test_json_lists_kind_position_value_masked_and_context(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(f"<html><body><table><tr><td>2021</td><td>{ID}</td></tr></table>"
                    "</body></html>", encoding="gb18030")
    found = json.loads(gongkai("pii", "--json", path).stdout)
    assert [(f["kind"], f["text"], f["masked"]) for f in found] == [
        ("id_card", ID, "1101**********002X")]
    assert set(found[0]) >= {"source", "label", "start", "end", "context", "masked_context"}


def test_it_exits_0_on_a_page_without_personal_data():
    result = gongkai("pii", shared_path("seed", "seed-page.txt"))
    assert result.returncode == 0 and "发现 0 处" in result.stdout


def test_bad_input_exits_2(tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01" * 100)
    result = gongkai("pii", binary)
    assert result.returncode == 2 and "不是文本文件" in result.stderr
    result = gongkai("pii", tmp_path / "missing.txt")
    assert result.returncode == 2 and "missing.txt" in result.stderr
    assert gongkai("pii").returncode == 2  # neither a file nor --document


class DocumentCommandTestCase(BaseTestCase):
    def test_a_catalogue_document_by_id_with_the_field_of_each_finding(self):
        from io import StringIO

        import pytest
        from django.core.management import CommandError, call_command

        doc = workflow.create(Document(title="公示", agency=self.cuizhu, body=f"<p>{ID}</p>",
                                       abstract="联系手机13812345678"))
        out = StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("pii", "--document", str(doc.pk), "--json", stdout=out)
        assert exit_.value.code == 1
        assert [(f["source"], f["kind"]) for f in json.loads(out.getvalue())] == [
            ("内容概述", "mobile"), ("正文", "id_card")]
        call_command("pii", "--document", str(self.summary.pk), stdout=out)  # none: exit 0
        with pytest.raises(CommandError) as error:
            call_command("pii", "--document", "999999")
        assert error.value.returncode == 2
