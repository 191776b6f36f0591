"""`cultivate propose-stories`: find chains of evidence that already are a value-creation story
and propose them, as drafts, to the people involved (each chain once)."""

from django.core.management.base import BaseCommand

from cultivate.evaluation.stories.proposals import propose_story_drafts


class Command(BaseCommand):
    help = "Propose first drafts of value-creation stories from chains of evidence."

    def handle(self, *args, **options):
        made = propose_story_drafts()
        if options["verbosity"] > 0:
            self.stdout.write(f"Stories proposed: {made}")
