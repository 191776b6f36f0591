"""Starting topics, replying and accepting answers. Views, API and importers call these."""

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.inbox import notify_stewards
from cultivate.communities.models import Community
from cultivate.conversations import links, mailing, notify, queries, search
from cultivate.conversations.models import (
    MAX_BODY,
    MAX_TITLE,
    CommunitySubscription,
    EmailMode,
    Flag,
    FlagReason,
    FlagStatus,
    Helpful,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Topic,
    TopicFollow,
    TopicKind,
    TopicLink,
)
from cultivate.core import content_languages, retention
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.models import tags_from_names
from cultivate.core.page_cache import community_scope, expire, scopes_of
from cultivate.people.models import User
from cultivate.policy import Can

MAX_TAGS = 10
MIN_TITLE = 5


def _clean_topic(kind: str, title: str, body: str, tags) -> tuple[str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    title, body = _text(title), _text(body)
    if kind not in TopicKind.values:
        errors["kind"] = [choose_one_of(TopicKind.values)]
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        errors["title"] = [_("Write a title of %(min)d to %(max)d characters.") % {
            "min": MIN_TITLE, "max": MAX_TITLE}]
    errors.update(_body_errors(body))
    tags = [str(tag) for tag in tags]
    if len(tags) > MAX_TAGS:
        errors["tags"] = [_("Use at most %(max)d tags.") % {"max": MAX_TAGS}]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return title, body, tags


def _text(value) -> str:
    # NUL cannot be stored by PostgreSQL and has no meaning in a post.
    return (value or "").replace("\x00", "").strip()


def _post_language(language: str, community) -> str:
    """The language a post is in: the one given, else the community's main one."""
    language = (language or "").strip().lower()
    if not language:
        return community.main_language
    if language not in content_languages.CODES:
        raise ActionError(_("Please correct the marked fields."), fields={"language": [
            _("Unknown language code. Use a two-letter code such as en, fr or ar.")]})
    return language


def _body_errors(body: str) -> dict:
    if not body:
        return {"body": [_("Write something first.")]}
    if len(body) > MAX_BODY:
        return {"body": [_("Keep a post under %(max)d characters.") % {"max": MAX_BODY}]}
    return {}


@transaction.atomic
def do_start_topic(*, actor, community, kind: str = TopicKind.DISCUSSION, title: str,
                   body: str, tags=(), occurred_at=None, language: str = "") -> Topic:
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.ANNOUNCE if kind == TopicKind.ANNOUNCEMENT else Can.START_TOPIC,
                 community)
    title, body, tags = _clean_topic(kind, title, body, tags)
    language = _post_language(language, community)
    when = occurred_at or timezone.now()
    topic = Topic.objects.create(community=community, kind=kind, title=title, author=actor,
                                 created_at=when, last_posted_at=when)
    topic.tags.set(tags_from_names(tags))
    opening = Post.objects.create(topic=topic, author=actor, body=body, is_opening=True,
                                  created_at=when, language=language)
    search.index_posts([opening.pk])
    links.record_topic_links(opening)
    notify.follow_automatically(actor, topic)
    notify.notify_about(opening, actor=actor)
    mailing.email_post(opening, actor=actor)
    verb = Verb.QUESTION_ASKED if kind == TopicKind.QUESTION else Verb.TOPIC_STARTED
    record_activity(actor=actor, verb=verb, community=community, target=topic,
                    payload={"post": opening.pk, "kind": kind}, occurred_at=when)
    return topic


@transaction.atomic
def do_reply(*, actor, topic: Topic, body: str, reply_to: Post | None = None,
             occurred_at=None, language: str = "") -> Post:
    community = topic.community
    policy.check(policy.standing_of(actor, community), Can.REPLY, community)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.accepts_replies:
        raise Conflict(_("This topic is locked or closed: no new replies."),
                       code="topic_locked")
    body = _text(body)
    if errors := _body_errors(body):
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    language = _post_language(language, community)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise ActionError(_("You can only reply to a post of this topic."),
                          fields={"reply_to": [_("Not in this topic.")]})
    when = occurred_at or timezone.now()
    post = Post.objects.create(topic=topic, author=actor, body=body, reply_to=reply_to,
                               created_at=when, language=language)
    search.index_posts([post.pk])
    links.record_topic_links(post)
    notify.notify_about(post, actor=actor)
    mailing.email_post(post, actor=actor)
    notify.follow_automatically(actor, topic)
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=F("reply_count") + 1, last_posted_at=when)
    verb = Verb.ANSWER_POSTED if topic.kind == TopicKind.QUESTION else Verb.POST_REPLIED
    payload = {"post": post.pk, "reply_to_author": reply_to.author_id if reply_to else None,
               "topic_author": topic.author_id, "topic": topic.pk}
    record_activity(actor=actor, verb=verb, community=community, target=post,
                    payload=payload, occurred_at=when)
    return post


@transaction.atomic
def do_accept_answer(*, actor, topic: Topic, post: Post, occurred_at=None) -> Topic:
    community = topic.community
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.READ, community)
    if not policy.may_accept_answer(actor, standing, topic):
        raise NotAllowed("only the asker or a facilitator accepts an answer")
    if topic.kind != TopicKind.QUESTION:
        raise ActionError(_("Only questions have an accepted answer."), code="not_a_question")
    if post.topic_id != topic.pk or post.is_opening:
        raise ActionError(_("Choose a reply of this question."),
                          fields={"post_id": [_("Not a reply of this question.")]})
    topic.accepted_answer, topic.answered_at = post, occurred_at or timezone.now()
    topic.save(update_fields=["accepted_answer", "answered_at"])
    if post.author_id and post.author_id != actor.pk:
        Notification.objects.create(user_id=post.author_id, kind=NotificationKind.ANSWER_ACCEPTED,
                                    actor=actor, post=post)
    record_activity(actor=actor, verb=Verb.ANSWER_ACCEPTED, community=community, target=post,
                    payload={"topic": topic.pk, "answer_author": post.author_id},
                    occurred_at=occurred_at)
    return topic


MODERATION_FLAGS = ("is_pinned", "is_locked", "is_closed")


@transaction.atomic
def do_moderate_topic(*, actor, topic: Topic, **flags) -> Topic:
    """Pin, lock or close a topic (and undo it): facilitators and conveners."""
    community = topic.community
    policy.check(policy.standing_of(actor, community), Can.MODERATE, community)
    unknown = set(flags) - set(MODERATION_FLAGS)
    if unknown:
        raise ActionError(_("Unknown setting."), fields={name: [_("Unknown.")] for name in unknown})
    changed = {name: bool(value) for name, value in flags.items()
               if value is not None and bool(value) != getattr(topic, name)}
    if changed:
        for name, value in changed.items():
            setattr(topic, name, value)
        topic.save(update_fields=list(changed))
        record_activity(actor=actor, verb=Verb.TOPIC_MODERATED, community=community,
                        target=topic, payload=changed)
        record_audit(actor=actor, verb=Verb.TOPIC_MODERATED, target=topic, community=community,
                     details=changed)
    return topic


@transaction.atomic
def do_move_topic(*, actor, topic: Topic, to_community) -> Topic:
    """Move a topic with its posts to another community; the mover must moderate both."""
    source = topic.community
    policy.check(policy.standing_of(actor, source), Can.MODERATE, source)
    if to_community.pk == source.pk:
        raise ActionError(_("The topic is already in this community."),
                          fields={"community": [_("Choose another community.")]})
    target_verbs = policy.allowed(policy.standing_of(actor, to_community), to_community)
    if Can.MODERATE not in target_verbs:
        raise ActionError(_("You can only move topics to communities you moderate."),
                          fields={"community": [_("You do not moderate that community.")]})
    if topic.kind == TopicKind.ANNOUNCEMENT and Can.ANNOUNCE not in target_verbs:
        raise NotAllowed("announcements need a steward of the target")
    topic.community = to_community
    topic.save(update_fields=["community"])
    record_activity(actor=actor, verb=Verb.TOPIC_MOVED, community=to_community, target=topic,
                    payload={"from": source.pk, "to": to_community.pk})
    expire(community_scope(source.pk))  # it leaves the old community's lists too
    for community in (source, to_community):  # both communities' conveners see the move
        record_audit(actor=actor, verb=Verb.TOPIC_MOVED, target=topic, community=community,
                     details={"from": source.slug, "to": to_community.slug})
    return topic


def move_targets(actor, topic: Topic) -> list[Community]:
    """Communities the actor may move this topic to: those they moderate, but its own."""
    if policy.is_platform_admin(actor):
        found = Community.objects.all()
    else:
        found = Community.objects.filter(
            memberships__user=actor,
            memberships__role__in=[s.value for s in policy.STEWARDS
                                   if s != policy.Standing.ADMIN])
    return list(found.exclude(pk=topic.community_id).order_by("name").only("slug", "name"))


def _check_may_change(actor, post: Post) -> None:
    community = post.topic.community
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.READ, community)
    if not policy.may_change_post(actor, standing, post):
        raise NotAllowed("only the author or a steward changes a post")


@transaction.atomic
def do_edit_post(*, actor, post: Post, body: str, title: str | None = None) -> Post:
    """Replace a post's text (and, for a topic's first post, its title), keeping the previous
    text and title as a revision."""
    _check_may_change(actor, post)
    post = Post.objects.select_for_update().select_related("topic__community").get(pk=post.pk)
    if post.deleted_at is not None:
        raise Conflict(_("A deleted post cannot be edited."), code="post_deleted")
    if post.topic.is_locked:
        raise Conflict(_("This topic is locked."), code="topic_locked")
    topic = post.topic
    retitled = post.is_opening and title is not None and _text(title) != topic.title
    if retitled:
        title, body, _tags = _clean_topic(topic.kind, title, body, ())
    else:
        body = _text(body)
        if errors := _body_errors(body):
            raise ActionError(_("Please correct the marked fields."), fields=errors)
    if body == post.body and not retitled:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=actor,
                                title=topic.title if retitled else "")
    if retitled:
        topic.title = title
        topic.save(update_fields=["title"])
    post.body, post.edited_at = body, timezone.now()
    post.save()
    search.index_posts([post.pk])
    links.record_topic_links(post, edited=True)
    record_activity(actor=actor, verb=Verb.POST_EDITED, community=post.topic.community,
                    target=post)
    if post.author_id != actor.pk:  # a steward rewrote someone's post: moderation
        record_audit(actor=actor, verb=Verb.POST_EDITED, target=post,
                     community=post.topic.community, details={"author": post.author_id})
    return post


@transaction.atomic
def do_delete_post(*, actor, post: Post) -> Post:
    """Soft delete: the post shows as deleted; moderators can still read it, and whoever
    deleted it (or a steward) can restore it within the retention window."""
    _check_may_change(actor, post)
    if post.is_opening:
        raise ActionError(_("The first post of a topic cannot be deleted on its own."),
                          code="opening_post")
    if post.deleted_at is None:
        post.deleted_at, post.deleted_by = timezone.now(), actor
        post.save(update_fields=["deleted_at", "deleted_by"])
        record_activity(actor=actor, verb=Verb.POST_DELETED, community=post.topic.community,
                        target=post)
        record_audit(actor=actor, verb=Verb.POST_DELETED, target=post,
                     community=post.topic.community, details={"topic": post.topic_id})
    return post


@transaction.atomic
def do_restore_post(*, actor, post: Post) -> Post:
    """Undo a deletion: stewards any, a member what they deleted themselves, until the
    retention window ends (core.retention)."""
    community = post.topic.community
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.READ, community)
    if not policy.may_restore_deleted(actor, standing, community, post.deleted_by_id):
        raise NotAllowed("only whoever deleted a post, or a steward, restores it")
    if post.purged_at is not None:
        raise Conflict(_("This post was removed for good."), code="purged")
    if post.deleted_at is not None:
        retention.check_restorable(post.deleted_at)
        post.deleted_at, post.deleted_by = None, None
        post.save(update_fields=["deleted_at", "deleted_by"])
        record_activity(actor=actor, verb=Verb.POST_RESTORED, community=community, target=post)
        record_audit(actor=actor, verb=Verb.POST_RESTORED, target=post, community=community)
    return post


@transaction.atomic
def do_purge_deleted_posts(*, now=None) -> int:
    """Remove for good the text of posts deleted before the retention window (the daily
    purge; the rule acts, so no actor). A post becomes a tombstone rather than disappearing:
    the thread keeps its order, replies still say whom they answered and the Activity log
    still points at a row. Its text, earlier versions, helpful marks and links go."""
    now = now or timezone.now()
    due = list(Post.objects.filter(deleted_at__lt=retention.purge_cutoff(now),
                                   purged_at__isnull=True).select_related("topic__community"))
    ids = [post.pk for post in due]
    if not ids:
        return 0
    PostRevision.objects.filter(post_id__in=ids).delete()
    Helpful.objects.filter(post_id__in=ids).delete()
    TopicLink.objects.filter(from_post_id__in=ids).delete()
    Post.objects.filter(pk__in=ids).update(body="", body_html="", purged_at=now)
    search.index_posts(ids)
    for post in due:
        record_activity(actor=None, verb=Verb.POST_PURGED, community=post.topic.community,
                        target=post, occurred_at=now,
                        payload={"deleted_at": post.deleted_at.isoformat(),
                                 "deleted_by": post.deleted_by_id})
    return len(ids)


@transaction.atomic
def do_mark_helpful(*, actor, post: Post, helpful: bool = True) -> bool:
    """Mark (or unmark) a reply as helpful; not one's own. Returns whether it is marked now."""
    community = post.topic.community
    policy.check(policy.standing_of(actor, community), Can.REPLY, community)
    if post.author_id == actor.pk:
        raise ActionError(_("You cannot mark your own post as helpful."), code="own_post")
    if post.deleted_at is not None:
        raise Conflict(_("This post was deleted."), code="post_deleted")
    existing = Helpful.objects.filter(post=post, user=actor)
    if not helpful:
        if existing.delete()[0]:
            # No Activity row for an unmark, yet counts change.
            expire(community_scope(community.pk), *scopes_of(post))
        return False
    if not existing.exists():
        Helpful.objects.create(post=post, user=actor)
        record_activity(actor=actor, verb=Verb.POST_MARKED_HELPFUL, community=community,
                        target=post, payload={"author": post.author_id})
    return True


@transaction.atomic
def do_flag_post(*, actor, post: Post, reason: str, note: str = "") -> Flag:
    community = post.topic.community
    policy.check(policy.standing_of(actor, community), Can.REPLY, community)
    errors = {}
    if reason not in FlagReason.values:
        errors["reason"] = [choose_one_of(FlagReason.values)]
    note = _text(note)
    if len(note) > 500:
        errors["note"] = [_("Keep the note under 500 characters.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    if post.author_id == actor.pk:
        raise ActionError(_("You cannot flag your own post; edit or delete it instead."),
                          code="own_post")
    if Flag.objects.filter(post=post, user=actor, status=FlagStatus.OPEN).exists():
        raise Conflict(_("You already flagged this post; the moderators will look."),
                       code="already_flagged")
    flag = Flag.objects.create(post=post, user=actor, reason=reason, note=note)
    record_activity(actor=actor, verb=Verb.POST_FLAGGED, community=community, target=post,
                    payload={"reason": reason})
    if not Flag.objects.filter(post=post, status=FlagStatus.OPEN).exclude(pk=flag.pk).exists():
        notify_stewards(community, title=lambda: _("A post was flagged in “%(topic)s”") % {
            "topic": post.topic.title}, link=reverse("conversations:moderation",
                                                    args=[community.slug]) + f"#flagged-{post.pk}",
                        exclude=actor)
    return flag


@transaction.atomic
def do_resolve_flags(*, actor, post: Post, hide: bool) -> int:
    """Hide the post (a soft delete moderators can undo) or dismiss its open flags."""
    community = post.topic.community
    policy.check(policy.standing_of(actor, community), Can.MODERATE, community)
    status = FlagStatus.HIDDEN if hide else FlagStatus.DISMISSED
    resolved = Flag.objects.filter(post=post, status=FlagStatus.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now())
    if hide and post.deleted_at is None:
        post.deleted_at, post.deleted_by = timezone.now(), actor
        post.save(update_fields=["deleted_at", "deleted_by"])
    if resolved:
        record_activity(actor=actor, verb=Verb.FLAGS_RESOLVED, community=community,
                        target=post, payload={"flags": resolved, "decision": status})
        record_audit(actor=actor, verb=Verb.FLAGS_RESOLVED, target=post, community=community,
                     details={"flags": resolved, "decision": status})
    return resolved


@transaction.atomic
def do_set_following(*, actor, topic: Topic, following: bool) -> TopicFollow:
    community = topic.community
    policy.check(policy.standing_of(actor, community), Can.READ, community)
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")
    follow, _created = TopicFollow.objects.update_or_create(
        topic=topic, user=actor, defaults={"following": following})
    return follow


@transaction.atomic
def do_mark_notifications_read(*, actor, ids=None) -> int:
    """Mark some (or all) of the actor's unread notifications read."""
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    return unread.update(read_at=timezone.now())


@transaction.atomic
def do_set_subscription(*, actor, community, email_mode: str | None = None,
                        follows_new_topics: bool | None = None) -> CommunitySubscription:
    """Choose how one hears about a community: mail per post, a digest or nothing, and
    in-app notifications of new topics."""
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in first")
    policy.check(policy.standing_of(actor, community), Can.READ, community)
    if email_mode is not None and email_mode not in EmailMode.values:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"email_mode": [choose_one_of(EmailMode.values)]})
    subscription = queries.subscription_of(actor, community)
    if email_mode is not None and email_mode != subscription.email_mode:
        if email_mode in mailing.DIGEST_PERIODS and (
                subscription.email_mode not in mailing.DIGEST_PERIODS
                or subscription.last_digest_at is None):
            subscription.last_digest_at = timezone.now()  # a digest starts from the choice
        subscription.email_mode = email_mode
    if follows_new_topics is not None:
        subscription.follows_new_topics = bool(follows_new_topics)
    if subscription.last_digest_at is None:
        subscription.last_digest_at = timezone.now()
    subscription.save()
    return subscription


@transaction.atomic
def do_unsubscribe(*, token: str) -> tuple[User, Community | None]:
    """Stop mail by a signed link: one community's, or every digest (community id 0).
    Needs no sign-in: the link in the mail is the proof."""
    found = mailing.read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        raise ActionError(_("This unsubscribe link is not valid. Sign in to change your mail "
                            "settings."), code="bad_token")
    community_id = found[1]
    if community_id == mailing.ALL_DIGESTS:
        mailing.ensure_default_subscriptions(timezone.now(), user=user)
        CommunitySubscription.objects.filter(
            user=user, email_mode__in=list(mailing.DIGEST_PERIODS)).update(
            email_mode=EmailMode.NOTHING)
        return user, None
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise ActionError(_("This community no longer exists."), code="bad_token")
    CommunitySubscription.objects.update_or_create(
        user=user, community=community,
        defaults={"email_mode": EmailMode.NOTHING},
        create_defaults={"email_mode": EmailMode.NOTHING, "last_digest_at": timezone.now()})
    return user, community
