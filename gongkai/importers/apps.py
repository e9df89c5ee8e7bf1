from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "gongkai.importers"
    verbose_name = "导入"
