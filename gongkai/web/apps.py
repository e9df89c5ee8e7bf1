from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gongkai.web"
    verbose_name = "公共网站"

    def ready(self):
        # A guide is shown on its own page and linked from its agency's: saving or deleting
        # one moves the catalogue's generation, so no cached page outlives it.
        from gongkai.documents import generation
        from gongkai.guides.models import Guide

        generation.connect([Guide])
