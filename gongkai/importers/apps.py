from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "gongkai.importers"
    verbose_name = "导入"

    def ready(self):
        from django.db.models.signals import post_delete

        from gongkai.documents.models import Document
        from gongkai.documents.workflow import transitioned

        from .export import document_deleted, document_transitioned

        # The bulk downloads must not outlive a document's leaving the public (export.py).
        transitioned.connect(document_transitioned, sender=Document, dispatch_uid="dumps_transition")
        post_delete.connect(document_deleted, sender=Document, dispatch_uid="dumps_delete")
