from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "cultivate.practice"
    verbose_name = "Practice library: methods"

    def ready(self):
        from cultivate.conversations.search import forget_when_deleted
        from cultivate.practice.models import Method, Story

        forget_when_deleted(Method, "method")
        forget_when_deleted(Story, "story")
