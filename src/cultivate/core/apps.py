from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cultivate.core"
    label = "core"
