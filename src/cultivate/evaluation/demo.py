"""The demo's value creation: applied records and their follow-ups first (stories point at
them), then stories at different stages, then indicators with figures and targets."""

from cultivate.evaluation.applied import demo as applied_demo
from cultivate.evaluation.indicators import demo as indicators_demo
from cultivate.evaluation.stories import demo as stories_demo

DEMO_ORDER = 70


def plant(people: dict) -> int:
    return sum(part.plant(people) for part in (applied_demo, stories_demo, indicators_demo))
