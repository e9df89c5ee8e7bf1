from django.contrib import admin

from .models import Agency, Audience, Genre, Topic


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "parent", "needs_review"]
    list_filter = ["needs_review"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        # Completing the code of an agency created on import numbers its documents.
        if obj.code:
            obj.needs_review = False
        super().save_model(request, obj, form, change)
        if obj.code:
            from gongkai.documents.workflow import assign_missing_index_nos

            if count := assign_missing_index_nos(obj):
                self.message_user(request, f"已为该机构的 {count} 条信息生成索引号。")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sort_order"]
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Genre, Audience)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
