from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cultivate.activity"
    label = "activity"
