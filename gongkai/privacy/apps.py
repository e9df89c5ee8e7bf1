from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "gongkai.privacy"
    verbose_name = "个人信息检查"

    def ready(self):
        from gongkai.documents.workflow import publishing

        from .review import refuse_unconfirmed

        publishing.connect(refuse_unconfirmed, dispatch_uid="privacy_refuse_unconfirmed")
