"""The form's 勾稽 checks. Each failure names the cell and the numbers, in Chinese; a report
with any failure cannot be published (gongkai.reports.publish)."""

from dataclasses import dataclass

from gongkai.applications import outcomes
from gongkai.applications.stats import COLUMNS, ROWS, TOTAL_COLUMN

from . import forms_labels as L
from .build import Report


@dataclass(frozen=True)
class Failure:
    table: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}：{self.message}"


def check(report: Report) -> list[Failure]:
    return [*_table2(report), *_balance(report), *_table3_totals(report), *_table4(report)]


def _table2(report: Report):
    if report.previous_in_force is None:
        return
    for genre in L.CATALOGUE_GENRES:
        row = report.table2[L.ITEM1][genre]
        last = report.previous_in_force[genre]
        want = last + row[L.ISSUED] - row[L.REPEALED]
        if row[L.IN_FORCE] != want:
            yield Failure(L.TABLE2, f"{genre}·{L.IN_FORCE}", (
                f"“{genre}”的“{L.IN_FORCE}”为{row[L.IN_FORCE]}，应等于上年现行有效{last}"
                f" + 本年制发{row[L.ISSUED]} − 本年废止{row[L.REPEALED]} = {want}"))


def _balance(report: Report):
    """本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和。"""
    t = report.table3
    for c in COLUMNS:
        new, old = t[(outcomes.NEW,)][c], t[(outcomes.CARRIED_IN,)][c]
        done, out = t[(outcomes.RESULTS, outcomes.TOTAL)][c], t[(outcomes.CARRIED_OUT,)][c]
        if new + old != done + out:
            yield Failure(L.TABLE3, f"{c}列", (
                f"“{c}”列：本年新收{new} + 上年结转{old} = {new + old}，"
                f"不等于办理结果总计{done} + 结转下年度{out} = {done + out}"))


def _table3_totals(report: Report):
    t = report.table3
    for row in ROWS:
        parts = sum(t[row][c] for c in COLUMNS if c != TOTAL_COLUMN)
        if t[row][TOTAL_COLUMN] != parts:
            yield Failure(L.TABLE3, f"{row[-1]}·{TOTAL_COLUMN}", (
                f"“{row[-1]}”行的“总计”为{t[row][TOTAL_COLUMN]}，各类申请人之和为{parts}"))
    leaves = [r for r in ROWS if r[0] == outcomes.RESULTS and r[-1] != outcomes.TOTAL]
    for c in COLUMNS:
        parts = sum(t[r][c] for r in leaves)
        total = t[(outcomes.RESULTS, outcomes.TOTAL)][c]
        if total != parts:
            yield Failure(L.TABLE3, f"{outcomes.TOTAL}·{c}", (
                f"“{outcomes.TOTAL}”行“{c}”列为{total}，各项办理结果之和为{parts}"))


def _table4(report: Report):
    for group in L.TABLE4_GROUPS:
        row = report.table4[group]
        parts = sum(row[c] for c in L.TABLE4_OUTCOMES if c != L.TOTAL)
        if row[L.TOTAL] != parts:
            name = "·".join(group)
            yield Failure(L.TABLE4, f"{name}·{L.TOTAL}", (
                f"“{name}”的“总计”为{row[L.TOTAL]}，结果维持、结果纠正、其他结果、尚未审结之和为{parts}"))
