from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cultivate.people"
    label = "people"
