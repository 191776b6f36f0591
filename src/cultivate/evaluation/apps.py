from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """Value creation: applied records and their follow-ups, value-creation stories,
    indicators by cycle, the value-creation matrix and the sponsor report."""

    name = "cultivate.evaluation"
    label = "evaluation"
