from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """Value creation: applied records and their follow-ups, value-creation stories,
    indicators by cycle, the value-creation matrix and the sponsor report."""

    name = "cultivate.evaluation"
    label = "evaluation"

    def ready(self):
        from cultivate.conversations import thread
        from cultivate.conversations.search import forget_when_deleted
        from cultivate.evaluation.applied.controls import applied_on_posts
        from cultivate.evaluation.stories.models import ValueStory

        if applied_on_posts not in thread.POST_EXTRAS:
            thread.POST_EXTRAS.append(applied_on_posts)
        from cultivate.evaluation.applied.actions import applied_from_feedback
        from cultivate.events.attendance import FEEDBACK_LISTENERS

        if applied_from_feedback not in FEEDBACK_LISTENERS:
            FEEDBACK_LISTENERS.append(applied_from_feedback)
        forget_when_deleted(ValueStory, "value_story")
        from cultivate.core import clock
        from cultivate.evaluation.tasks import enqueue_value_work

        clock.register(enqueue_value_work)  # follow-ups and proposed stories (task worker)
