"""一屏可视: an agency's (or a government's) key figures over the years, as bar charts drawn
here as plain SVG (no script, no inline style: the site's Content-Security-Policy holds) with
a table beside each one.

Only public figures appear: catalogue counts from ``Document.objects.published()``, and the
figures of annual reports that are public (``AnnualReport.objects.public()``: published as a
catalogue document, or loaded from a report published elsewhere) — as they were published,
never recomputed from the register.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear

from gongkai.applications import outcomes
from gongkai.documents.models import Document
from gongkai.reports import forms_labels as L
from gongkai.reports.models import AnnualReport

WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 640, 200, 22, 8


@dataclass
class Bar:
    label: str
    value: float
    y: int = 0
    width: int = 0
    end: int = 0  # where the value is written, after the bar


@dataclass
class Chart:
    slug: str
    title: str
    unit: str
    bars: list[Bar]
    # the table beside the chart: header and rows (may hold more than the bars show)
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    height: int = 0
    bar_x: int = LABEL_WIDTH
    key_label: str = "年度"

    def layout(self) -> "Chart":
        top = max((b.value for b in self.bars), default=0) or 1
        span = WIDTH - LABEL_WIDTH - 60
        for i, bar in enumerate(self.bars):
            bar.y = GAP + i * (BAR_HEIGHT + GAP)
            bar.width = max(1, round(span * bar.value / top)) if bar.value else 0
            bar.end = LABEL_WIDTH + bar.width + 6
        self.height = GAP + len(self.bars) * (BAR_HEIGHT + GAP)
        if not self.rows:
            self.header = self.header or [self.key_label, f"数量（{self.unit}）"]
            self.rows = [[b.label, _number(b.value)] for b in self.bars]
        return self


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _sum(a: dict, b: dict) -> dict:
    """Two JSON reports' figures added (numbers at the leaves)."""
    if not isinstance(a, dict):
        return a + b if isinstance(a, int | float) and isinstance(b, int | float) else a
    return {k: _sum(a[k], b[k]) if k in b else a[k] for k in a}


def public_reports(agency_ids) -> dict[int, dict]:
    """{year: published figures, summed over ``agency_ids``}."""
    years: dict[int, dict] = {}
    reports = AnnualReport.objects.public().filter(agency__in=agency_ids).order_by("year")
    for report in reports:
        figures = report.published_figures
        years[report.year] = _sum(years[report.year], figures) if report.year in years else figures
    return years


def charts(agency_ids) -> list[Chart]:
    published = Document.objects.published().filter(agency__in=agency_ids)
    per_year = (published.annotate(y=ExtractYear("published_at")).values_list("y")
                .annotate(n=Count("pk")).order_by("y"))
    per_genre = (published.values_list("genre__name").annotate(n=Count("pk"))
                 .order_by("-n", "genre__name"))
    reports = public_reports(agency_ids)
    found = [
        Chart("documents", "每年主动公开的政府信息", "条",
              [Bar(f"{y}年", n) for y, n in per_year]),
        Chart("genres", "主动公开的政府信息（按体裁分类）", "条",
              [Bar(g or "未分类", n) for g, n in per_genre], key_label="体裁分类"),
    ]
    if reports:
        found += [_applications(reports), _answers(reports), _appeals(reports), _fees(reports)]
    return [c.layout() for c in found]


def _applications(reports: dict) -> Chart:
    t3 = L.TABLE3
    bars = [Bar(f"{y}年", r[t3][outcomes.NEW]["总计"]) for y, r in reports.items()]
    rows = [[f"{y}年", r[t3][outcomes.NEW]["总计"], r[t3][outcomes.CARRIED_IN]["总计"],
             r[t3][outcomes.RESULTS][outcomes.TOTAL]["总计"], r[t3][outcomes.CARRIED_OUT]["总计"]]
            for y, r in reports.items()]
    return Chart("applications", "每年收到的政府信息公开申请", "件", bars,
                 ["年度", "本年新收", "上年结转", "办理结果总计", "结转下年度"], rows)


def _group_total(node: dict) -> int:
    return node["总计"] if "总计" in node else sum(_group_total(v) for v in node.values())


def _answers(reports: dict) -> Chart:
    groups = [g for g, _ in outcomes.GROUPS]
    latest_year = max(reports)
    results = {y: r[L.TABLE3][outcomes.RESULTS] for y, r in reports.items()}
    short = [g.split("）", 1)[1].split("（")[0] for g in groups]  # （二）部分公开（…） → 部分公开
    return Chart(
        "answers", f"申请的办理结果（{latest_year}年）", "件",
        [Bar(s, _group_total(results[latest_year][g])) for s, g in zip(short, groups, strict=True)],
        ["年度", *short],
        [[f"{y}年", *(_group_total(res[g]) for g in groups)] for y, res in results.items()])


def _appeals(reports: dict) -> Chart:
    def totals(r):
        t4 = r[L.TABLE4]
        return [t4[L.RECONSIDERATION]] + [t4[L.LITIGATION][k] for k in (L.DIRECT, L.AFTER)]

    names = [L.RECONSIDERATION, f"诉讼·{L.DIRECT}", f"诉讼·{L.AFTER}"]
    bars = [Bar(f"{y}年", sum(g[L.TOTAL] for g in totals(r))) for y, r in reports.items()]
    rows = [[f"{y}年", name, *(g[o] for o in L.TABLE4_OUTCOMES)]
            for y, r in reports.items() for name, g in zip(names, totals(r), strict=True)]
    return Chart("appeals", "行政复议、行政诉讼（件）", "件", bars,
                 ["年度", "类别", *L.TABLE4_OUTCOMES], rows)


def _fees(reports: dict) -> Chart:
    return Chart("fees", "收取的信息处理费", "元",
                 [Bar(f"{y}年", r[L.SECTION6][L.FEE_YUAN]) for y, r in reports.items()])
