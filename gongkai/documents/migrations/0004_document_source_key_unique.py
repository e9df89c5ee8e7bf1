from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0003_document_source_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="source_key",
            field=models.CharField(
                blank=True, editable=False, max_length=128, null=True, unique=True,
                verbose_name="来源键",
                help_text="导入时记录的自然键（来源地址，或发布机构+文号+名称，或发布机构+名称+发布日期），"
                          "再次导入同一条信息时据此更新而不重复。",
            ),
        ),
    ]
