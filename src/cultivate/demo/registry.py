"""Each app's demo content: its `demo` module, if it has one, with `plant(people) -> int`
(how many things it added; running it again adds nothing) and `DEMO_ORDER` (lower first:
content that others refer to comes first). Found the way Django finds admin modules."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

DEFAULT_ORDER = 50


def planters() -> list:
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("cultivate.") and config.label != "demo" and find_spec(name):
            module = import_module(name)
            if hasattr(module, "plant"):
                found.append((getattr(module, "DEMO_ORDER", DEFAULT_ORDER), name, module.plant))
    return [plant for _order, _name, plant in sorted(found, key=lambda item: item[:2])]


def plant_all(people: dict) -> int:
    return sum(plant(people) or 0 for plant in planters())
