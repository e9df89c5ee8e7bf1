from django.contrib import admin

from .models import Agency, Audience, Genre, Topic


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "parent", "needs_review"]
    list_filter = ["needs_review"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sort_order"]
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Genre, Audience)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
