from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's wiring as an app, so that its serving command (`cultivate run`) sits
    beside settings, URLs and ASGI rather than in `core`, which every app stands on."""

    name = "cultivate"
    label = "project"
