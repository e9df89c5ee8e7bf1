"""Build an annual report (国办公开办函〔2021〕30号) as plain data: for one agency, or for a
government (an agency and every agency under it, through ``Agency.parent``).

Where the figures come from (docs/reports.md):
- Table 2, 规章 and 行政规范性文件: the public catalogue (``Document.objects.published()``) by
  genre name. 制发 in a year = 成文日期 in it (发布日期 when 成文日期 is blank); 废止 = validity
  已废止 with 废止日期 in it — without a 废止日期, the replacing document's 施行/成文日期, else
  the day the record was last changed (and the report says so in ``notes``); 现行有效 at the
  year's end = issued by then and not repealed by then (已修改 documents stay in force: they are
  in force as amended).
- Table 2, the other rows, Table 4 and the texts: the AnnualReport staff fill in.
- Table 3: gongkai.applications.stats.table3; the fee in section 六: fees paid in the year.
- A report loaded from its published text is its loaded figures, never recomputed.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from gongkai.applications import outcomes
from gongkai.applications.models import Application
from gongkai.applications.stats import COLUMNS, ROWS, table3
from gongkai.catalog.models import Agency
from gongkai.documents.models import Document, Validity

from . import forms_labels as L
from .models import FIRST_YEAR, LAST_YEAR, AnnualReport

Table = dict[tuple[str, ...], dict[str, int]]


@dataclass
class Report:
    agency_name: str
    agency_code: str
    year: int
    table2: dict[str, dict[str, dict[str, int | Decimal]]]  # item → row → column → value
    table3: Table
    table4: Table
    overview: str = ""
    problems: str = ""
    other_matters: str = ""
    fee_yuan: int = 0
    published_documents: int = 0  # 主动公开 in the year, all genres
    previous_in_force: dict[str, int] | None = None  # last year's 现行有效 per genre
    government: bool = False  # the sum of an agency's and its agencies' reports
    missing: list[str] = field(default_factory=list)  # a government's agencies without a report
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.agency_name}{self.year}年政府信息公开工作年度报告"

    def cell2(self, row: str, column: str):
        return next(rows[row][column] for rows in self.table2.values() if row in rows)

    @property
    def figures_sentence(self) -> str:
        """Section 一's opening, its figures from the data."""
        t3 = self.table3
        new, carried = t3[(outcomes.NEW,)]["总计"], t3[(outcomes.CARRIED_IN,)]["总计"]
        done = t3[(outcomes.RESULTS, outcomes.TOTAL)]["总计"]
        out = t3[(outcomes.CARRIED_OUT,)]["总计"]
        rec = self.table4[(L.RECONSIDERATION,)][L.TOTAL]
        lit = sum(self.table4[g][L.TOTAL] for g in L.TABLE4_GROUPS[1:])
        who = "本级政府及所属机构" if self.government else "本机关"
        return (f"{self.year}年，{who}主动公开政府信息{self.published_documents}条，其中制发规章"
                f"{self.cell2(L.RULES, L.ISSUED)}件、行政规范性文件{self.cell2(L.NORMATIVE, L.ISSUED)}件；"
                f"新收政府信息公开申请{new}件，上年结转{carried}件，办结{done}件，"
                f"结转下年度继续办理{out}件；行政复议{rec}件，行政诉讼{lit}件。")

    @property
    def fee_sentence(self) -> str:
        who = "本级政府及所属机构" if self.government else "本机关"
        return f"{self.year}年，{who}收取信息处理费{self.fee_yuan}元。"


def government_agencies(agency: Agency) -> list[Agency]:
    """``agency`` and every agency under it, parents before children."""
    found, level = [agency], [agency.pk]
    while level:
        children = list(Agency.objects.filter(parent__in=level))
        found += children
        level = [a.pk for a in children]
    return found


def _day(moment) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def catalogue_counts(agency_ids, year: int) -> tuple[dict[str, dict[str, int]], list[str]]:
    """规章 and 行政规范性文件: issued, repealed in ``year`` and in force at its end."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {genre: dict.fromkeys((L.ISSUED, L.REPEALED, L.IN_FORCE), 0)
              for genre in L.CATALOGUE_GENRES}
    notes = []
    docs = (Document.objects.published().filter(agency__in=agency_ids,
                                                genre__name__in=L.CATALOGUE_GENRES)
            .select_related("genre", "superseded_by"))
    for doc in docs:
        issued = doc.written_on or _day(doc.published_at)
        repealed = None
        if doc.validity == Validity.REPEALED:
            repealed = doc.repealed_on or _replacement_day(doc)
            if repealed is None:
                repealed = _day(doc.updated_at)
                notes.append(f"《{doc.title}》已废止但未填废止日期，按最后修改日期{repealed}计。")
        row = counts[doc.genre.name]
        row[L.ISSUED] += start <= issued <= end
        row[L.REPEALED] += repealed is not None and start <= repealed <= end
        row[L.IN_FORCE] += issued <= end and (repealed is None or repealed > end)
    return counts, notes


def _replacement_day(doc) -> dt.date | None:
    new = doc.superseded_by
    return new and (new.effective_on or new.written_on) or None


def _table2(report: AnnualReport | None, catalogue: dict) -> dict:
    r = report or AnnualReport()
    return {
        L.ITEM1: catalogue,
        L.ITEM5: {L.LICENSING: {L.DECISIONS: r.licensing}},
        L.ITEM6: {L.PENALTY: {L.DECISIONS: r.penalties}, L.COERCION: {L.DECISIONS: r.coercion}},
        L.ITEM8: {L.CHARGES: {L.AMOUNT: Decimal(r.charges)}},
    }


def build_agency(agency: Agency, year: int) -> Report:
    saved = AnnualReport.objects.filter(agency=agency, year=year).first()
    if saved and saved.loaded:
        return from_json(saved.loaded)
    catalogue, notes = catalogue_counts([agency.pk], year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    r = saved or AnnualReport(agency=agency, year=year)
    fee = (Application.objects.filter(agency=agency, fee_paid_on__range=(start, end))
           .aggregate(s=Sum("fee_amount"))["s"] or 0)
    return Report(
        agency_name=agency.name, agency_code=agency.code, year=year,
        table2=_table2(saved, catalogue), table3=table3([agency.pk], year),
        table4=r.table4_counts(), overview=r.overview, problems=r.problems,
        other_matters=r.other_matters, fee_yuan=fee,
        published_documents=Document.objects.published().filter(
            agency=agency, published_at__year=year).count(),
        previous_in_force=_previous_in_force(agency, year), notes=notes)


def _previous_in_force(agency: Agency, year: int) -> dict[str, int]:
    """Last year's 现行有效: as published when it was loaded, else from the catalogue."""
    last = AnnualReport.objects.filter(agency=agency, year=year - 1).first()
    if last and last.loaded:
        t2 = from_json(last.loaded).table2[L.ITEM1]
    else:
        t2 = catalogue_counts([agency.pk], year - 1)[0]
    return {genre: t2[genre][L.IN_FORCE] for genre in L.CATALOGUE_GENRES}


def build(agency: Agency, year: int, *, government: bool = False) -> Report:
    """The report of ``agency``; with ``government``, the sum of its and its agencies'
    reports, naming the agencies that have none for the year."""
    if not government:
        return build_agency(agency, year)
    members = government_agencies(agency)
    have = set(AnnualReport.objects.filter(agency__in=members, year=year)
               .values_list("agency_id", flat=True))
    parts = [build_agency(a, year) for a in members if a.pk in have]
    own = next((p for p in parts if p.agency_name == agency.name), None)
    total = Report(
        agency_name=agency.name, agency_code=agency.code, year=year,
        table2=_sum_nested([p.table2 for p in parts], _table2(None, {
            g: dict.fromkeys((L.ISSUED, L.REPEALED, L.IN_FORCE), 0) for g in L.CATALOGUE_GENRES})),
        table3=_sum_table([p.table3 for p in parts], ROWS, COLUMNS),
        table4=_sum_table([p.table4 for p in parts], L.TABLE4_GROUPS, L.TABLE4_OUTCOMES),
        overview=own.overview if own else "", problems=own.problems if own else "",
        other_matters=own.other_matters if own else "",
        fee_yuan=sum(p.fee_yuan for p in parts),
        published_documents=sum(p.published_documents for p in parts),
        previous_in_force=dict(sum((Counter(p.previous_in_force or {}) for p in parts),
                                   Counter())) or None,
        government=True, missing=[a.name for a in members if a.pk not in have],
        notes=[n for p in parts for n in p.notes])
    return total


def _sum_table(tables: list[Table], rows, columns) -> Table:
    return {row: {c: sum(t[row][c] for t in tables) for c in columns} for row in rows}


def _sum_nested(reports: list[dict], zero: dict) -> dict:
    return {item: {row: {c: sum((r[item][row][c] for r in reports), type(v)(0))
                         for c, v in cols.items()}
                   for row, cols in rows.items()}
            for item, rows in zero.items()}


# -- the JSON form: keys are the form's own labels ------------------------------------------

def to_json(report: Report) -> dict:
    t3: dict = {}
    for row in ROWS:
        node = t3
        for label in row[:-1]:
            node = node.setdefault(label, {})
        node[row[-1]] = dict(report.table3[row])
    t4: dict = {}
    for group in L.TABLE4_GROUPS:
        node = t4
        for label in group[:-1]:
            node = node.setdefault(label, {})
        node[group[-1]] = dict(report.table4[group])
    return {
        "机构": report.agency_name, "机构代码": report.agency_code, "年度": report.year,
        L.SECTION1: {"本年主动公开政府信息条数": report.published_documents,
                     "正文": report.overview},
        L.TABLE2: {item: {row: {c: (float(v) if isinstance(v, Decimal) else v)
                                for c, v in cols.items()} for row, cols in rows.items()}
                   for item, rows in report.table2.items()},
        L.TABLE3: t3, L.TABLE4: t4,
        L.SECTION5: report.problems,
        L.SECTION6: {"正文": report.other_matters, L.FEE_YUAN: report.fee_yuan},
        **({"未报送年度报告的机构": report.missing} if report.missing else {}),
    }


class ReportFormatError(ValueError):
    """A JSON report that does not follow the form; the message names what is wrong."""


def from_json(data: dict) -> Report:
    try:
        t3 = {}
        for row in ROWS:
            node = data[L.TABLE3]
            for label in row:
                node = node[label]
            t3[row] = {c: _count(node[c], row, c) for c in COLUMNS}
        t4 = {}
        for group in L.TABLE4_GROUPS:
            node = data[L.TABLE4]
            for label in group:
                node = node[label]
            t4[group] = {c: _count(node[c], group, c) for c in L.TABLE4_OUTCOMES}
        zero = _table2(None, {g: dict.fromkeys((L.ISSUED, L.REPEALED, L.IN_FORCE), 0)
                              for g in L.CATALOGUE_GENRES})
        t2 = {item: {row: {c: (Decimal(str(data[L.TABLE2][item][row][c]))
                               if isinstance(v, Decimal)
                               else _count(data[L.TABLE2][item][row][c], (item, row), c))
                           for c, v in cols.items()} for row, cols in rows.items()}
              for item, rows in zero.items()}
        section1, section6 = data.get(L.SECTION1, {}), data.get(L.SECTION6, {})
        return Report(
            agency_name=data["机构"], agency_code=data.get("机构代码", ""),
            year=_year(data["年度"]), table2=t2, table3=t3, table4=t4,
            overview=section1.get("正文", ""), problems=data.get(L.SECTION5, ""),
            other_matters=section6.get("正文", ""), fee_yuan=int(section6.get(L.FEE_YUAN, 0)),
            published_documents=int(section1.get("本年主动公开政府信息条数", 0)))
    except KeyError as e:
        raise ReportFormatError(f"缺少“{e.args[0]}”") from None
    except (TypeError, ValueError, ArithmeticError) as e:
        raise ReportFormatError(str(e)) from None


def _year(value) -> int:
    if not isinstance(value, int) or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ReportFormatError(f"“年度”应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数，现为 {value!r}")
    return value


def _count(value, row, column) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReportFormatError(f"“{'·'.join(row)}”的“{column}”应为非负整数，现为 {value!r}")
    return value
