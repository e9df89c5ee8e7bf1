from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "gongkai.documents"
    verbose_name = "政府信息"

    def ready(self):
        # Anything a public page shows moves the catalogue's generation when it changes, so
        # no cached page outlives it (gongkai.web.caching).
        from django.db.models.signals import post_migrate

        from gongkai.catalog.models import Agency, Audience, Genre, Topic

        from . import attachments, counts, generation, maintenance
        from .models import Attachment, Document

        generation.connect([Document, Attachment, Agency, Topic, Genre, Audience])
        attachments.connect()
        counts.connect()
        post_migrate.connect(maintenance.after_migrate, sender=self,
                             dispatch_uid="documents_statistics")
