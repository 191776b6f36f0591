"""Conversation mail: a message per post for those who asked for it, daily and weekly digests
for the rest, and unsubscribe links that work without signing in (RFC 8058 one-click).

Digests are sent by `send_due_digests`, run by `cultivate send-digests` (cron, systemd timer)
or by the clock `cultivate run` starts. Each subscription is claimed with a conditional update
before its digest is built, so clocks in several processes never send one digest twice.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from cultivate import policy
from cultivate.communities.models import Community, Membership
from cultivate.conversations.models import (
    CommunitySubscription,
    EmailMode,
    Post,
    Topic,
    TopicKind,
)
from cultivate.conversations.reply_address import community_address, mail_domain, reply_address
from cultivate.core.errors import NotAllowed
from cultivate.core.i18n import language_of
from cultivate.core.mail import (
    list_message,
    resume_mail,
    send_messages,
    send_messages_after_commit,
)
from cultivate.people.models import User

UNSUBSCRIBE_SALT = "cultivate.conversations.unsubscribe"
ALL_DIGESTS = 0  # the community id in a token that stops every digest at once
DIGEST_PERIODS = {EmailMode.DAILY: timedelta(days=1), EmailMode.WEEKLY: timedelta(days=7),
                  EmailMode.MONTHLY: timedelta(days=30)}
# An hourly clock may come round a little before a full period has passed.
CLOCK_SLACK = timedelta(minutes=65)
DIGEST_TOPICS = 10


def unsubscribe_token(user_id: int, community_id: int) -> str:
    return signing.dumps([user_id, community_id], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """(user id, community id) for a token we signed; None for anything else.
    Tokens do not expire: a link in a year-old mail must still stop the mail."""
    try:
        user_id, community_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(user_id, int) and isinstance(community_id, int)):
        return None
    return user_id, community_id


def unsubscribe_url(user_id: int, community_id: int) -> str:
    path = reverse("conversations:unsubscribe",
                   kwargs={"token": unsubscribe_token(user_id, community_id)})
    return settings.SITE_URL + path


def _list_id(community: Community | None) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"{community.slug if community else 'digest'}.{host}"


def member_message(person, community: Community, *, template: str, context: dict,
                   list_name: str):
    """A one-off mail to a member about their community (a follow-up, a survey, a feedback
    form), or None when they have no address, turned the community's mail off, or may no
    longer read it. The list id names what the mail is, so filters can sort it."""
    if not person.email or not person.is_active:
        return None
    mode = (CommunitySubscription.objects.filter(user=person, community=community)
            .values_list("email_mode", flat=True).first())
    if mode == EmailMode.NOTHING:
        return None
    if policy.Can.READ not in policy.allowed(policy.standing_of(person, community), community):
        return None
    return list_message(to=person.email, template=template,
                        context={"person": person, "community": community, **context},
                        unsubscribe_url=unsubscribe_url(person.pk, community.pk),
                        list_id=f"{list_name}.{community.slug}", language=language_of(person))


# --- a mail for every post ---------------------------------------------------------------

def post_message_id(post_id: int, topic_id: int) -> str:
    """The Message-ID of every copy of a post's mail: the same for each recipient, so replies
    from anyone thread under it, and mail_in can tell which post a reply answers."""
    return f"<post-{post_id}.{topic_id}@{mail_domain()}>"


def threading_headers(post: Post, community: Community) -> dict:
    """Message-ID, In-Reply-To and References (the topic's opening post, and the post it
    replies to), and where to write to the whole community (RFC 2369 List-Post)."""
    topic = post.topic
    headers = {"Message-ID": post_message_id(post.pk, topic.pk),
               "List-Post": f"<mailto:{community_address(community)}>"}
    if not post.is_opening:
        opening_id = (Post.objects.filter(topic=topic, is_opening=True)
                      .values_list("pk", flat=True).first())
        parents = [post_message_id(pk, topic.pk) for pk in (opening_id, post.reply_to_id)
                   if pk is not None]
        parents = list(dict.fromkeys(parents))
        if parents:
            headers["In-Reply-To"] = parents[-1]
            headers["References"] = " ".join(parents)
    return headers


def email_post(post: Post, *, actor) -> int:
    """Queue one mail per reader who asked for every post of the community; sent on commit.
    Each can be answered: its Reply-To carries the reader's own reply token."""
    topic = post.topic
    community = topic.community
    subscribers = User.objects.filter(
        community_subscriptions__community=community,
        community_subscriptions__email_mode=EmailMode.EVERY_POST,
    ).exclude(pk=actor.pk).exclude(email="")
    recipients = policy.readers_among(subscribers, community).only("pk", "email", "language")
    context = {"post": post, "topic": topic, "community": community, "actor": actor,
               "url": settings.SITE_URL + topic.get_absolute_url() + f"#post-{post.pk}",
               "community_address": community_address(community)}
    headers = threading_headers(post, community)
    messages = [
        list_message(to=person.email, template="conversations/email/post", context=context,
                     unsubscribe_url=unsubscribe_url(person.pk, community.pk),
                     list_id=_list_id(community), language=language_of(person),
                     headers=headers, reply_to=reply_address(person, post=post))
        for person in recipients
    ]
    send_messages_after_commit(messages)
    return len(messages)


@transaction.atomic
def do_resume_mail(*, actor, email: str) -> bool:
    """Turn mail back on for one's own address after it bounced. True when it was off."""
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")
    if email.strip().lower() != (actor.email or "").strip().lower() and not (
            policy.has_verified_email(actor, email)):
        raise NotAllowed("not your address")
    return resume_mail(email)


# --- digests -----------------------------------------------------------------------------

@dataclass
class CommunityNews:
    community: Community
    since: datetime
    new_topics: list = field(default_factory=list)
    busy_topics: list = field(default_factory=list)  # (topic, new replies)
    waiting_questions: int = 0
    unsubscribe_url: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.new_topics or self.busy_topics)


def ensure_default_subscriptions(now: datetime, *, user=None) -> int:
    """Give members who never chose (all, or one person) the default digest, starting now."""
    members = Membership.objects.filter(user__is_active=True)
    if user is not None:
        members = members.filter(user=user)
    chosen = CommunitySubscription.objects.filter(user_id=OuterRef("user_id"),
                                                  community_id=OuterRef("community_id"))
    missing = members.exclude(Exists(chosen)).values_list("user_id", "community_id")
    rows = [CommunitySubscription(user_id=user_id, community_id=community_id, last_digest_at=now)
            for user_id, community_id in missing.iterator()]
    CommunitySubscription.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def send_due_digests(now: datetime | None = None) -> int:
    """Send every digest that is due now. Returns how many mails went out."""
    now = now or timezone.now()
    ensure_default_subscriptions(now)
    due = Q()
    for mode, period in DIGEST_PERIODS.items():
        due |= Q(email_mode=mode, last_digest_at__lte=now - period + CLOCK_SLACK)
    user_ids = (CommunitySubscription.objects.filter(due, user__is_active=True)
                .exclude(user__email="").values_list("user_id", flat=True).distinct())
    return sum(_send_digest(user_id, now, due) for user_id in list(user_ids))


def _send_digest(user_id: int, now: datetime, due: Q) -> int:
    with transaction.atomic():
        news = [item for item in _claim_news(user_id, now, due) if not item.is_empty]
        if not news:
            return 0
        user = User.objects.get(pk=user_id)
        message = list_message(
            to=user.email, template="conversations/email/digest",
            context={"person": user, "news": news, "now": now,
                     "settings_url": settings.SITE_URL + reverse("conversations:email-settings")},
            unsubscribe_url=unsubscribe_url(user_id, ALL_DIGESTS), list_id=_list_id(None),
            language=language_of(user))
        # Inside the transaction: if the mail server refuses, the claims roll back and the
        # next run tries again.
        return send_messages([message])


def _claim_news(user_id: int, now: datetime, due: Q) -> list[CommunityNews]:
    news = []
    subscriptions = (CommunitySubscription.objects.filter(due, user_id=user_id)
                     .select_related("community", "user"))
    for subscription in subscriptions:
        claimed = CommunitySubscription.objects.filter(
            pk=subscription.pk, last_digest_at=subscription.last_digest_at,
        ).update(last_digest_at=now)
        if not claimed:  # another clock took it
            continue
        community = subscription.community
        if not policy.can(subscription.user, policy.Can.READ, community):
            continue
        news.append(_news_for(community, subscription.user, subscription.last_digest_at, now))
    return news


def _news_for(community: Community, user, since: datetime, until: datetime) -> CommunityNews:
    window = {"created_at__gt": since, "created_at__lte": until}
    new_topics = list(Topic.objects.filter(community=community, **window)
                      .exclude(author=user).select_related("author")
                      .order_by("-created_at")[:DIGEST_TOPICS])
    replies = (Post.objects.filter(topic__community=community, is_opening=False,
                                   deleted_at__isnull=True, **window)
               .exclude(author=user).values("topic").annotate(n=Count("id"))
               .order_by("-n")[:DIGEST_TOPICS])
    counts = {row["topic"]: row["n"] for row in replies}
    topics = Topic.objects.in_bulk(list(counts))
    busy = [(topics[pk], n) for pk, n in counts.items() if pk in topics]
    waiting = Topic.objects.filter(community=community, kind=TopicKind.QUESTION,
                                   reply_count=0, is_closed=False).count()
    return CommunityNews(community=community, since=since, new_topics=new_topics,
                         busy_topics=busy, waiting_questions=waiting,
                         unsubscribe_url=unsubscribe_url(user.pk, community.pk))
