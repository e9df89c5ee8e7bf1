"""Loading a year from a file, and the two commands, ``gongkai holidays`` and ``gongkai deadline``."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.workdays import clock, entry
from gongkai.workdays.models import HolidayDay, HolidayYear
from gongkai.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db
GOOD = "date,kind,name\n2027-01-01,放假,元旦\n2027-02-06,调休上班,春节\n"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_bad_file_names_every_fault_by_line_and_loads_nothing(tmp_path):
    entry.replace_year(2027, entry.parse(GOOD)[1])
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2027-01-01,放假,元旦\n2027-13-01,放假,\n"
                   "2027-01-04,调休上班,元旦\n2027-01-01,放假,元旦\n2027/02/07,休假,\n", "utf-8")
    with pytest.raises(entry.LoadError) as caught:
        entry.read_file(bad)
    assert caught.value.problems == [
        "第3行：日期“2027-13-01”应写成 YYYY-MM-DD，例如 2027-02-06",
        "第4行：2027-01-04 是周一，本来就上班，不是调休上班日",
        "第5行：2027-01-01 重复",
        "第6行：日期“2027/02/07”应写成 YYYY-MM-DD，例如 2027-02-06",
        "第6行：类型“休假”应为“放假”或“调休上班”",
    ]
    with pytest.raises(CommandError) as caught:
        run("holidays", "load", str(bad))
    assert caught.value.returncode == 2 and "第3行" in str(caught.value)
    # What was entered before is untouched.
    assert sorted(HolidayDay.objects.values_list("date", flat=True)) == [
        datetime.date(2027, 1, 1), datetime.date(2027, 2, 6)]


@pytest.mark.parametrize("text, problem", [
    ("", "第一行应为表头"),
    ("2027-01-01,放假,元旦\n", "第一行应为表头"),
    ("date,kind,name\n", "文件里没有日期"),
    ("date,kind,name\n2026-12-31,放假,\n2027-01-01,放假,\n", "一个文件只能有一年的日期"),
    ("date,kind,name\n2027-01-01,放假,元旦,多余\n", "应有3列"),
    ("date,kind,name\n0207-01-01,放假,\n", "0207-01-01 的年份应在1950至2199之间"),
])
def test_files_that_cannot_be_loaded(text, problem):
    with pytest.raises(entry.LoadError) as caught:
        entry.parse(text)
    assert problem in str(caught.value)


def test_a_receiver_that_fails_rolls_the_load_back():
    def refuse(sender, year, **kwargs):
        raise RuntimeError("the case register could not recompute")

    calendar_changed.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            entry.replace_year(2027, entry.parse(GOOD)[1])
    finally:
        calendar_changed.disconnect(refuse)
    assert not HolidayYear.objects.exists() and not clock.year_known(2027)


def test_load_and_list_commands(tmp_path):
    path = tmp_path / "2027.csv"
    # As Excel saves it: GB18030, Chinese header, Windows line ends.
    path.write_bytes("日期,类型,节日\r\n2027-01-01,放假,元旦\r\n2027-02-06,调休上班,春节\r\n"
                     .encode("gb18030"))
    assert run("holidays", "load", str(path), "--source", "测试") == "已载入2027年：放假 1 天，调休上班 1 天。\n"
    assert HolidayYear.objects.get().source == "测试"
    assert run("holidays", "list", "2027") == (
        "2027-01-01\t周五\t放假\t元旦\t录入\n2027-02-06\t周六\t调休上班\t春节\t录入\n")
    listing = run("holidays", "list").splitlines()
    assert listing[0] == "2004\t程序自带" and listing[-2:] == ["2026\t程序自带", "2027\t录入"]
    assert "2026-10-10\t周六\t调休上班\t国庆节\t程序自带" in run("holidays", "list", "2026")
    with pytest.raises(CommandError, match="2028年的放假、调休日期尚未录入"):
        run("holidays", "list", "2028")
    with pytest.raises(CommandError) as caught:
        run("holidays", "load", str(tmp_path / "missing.csv"))
    assert "无法读取文件" in str(caught.value)


def test_deadline_command_output_is_the_documented_contract():
    # Worked out in test_clock: 2025-01-20 + 20 → 2025-02-21; 2026-12-20 + 20 runs into 2027.
    assert run("deadline", "2025-01-20") == "2025-02-21\n"
    assert run("deadline", "2026-12-20") == "2027-01-15 provisional\n"
    # 2025-09-30 + 7 (the 补正 notice): 9, 10, 11 (Sat 调休), 13, 14, 15, 16 Oct.
    assert run("deadline", "2025-09-30", "--days", "7") == "2025-10-16\n"
    assert run("deadline", "2025-09-30", "--days", "0") == "2025-09-30\n"
    for bad in (["2025-02-30"], ["20250101"], ["明天"], ["2025-01-20", "--days", "-1"],
                ["2025-01-20", "--days", "二十"], ["9999-12-31"]):
        with pytest.raises(CommandError) as caught:
            run("deadline", *bad)
        assert caught.value.returncode == 2, bad


def test_refresh_tells_the_apps_above_to_count_again():
    sent = []

    def receiver(sender, year, **kwargs):
        sent.append(year)

    calendar_changed.connect(receiver)
    try:
        out = run("holidays", "refresh", "2026", "2027")
    finally:
        calendar_changed.disconnect(receiver)
    assert sent == [2026, 2027]
    assert out == "已通知重新计算2026年（已知）。\n已通知重新计算2027年（仍未知，只按周末计算）。\n"
    assert not HolidayYear.objects.exists()  # nothing entered by a refresh
