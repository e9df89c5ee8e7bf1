"""insert_many (documents/bulk_insert.py): rows as a save would write them, pks set."""

from gongkai.accounts.models import AuditAction, AuditEntry
from gongkai.documents.bulk_insert import insert_many
from gongkai.documents.models import Document, Revision, Status, Validity
from gongkai.test import BaseTestCase, aware


class InsertManyTestCase(BaseTestCase):
    def test_rows_read_back_as_saved_with_their_ids(self):
        documents = [
            Document(title=f"批量写入的第{i}篇", agency=self.gwyb, status=Status.PUBLISHED,
                     published_at=aware(2024, 5, i + 1), subject_terms=["民生", f"词{i}"],
                     validity=Validity.IN_FORCE if i else "", body="<p>正文“引号”'单引号'\\</p>",
                     doc_no="" if i else "国办发〔2024〕1号", topic=self.topic if i else None)
            for i in range(3)]
        before = Document.objects.count()
        insert_many(Document, documents)
        assert Document.objects.count() == before + 3
        assert len({d.pk for d in documents}) == 3
        for document in documents:
            saved = Document.objects.get(pk=document.pk)
            for field in Document._meta.concrete_fields:
                assert getattr(saved, field.attname) == getattr(document, field.attname), field
            assert saved.created_at is not None and saved.updated_at is not None

        revisions = [Revision(document=d, kind=AuditAction.IMPORT,
                              data={"fields": {"title": d.title}, "labels": {"x": "中文"}})
                     for d in documents]
        entries = [AuditEntry(action=AuditAction.PUBLISH, object_type="document",
                              object_id=str(d.pk), object_repr=d.title) for d in documents]
        insert_many(Revision, revisions)
        insert_many(AuditEntry, entries)
        assert [r.data for r in Revision.objects.filter(pk__in=[r.pk for r in revisions])
                .order_by("pk")] == [r.data for r in revisions]
        assert sorted(AuditEntry.objects.filter(pk__in=[e.pk for e in entries])
                      .values_list("object_repr", flat=True)) == sorted(d.title for d in documents)
        # Saved one by one afterwards, a row takes an id after those handed out here.
        later = Document.objects.create(title="之后保存的一篇", agency=self.gwyb)
        assert later.pk > max(d.pk for d in documents)
