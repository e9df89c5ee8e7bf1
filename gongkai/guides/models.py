"""Each agency's 政府信息公开指南 (条例 art. 12): where and how to ask it for information.

Plain text: each field is shown as paragraphs (one per blank-line-separated block), so what
a manager types is what the public reads, with no markup to sanitise."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gongkai.catalog.models import Agency


def validate_postcode(value: str) -> None:
    if value and not re.fullmatch(r"\d{6}", value):
        raise ValidationError("邮政编码应为6位数字，例如 518001。")


def agencies_without_guide():
    """Agencies the public cannot find a 公开指南 for (art. 12 requires one each)."""
    return Agency.objects.filter(guide__isnull=True)


class Guide(models.Model):
    agency = models.OneToOneField(Agency, verbose_name="机构", on_delete=models.CASCADE,
                                  related_name="guide")
    office = models.CharField(
        "受理机构", max_length=200,
        help_text="负责政府信息公开工作的机构，例如：深圳市罗湖区翠竹街道办事处党政综合办公室")
    address = models.CharField("办公地址", max_length=300)
    office_hours = models.CharField(
        "办公时间", max_length=200, help_text="例如：工作日 上午9:00—12:00，下午14:00—18:00")
    phone = models.CharField("联系电话", max_length=100)
    fax = models.CharField("传真", max_length=100, blank=True)
    postal_address = models.CharField(
        "通信地址", max_length=300, help_text="信函申请的收件地址和收件单位")
    postcode = models.CharField("邮政编码", max_length=6, validators=[validate_postcode])
    online_channel = models.URLField(
        "网上申请渠道", max_length=500, blank=True,
        help_text="在线申请页面或电子邮箱以外的网上渠道的网址")
    email = models.EmailField("电子邮箱", blank=True)
    catalogue = models.TextField(
        "主动公开", blank=True,
        help_text="主动公开信息的分类、编排体系和获取方式（公开目录、政府公报、查阅场所等）")
    how_to_apply = models.TextField(
        "依申请公开", help_text="如何提出申请（当面、信函、网上）、需要提供的材料、办理时限")
    fees = models.TextField(
        "收费", help_text="依《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的收费标准与方式")
    remedies = models.TextField(
        "监督和救济", help_text="对答复不服时如何申请行政复议、提起行政诉讼，以及投诉、举报渠道")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开指南"
        ordering = ["agency__sort_order", "agency__name"]

    def __str__(self):
        return f"{self.agency.name}政府信息公开指南"

    def get_absolute_url(self) -> str:
        return reverse("guide", args=[self.agency_id])
