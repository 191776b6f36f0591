from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "cultivate.practice"
    verbose_name = "Practice library: methods"
