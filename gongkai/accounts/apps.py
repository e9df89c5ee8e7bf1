from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    verbose_name = "工作人员与审计"

    def ready(self):
        from . import audit

        audit.connect()
