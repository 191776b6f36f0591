"""Who hears about a post: followers of its topic and the people it mentions.

Called by the posting actions inside their transaction; the notifications and the follows are
written with them, so a rolled-back post notifies nobody.
"""

import re

from django.db.models import Q

from cultivate import policy
from cultivate.conversations.models import Notification, NotificationKind, Post, TopicFollow
from cultivate.people.models import User
from cultivate.policy import Can

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
MAX_MENTIONS = 20


def follow_automatically(user, topic) -> None:
    """Authors and repliers follow a topic, unless they turned it off before."""
    TopicFollow.objects.get_or_create(topic=topic, user=user)


def notify_about(post: Post, *, actor) -> int:
    """One notification per person: a mention wins over a plain reply. Returns how many."""
    topic = post.topic
    mentioned = _mentioned_readers(post, topic.community)
    followers = set(TopicFollow.objects.filter(topic=topic, following=True)
                    .values_list("user_id", flat=True))
    people = {**{uid: NotificationKind.REPLY for uid in followers if not post.is_opening},
              **{user.pk: NotificationKind.MENTION for user in mentioned}}
    people.pop(actor.pk, None)
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, actor=actor, post=post)
         for uid, kind in people.items()])
    return len(people)


def _mentioned_readers(post: Post, community) -> list[User]:
    names = list(dict.fromkeys(MENTION.findall(post.body)))[:MAX_MENTIONS]
    if not names:
        return []
    candidates = User.objects.filter(Q(username__in=names), is_active=True)
    return [user for user in candidates if policy.can(user, Can.READ, community)]
