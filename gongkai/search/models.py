"""The search app's own tables. The index tables themselves are backend-specific and are
created by migration 0002 (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from django.db import models
from django.utils import timezone


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
    so the index can never miss one: every node (a server's index) applies these after
    commit and moves its Cursor past them; a row is deleted once every node has applied it,
    and until a node has, its searches treat the record as pending (see
    ``gongkai.search.changelog``). ``data`` is the segmented record, or null for
    "remove it"."""

    backend = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    data = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["backend", "id"])]


class Cursor(models.Model):
    """How far one node (an index on one server) has applied the change log of a backend:
    every row up to ``applied_id`` is in its index, and no row below it can still appear
    (see ``gongkai.search.changelog``). ``seen_at``: its last sync; a node unseen for the
    retention period is dropped, and its rows with it."""

    backend = models.CharField(max_length=40)
    node = models.CharField(max_length=200)
    applied_id = models.BigIntegerField(default=0)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["backend", "node"],
                                               name="search_cursor_one_per_node")]

    def __str__(self) -> str:
        return f"{self.backend} @ {self.node}: {self.applied_id}"
