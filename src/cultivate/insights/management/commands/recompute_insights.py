from django.core.management.base import BaseCommand

from cultivate.insights import jobs
from cultivate.insights.tasks import enqueue_recompute


class Command(BaseCommand):
    help = ("Recompute levels of participation, dashboard figures and interaction networks from "
            "the activity log (now, or --enqueue for the task worker).")

    def add_arguments(self, parser):
        parser.add_argument("--community", type=int, action="append", dest="communities",
                            help="Only this community id (repeatable).")
        parser.add_argument("--enqueue", action="store_true",
                            help="Queue the task for `cultivate db_worker` instead.")

    def handle(self, *args, communities, enqueue, **options):
        if enqueue:
            enqueue_recompute(communities)
            self.stdout.write("Queued.")
            return
        seconds = jobs.recompute(community_ids=communities)
        self.stdout.write(", ".join(f"{step} {s:.1f} s" for step, s in seconds.items()))
