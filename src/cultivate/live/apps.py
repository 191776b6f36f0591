from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "cultivate.live"
    verbose_name = "Live backchannel"
