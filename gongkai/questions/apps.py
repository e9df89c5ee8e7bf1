from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "gongkai.questions"
    verbose_name = "问答与检索学习"
