"""Document.source_key, the natural key the importer recognises a record by (issue 8 §4).

Added without its unique index, filled for every existing document by the importer's own
rule (``gongkai.lib.source_records.source_key``), then made unique in 0004. Where earlier
imports left duplicates (the same record saved twice), the oldest document keeps the key and
the others keep none: they are listed on the migration's output for staff to merge.
"""

from django.db import migrations, models
from django.utils import timezone

from gongkai.lib.source_records import source_key

BATCH = 2000


def fill_source_keys(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    database = schema_editor.connection.alias
    documents = Document.objects.using(database).order_by("pk").values_list(
        "pk", "agency_id", "title", "doc_no", "published_at", "source_url")
    seen, batch, duplicates = set(), [], []
    for pk, agency_id, title, doc_no, published_at, source_url in documents.iterator(BATCH):
        day = timezone.localtime(published_at).date() if published_at else None
        key = source_key(agency=str(agency_id), title=title, doc_no=doc_no, published_on=day,
                         source_url=source_url)
        if key in seen:
            duplicates.append(pk)
            continue
        seen.add(key)
        batch.append(Document(pk=pk, source_key=key))
        if len(batch) == BATCH:
            Document.objects.using(database).bulk_update(batch, ["source_key"])
            batch = []
    Document.objects.using(database).bulk_update(batch, ["source_key"])
    if duplicates:
        shown = ", ".join(map(str, duplicates[:50])) + (" …" if len(duplicates) > 50 else "")
        print(f"\n  {len(duplicates)} documents repeat an earlier document's source record "
              f"and were left without a source_key: {shown}")


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0002_document_publisher_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="source_key",
            field=models.CharField(blank=True, editable=False, max_length=128, null=True,
                                   verbose_name="来源键"),
        ),
        migrations.RunPython(fill_source_keys, migrations.RunPython.noop, elidable=True),
    ]
