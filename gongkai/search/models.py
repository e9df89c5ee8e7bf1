"""The search app's own tables. The index tables themselves are backend-specific and are
created by migration 0002 (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from django.db import models


class Word(models.Model):
    """A word of the domain dictionary (agency names and parts, 主题词, 文号 prefixes).

    Every process loads these into its segmenter, so documents and queries are cut alike in
    every worker. Rows are only ever added: see ``gongkai.search.segment``.
    """

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "检索词典"

    def __str__(self) -> str:
        return self.word


class Change(models.Model):
    """A record whose index entry must be refreshed, for backends that keep their index
    outside the database (tantivy). Written in the same transaction as the change itself,
    so the index can never miss one: the backend applies these after commit and deletes
    them, and until then every search treats the record as pending (see
    ``gongkai.search.backends.tantivy``). ``data`` is the segmented record, or null for
    "remove it"."""

    backend = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    data = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["backend", "id"])]
