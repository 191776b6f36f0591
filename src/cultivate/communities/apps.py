from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "cultivate.communities"
    label = "communities"
