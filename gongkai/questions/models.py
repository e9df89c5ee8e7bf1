"""Answered questions (12345 热线、政务问答、依申请公开答复 …) and the ranking model learned
from them. See ``gongkai.questions.learning`` for what is learned and how."""

import hashlib

from django.db import models

from gongkai.documents.models import Document


def question_key(text: str) -> str:
    """What makes two questions the same: their text with whitespace runs collapsed."""
    return hashlib.sha256(" ".join((text or "").split()).encode()).hexdigest()


class Question(models.Model):
    text = models.TextField("问题")
    key = models.CharField("去重键", max_length=64, unique=True, editable=False)
    answers = models.ManyToManyField(
        Document, verbose_name="答复文件", related_name="questions", blank=True,
        help_text="回答该问题的政府信息；检索据此学习群众用语与文件用语的对应关系。",
    )
    source = models.CharField("来源", max_length=200, blank=True,
                              help_text="如 12345 热线、政务问答、依申请公开，或导入的文件名。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "问答"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs):
        self.text = " ".join(self.text.split())
        self.key = question_key(self.text)
        super().save(*args, **kwargs)


class RankingModel(models.Model):
    """One trained ranking model. The newest row is the one in use: a refresh writes a new
    row in one statement, and every worker swaps to it when it next looks (see ``store``)."""

    version = models.CharField("版本", max_length=32, unique=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    questions = models.PositiveIntegerField("问答数", default=0)
    documents = models.PositiveIntegerField("文件数", default=0)
    data = models.BinaryField("模型数据")

    class Meta:
        verbose_name = verbose_name_plural = "检索学习模型"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.version[:8]}（{self.questions} 个问答）"
