from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cultivate.people"
    label = "people"

    def ready(self):
        from cultivate.people.mydata import signals  # noqa: F401 - connects the receivers
