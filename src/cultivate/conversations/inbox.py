"""Conversations' part of the steward's inbox (communities/inbox.py): flagged posts, questions
waiting for an answer; the in-app notices stewards get; and, for every member, the questions
they may be able to answer."""

from datetime import timedelta

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from cultivate.communities.inbox import (
    SHOWN_PER_SECTION,
    InboxItem,
    InboxSection,
    grouped_by_community,
)
from cultivate.conversations.models import (
    Flag,
    FlagStatus,
    Notification,
    NotificationKind,
    Topic,
)
from cultivate.conversations.queries import open_questions
from cultivate.core.i18n import in_each_language
from cultivate.people.models import User

# A question is the stewards' business once nobody answered it for this long.
WAITING_AFTER = timedelta(days=2)


def flagged_posts(communities) -> dict[int, list[InboxSection]]:
    rows = (Flag.objects.filter(post__topic__community__in=communities, status=FlagStatus.OPEN)
            .values("post", "post__topic", "post__topic__title", "post__topic__community",
                    "post__topic__community__slug")
            .annotate(flags=Count("pk"), first=Min("created_at")).order_by("first"))
    by_community = grouped_by_community(rows, lambda row: row["post__topic__community"])
    found = {}
    for community_id, posts in by_community.items():
        queue = reverse("conversations:moderation", args=[posts[0]["post__topic__community__slug"]])
        items = [InboxItem(row["post__topic__title"], f"{queue}#flagged-{row['post']}",
                           _("%(count)d flags") % {"count": row["flags"]})
                 for row in posts[:SHOWN_PER_SECTION]]
        found[community_id] = [InboxSection(_("Flagged posts"), len(posts), items, queue)]
    return found


def questions_waiting(communities) -> dict[int, list[InboxSection]]:
    now = timezone.now()
    waiting = (open_questions().filter(community__in=communities,
                                       created_at__lte=now - WAITING_AFTER)
               .select_related("community").order_by("created_at", "pk"))
    by_community = grouped_by_community(waiting, lambda topic: topic.community_id)
    return {community_id: [InboxSection(
        _("Questions waiting longest"), len(topics),
        [InboxItem(t.title, t.get_absolute_url(),
                   _("waiting %(time)s, %(replies)d replies") % {
                       "time": timesince(t.created_at, now), "replies": t.reply_count})
         for t in topics[:SHOWN_PER_SECTION]],
        reverse("conversations:topics", args=[topics[0].community.slug]) + "?unanswered=1")]
        for community_id, topics in by_community.items()}


def notify_in_app(stewards, community, title, link) -> None:
    """`title` is a function, called once in each steward's language."""
    languages = dict(User.objects.filter(pk__in=stewards).values_list("pk", "language"))
    titles = in_each_language(set(languages.values()), title)
    Notification.objects.bulk_create([
        Notification(user_id=user_id, kind=NotificationKind.STEWARD, link=link,
                     title=f"{community.name}: {titles[languages.get(user_id, '')]}"[:200])
        for user_id in stewards])


def questions_for(user, limit: int = 5) -> list[Topic]:
    """Open questions in the member's communities tagged with their expertise or with the tags
    of questions where their answer was accepted; not their own."""
    known = set(user.expertise.values_list("pk", flat=True)) | set(
        Topic.tags.through.objects.filter(topic__accepted_answer__author=user)
        .values_list("tag_id", flat=True))
    if not known:
        return []
    return list(open_questions().filter(community__memberships__user=user, tags__in=known)
        .exclude(author=user)
        .select_related("community").distinct().order_by("-created_at")[:limit])


def questions_section(user) -> InboxSection:
    found = questions_for(user)
    return InboxSection(_("Questions you may be able to answer"), len(found), [
        InboxItem(t.title, t.get_absolute_url(), t.community.name) for t in found])
