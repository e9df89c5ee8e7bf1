"""An agency's annual report for a year: what staff enter (the figures the system does not
hold, and the texts), and the catalogue document it was published as.

The other figures are computed when the report is built (gongkai.reports.build). A report of
a past year loaded from its published text (``gongkai report --load``) keeps its figures in
``loaded``, in the command's own JSON format, and is never recomputed.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from gongkai.catalog.models import Agency
from gongkai.documents.models import Document

from . import forms_labels as L

# The 条例 took effect in 2008; the first annual reports cover that year.
FIRST_YEAR, LAST_YEAR = 2008, 2100


def table4_field(group: tuple[str, ...], outcome: str) -> str:
    """The field holding one Table 4 count, e.g. ``t4_2_0`` for 行政诉讼·未经复议直接起诉·结果维持."""
    return f"t4_{L.TABLE4_GROUPS.index(group)}_{L.TABLE4_OUTCOMES.index(outcome)}"


class AnnualReportQuerySet(models.QuerySet):
    def public(self):
        """Reports whose figures the public may see: published as a catalogue document (the
        one definition of public: Document.objects.published()), or loaded from a report
        already published elsewhere."""
        return self.filter(models.Q(loaded__isnull=False)
                           | models.Q(document__in=Document.objects.published(),
                                      submitted__isnull=False))


class AnnualReport(models.Model):
    agency = models.ForeignKey(Agency, verbose_name="机构", on_delete=models.PROTECT,
                               related_name="annual_reports")
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)])
    licensing = models.PositiveIntegerField("行政许可 本年处理决定数量", default=0)
    penalties = models.PositiveIntegerField("行政处罚 本年处理决定数量", default=0)
    coercion = models.PositiveIntegerField("行政强制 本年处理决定数量", default=0)
    charges = models.DecimalField("行政事业性收费 本年收费金额（万元）", max_digits=14,
                                  decimal_places=4, default=0)
    overview = models.TextField("一、总体情况", blank=True,
                                help_text="主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况；"
                                          "报告中的数字由系统按数据填入开头一段。")
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True,
                                     help_text="信息处理费的收取情况由系统按登记的缴费自动写入。")
    loaded = models.JSONField("已公布报告的数字", null=True, blank=True, editable=False,
                              help_text="按已公布的往年报告录入的全部数字，不再按数据重新计算。")
    submitted = models.JSONField("送审时的数字", null=True, blank=True, editable=False,
                                 help_text="送审时生成的报告（JSON 格式），审核发布后即为公布的数字。")
    document = models.OneToOneField(Document, verbose_name="发布为", null=True, blank=True,
                                    editable=False, on_delete=models.SET_NULL,
                                    related_name="annual_report")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "agency__sort_order", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"],
                                               name="annual_report_once_a_year")]

    def __str__(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def published_figures(self) -> dict | None:
        """The figures as published, in the JSON format; call only on ``public()`` rows."""
        return self.loaded or self.submitted

    def table4_counts(self) -> dict[tuple[str, ...], dict[str, int]]:
        return {group: {outcome: getattr(self, table4_field(group, outcome))
                        for outcome in L.TABLE4_OUTCOMES}
                for group in L.TABLE4_GROUPS}


for _group in L.TABLE4_GROUPS:
    for _outcome in L.TABLE4_OUTCOMES:
        AnnualReport.add_to_class(
            table4_field(_group, _outcome),
            models.PositiveIntegerField("·".join(_group + (_outcome,)), default=0))
