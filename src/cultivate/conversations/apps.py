from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "cultivate.conversations"
    label = "conversations"

    def ready(self) -> None:
        from cultivate.conversations.actions import do_purge_deleted_posts
        from cultivate.conversations.mailing import send_due_digests
        from cultivate.core import clock, retention

        clock.register(send_due_digests)
        retention.PURGERS["posts"] = do_purge_deleted_posts
        from cultivate.communities import inbox
        from cultivate.conversations import inbox as ours
        from cultivate.policy import Can

        for entry in ((Can.MODERATE, ours.flagged_posts), (Can.MODERATE, ours.questions_waiting)):
            if entry not in inbox.SOURCES:
                inbox.SOURCES.append(entry)
        if ours.questions_section not in inbox.MEMBER_SOURCES:
            inbox.MEMBER_SOURCES.append(ours.questions_section)
        if ours.notify_in_app not in inbox.NOTIFIERS:
            inbox.NOTIFIERS.append(ours.notify_in_app)
