from django.contrib import admin

from .models import Question, RankingModel


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "source", "answer_count", "updated_at"]
    list_filter = ["source"]
    search_fields = ["text"]
    autocomplete_fields = ["answers"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["text", "answers", "source", "created_at", "updated_at"]

    @admin.display(description="答复文件数")
    def answer_count(self, obj):
        return obj.answers.count()


@admin.register(RankingModel)
class RankingModelAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "questions", "documents"]
    fields = ["version", "created_at", "questions", "documents"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
