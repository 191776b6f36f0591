from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo landscape (`cultivate seed-demo`). On top of every app: it may import them
    all, and none imports it. Each app brings its own content in its `demo` module."""

    name = "cultivate.demo"
    label = "demo"
