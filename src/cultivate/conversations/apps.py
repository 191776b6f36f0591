from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "cultivate.conversations"
    label = "conversations"

    def ready(self) -> None:
        from cultivate.conversations.actions import do_purge_deleted_posts
        from cultivate.conversations.mailing import send_due_digests
        from cultivate.core import clock, retention

        clock.register(send_due_digests)
        from cultivate.core import warmup

        if main_pages not in warmup.PATHS:
            warmup.PATHS.append(main_pages)
        from cultivate.core.page_cache import RELATED_SCOPES

        # A post's changes show on its topic's page.
        RELATED_SCOPES["conversations.post"] = lambda post: [
            f"conversations.topic:{post.topic_id}"]
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
        from cultivate.conversations import mail_in
        from cultivate.core import inbound

        inbound.set_handler(mail_in.receive)  # replies and new topics by mail


def main_pages() -> list[str]:
    """The conversations of the biggest public community and its latest topic."""
    from cultivate.communities.queries import biggest_public_community
    from cultivate.conversations.models import Topic

    community = biggest_public_community()
    if community is None:
        return []
    topic = Topic.objects.filter(community=community).order_by("-last_posted_at").first()
    pages = [f"/c/{community.slug}/topics/"]
    return pages + ([f"/c/{community.slug}/t/{topic.pk}/"] if topic else [])
