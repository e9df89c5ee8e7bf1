"""The catalogue's shared vocabularies: agencies (发布机构) and the three classification axes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gongkai.lib.identifiers import is_valid_agency_code
from gongkai.lib.topics import format_topic_path, split_topic_path


def validate_agency_code(value: str) -> None:
    if value and not is_valid_agency_code(value):
        raise ValidationError(
            "“%(code)s”不是有效的统一社会信用代码（18位）或组织机构代码（9位），请核对校验位。",
            params={"code": value},
        )


class AgencyQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(needs_review=True)


class Agency(models.Model):
    name = models.CharField("机构全称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=100, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        "机构代码", max_length=18, blank=True, validators=[validate_agency_code],
        help_text="18位统一社会信用代码（GB 32100-2015）或9位组织机构代码（GB 11714），作为索引号前段码。",
    )
    needs_review = models.BooleanField(
        "待完善", default=False, help_text="导入时按名称自动创建的机构，需工作人员补全机构代码。",
    )
    sort_order = models.IntegerField("排序", default=0)
    public_contacts = models.TextField(
        "公开联系方式", blank=True,
        help_text="本机构有意公开的办公电话、传真、电子邮箱，每行一个（如 0755-88881234）。"
                  "个人信息检查不把这些号码和它们旁边的姓名当作个人信息。",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发布机构"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="agency_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agency", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def public_contact_list(self) -> list[str]:
        """The contact numbers and addresses this agency, or one above it, publishes on
        purpose (a street office's page may give its district's hotline)."""
        found, agency, seen = [], self, set()
        while agency is not None and agency.pk not in seen:
            seen.add(agency.pk)
            found += [line.strip() for line in agency.public_contacts.splitlines() if line.strip()]
            agency = agency.parent
        return found


class AgencyCount(models.Model):
    """How many documents of an agency are published or scheduled — the home page's count,
    kept in step by gongkai.documents.counts when documents are saved or deleted, so the page
    never counts a million rows. ``gongkai optimize-db`` recounts (after bulk SQL changes)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    publishable = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "机构信息数"


class Topic(models.Model):
    """主题分类, a two-level tree such as 综合政务\\政务公开."""

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "主题分类"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="topic_unique_root",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        return format_topic_path([self.parent.name, self.name] if self.parent_id else [self.name])

    @classmethod
    def from_path(cls, path: str) -> "Topic | None":
        """The topic for ``一级\\二级`` (also / or ＼ separated), created when missing."""
        parent = None
        for name in split_topic_path(path):
            parent, _ = cls.objects.get_or_create(parent=parent, name=name)
        return parent


class Vocabulary(models.Model):
    """A flat, ordered list of names: the genre and audience axes."""

    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Genre(Vocabulary):
    """体裁分类: 规章, 行政规范性文件, 通知, 工作总结, 年度报告 …"""

    class Meta(Vocabulary.Meta):
        verbose_name = verbose_name_plural = "体裁分类"


class Audience(Vocabulary):
    """服务对象分类: 公民, 法人, 其他组织 …"""

    class Meta(Vocabulary.Meta):
        verbose_name = verbose_name_plural = "服务对象"
