import json
import subprocess
import sys

import pytest

from gongkai.test import REPO_DIR, BaseTestCase, shared_path

ROUND = "共受理群众信访件1786件，已办结1729件，办结率96.8%。"
WRONG = "截至目前已受理群众诉求1080宗，其中已化解1062件，待受理14宗，化解中1宗，继续研究3宗，成功率为98.30%。"


def gongkai(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO_DIR,
                          env={"GONGKAI_DEBUG": "True", "PATH": "/usr/bin:/bin"})


@pytest.fixture
def text_file(tmp_path):
    def write(text, name="report.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


def test_it_exits_0_when_every_figure_adds_up(text_file):
    result = gongkai("check", text_file(ROUND))
    assert result.returncode == 0
    assert "一致 1 处，不一致 0 处" in result.stdout


def test_it_exits_1_and_names_the_inconsistent_claim(text_file):
    result = gongkai("check", text_file(ROUND + WRONG))
    assert result.returncode == 1
    assert "成功率 98.30% = 1062 / 1080" in result.stdout and "计算得 98.33" in result.stdout


def test_it_says_in_chinese_what_does_not_add_up(text_file):
    result = gongkai("check", text_file("全年共排查安全隐患120处，其中重大隐患50处，一般隐患80处。"
                                        "全年受理申请325件，上年为250件，比上年增长35%。"))
    assert result.returncode == 1
    assert "不一致：分项合计 130 处，超过总数 120 处（120处 = 50 + 80，相差 10）" in result.stdout
    assert "不一致：文中增长 35%，按本期 325件、上期 250件 计算得增长 30%" in result.stdout


def test_json_lists_every_relation_checked(text_file):
    result = gongkai("check", "--json", text_file(ROUND + WRONG))
    relations = json.loads(result.stdout)
    assert [(r["stated"], r["computed"], r["status"]) for r in relations] == [
        (96.8, 96.81, "consistent"), (1080, 1080, "consistent"), (98.3, 98.33, "inconsistent")]
    assert set(relations[0]) >= {"sentence", "claim", "stated", "computed", "status"}


def test_it_reports_a_binary_file_as_an_error(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00\x01" * 100)
    result = gongkai("check", path)
    assert result.returncode == 2 and "不是文本文件" in result.stderr


def test_it_checks_the_seed_page():
    result = gongkai("check", "--json", shared_path("seed", "seed-page.txt"))
    bad = [r["claim"] for r in json.loads(result.stdout) if r["status"] == "inconsistent"]
    assert result.returncode == 1
    assert bad == ["1590人次 = 1375 + 766", "成功率 98.30% = 1062 / 1080"]


class CheckDocumentTestCase(BaseTestCase):
    def test_it_checks_a_catalogue_document_by_id_or_index_no(self):
        import io

        from django.core.management import call_command

        self.summary.body = f"<p>{WRONG}</p>"
        self.summary.save()
        for ref in (str(self.summary.pk), self.summary.index_no):
            out = io.StringIO()
            with pytest.raises(SystemExit) as exit_info:
                call_command("check_figures", "--document", ref, stdout=out)
            assert exit_info.value.code == 1
            assert "不一致 1 处" in out.getvalue()
