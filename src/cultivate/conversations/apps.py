from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "cultivate.conversations"
    label = "conversations"
