"""Who hears about a post: followers of its topic (or of its community, for a new topic) and
the people it mentions.

Called by the posting actions inside their transaction; the notifications and the follows are
written with them, so a rolled-back post notifies nobody.
"""

from django.db.models import Q

from cultivate import policy
from cultivate.conversations.mentions import mentioned_names
from cultivate.conversations.models import Notification, NotificationKind, Post, TopicFollow
from cultivate.people.models import User
from cultivate.policy import Can


def follow_automatically(user, topic) -> None:
    """Authors and repliers follow a topic, unless they turned it off before."""
    TopicFollow.objects.get_or_create(topic=topic, user=user)


def notify_about(post: Post, *, actor) -> int:
    """One notification per person: a mention wins over a plain reply. Returns how many."""
    topic = post.topic
    mentioned = _mentioned_readers(post, topic.community)
    if post.is_opening:
        followers = _community_followers(topic.community)
        kind = NotificationKind.NEW_TOPIC
    else:
        followers = set(TopicFollow.objects.filter(topic=topic, following=True)
                        .values_list("user_id", flat=True))
        kind = NotificationKind.REPLY
    people = {**{uid: kind for uid in followers},
              **{user.pk: NotificationKind.MENTION for user in mentioned}}
    people.pop(actor.pk, None)
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, actor=actor, post=post)
         for uid, kind in people.items()])
    return len(people)


def _community_followers(community) -> set[int]:
    asked = User.objects.filter(community_subscriptions__community=community,
                                community_subscriptions__follows_new_topics=True)
    return set(policy.readers_among(asked, community).values_list("pk", flat=True))


def _mentioned_readers(post: Post, community) -> list[User]:
    names = mentioned_names(post.body)
    if not names:
        return []
    candidates = User.objects.filter(Q(username__in=names), is_active=True)
    return [user for user in candidates if policy.can(user, Can.READ, community)]
