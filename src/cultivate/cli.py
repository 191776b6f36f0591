"""The `cultivate` command: `run`, `seed-demo`, `backup`, `restore`, `purge-deleted`, and every
Django management command."""

import os
import sys

ALIASES = {"seed-demo": "seed_demo", "import-stackexchange": "import_stackexchange",
           "send-digests": "send_digests", "send-event-reminders": "send_event_reminders",
           "recompute-insights": "recompute_insights", "erase-due-accounts": "erase_due_accounts",
           "purge-deleted": "purge_deleted", "send-follow-ups": "send_follow_ups",
           "propose-stories": "propose_stories",
           "send-feedback-requests": "send_feedback_requests", "send-pulse": "send_pulse",
           "import-mbox": "import_mbox", "download-discourse": "download_discourse",
           "import-discourse": "import_discourse", "mail-in": "mail_in"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultivate.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
