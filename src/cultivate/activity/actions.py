"""The one way anything writes to the activity log."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.core.page_cache import community_scope, expire, expire_all, scopes_of

MANY_SCOPES = 1000


class Verb:
    """Verbs the foundation records. Later apps add their own strings in the same style."""

    COMMUNITY_CREATED = "community.created"
    CHARTER_EDITED = "community.charter_edited"
    MEMBER_JOINED = "member.joined"
    MEMBER_LEFT = "member.left"
    MEMBER_REMOVED = "member.removed"
    ROLE_CHANGED = "member.role_changed"
    JOIN_REQUESTED = "join.requested"
    JOIN_APPROVED = "join.approved"
    JOIN_DECLINED = "join.declined"
    JOIN_WITHDRAWN = "join.withdrawn"
    INVITATION_SENT = "invitation.sent"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_REVOKED = "invitation.revoked"
    PROFILE_EDITED = "profile.edited"
    ACCOUNT_CLAIM_REQUESTED = "account.claim_requested"
    ACCOUNT_CLAIM_WITHDRAWN = "account.claim_withdrawn"
    ACCOUNT_CLAIM_DECLINED = "account.claim_declined"
    ACCOUNT_CLAIMED = "account.claimed"  # approved: the placeholder was merged into the claimant
    TOPIC_STARTED = "topic.started"
    QUESTION_ASKED = "question.asked"
    POST_REPLIED = "post.replied"
    ANSWER_POSTED = "answer.posted"
    ANSWER_ACCEPTED = "answer.accepted"
    IMPORT_COMPLETED = "import.completed"
    TOPIC_MODERATED = "topic.moderated"
    TOPIC_MOVED = "topic.moved"
    METHOD_CREATED = "method.created"
    METHOD_EDITED = "method.edited"
    METHOD_SETTINGS = "method.settings_changed"
    STORY_TOLD = "story.told"
    STORY_COMMENTED = "story.commented"
    STORY_EDITED = "story.edited"
    PRACTITIONER_ADDED = "practitioner.added"
    POST_EDITED = "post.edited"
    POST_DELETED = "post.deleted"
    POST_RESTORED = "post.restored"
    POST_PURGED = "post.purged"  # removed for good after the restore window; no actor
    POST_MARKED_HELPFUL = "post.marked_helpful"
    POST_FLAGGED = "post.flagged"
    FLAGS_RESOLVED = "flags.resolved"
    ATTACHMENT_UPLOADED = "attachment.uploaded"
    RESOURCE_ADDED = "resource.added"
    RESOURCE_EDITED = "resource.edited"
    RESOURCE_DELETED = "resource.deleted"
    RESOURCE_RESTORED = "resource.restored"
    RESOURCE_PURGED = "resource.purged"  # removed for good, with its file; no actor
    KEY_RESOURCES_CURATED = "resource.curated"
    COMMUNITY_VISITED = "community.visited"  # at most once per person, community and day
    LIVE_JOINED = "live.joined"  # took part in an event's backchannel: attendance
    LIVE_QUESTION_ASKED = "live.question_asked"
    LIVE_COMMENTED = "live.commented"
    LIVE_HARVESTED = "live.harvested"
    EVENT_PLANNED = "event.planned"
    EVENT_CHANGED = "event.changed"
    EVENT_CANCELLED = "event.cancelled"
    EVENT_RSVP = "event.rsvp"
    EVENT_OUTCOME_RECORDED = "event.outcome_recorded"
    EVENT_ATTENDED = "event.attended"  # checked in (list or code): attendance
    EVENT_FEEDBACK_GIVEN = "event.feedback_given"
    APPLIED_RECORDED = "value.applied"  # "I applied this"
    FOLLOW_UP_ANSWERED = "value.follow_up_answered"
    VALUE_STORY_PUBLISHED = "value.story_published"
    STEP_CORROBORATED = "value.step_corroborated"
    INDICATOR_VALUE_ENTERED = "value.indicator_value_entered"


def record_activity(
    *,
    actor,
    verb: str,
    community=None,
    target: models.Model | None = None,
    payload: dict | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    expire(*_touched(community, target))
    return Activity.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        community=community,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        payload=payload or {},
        occurred_at=occurred_at or timezone.now(),
    )


def record_activities(entries) -> int:
    """Bulk variant for importers: each entry takes record_activity's keyword arguments."""
    types: dict[type, ContentType] = {}
    rows, touched = [], set()
    for entry in entries:
        target, actor = entry.get("target"), entry.get("actor")
        touched.update(_touched(entry.get("community"), target))
        if target is not None and type(target) not in types:
            types[type(target)] = ContentType.objects.get_for_model(target)
        rows.append(Activity(
            actor=actor if actor is not None and actor.is_authenticated else None,
            verb=entry["verb"], community=entry.get("community"),
            target_type=types[type(target)] if target is not None else None,
            target_id=target.pk if target is not None else None,
            payload=entry.get("payload") or {},
            occurred_at=entry.get("occurred_at") or timezone.now()))
    Activity.objects.bulk_create(rows, batch_size=1000)
    if len(touched) > MANY_SCOPES:  # an import: renewing each scope would cost more
        expire_all()
    else:
        expire(*touched)
    return len(rows)


def _touched(community, target) -> list[str]:
    """What cached pages an activity changes: its community's and its target's."""
    scopes = [community_scope(getattr(community, "pk", community))] if community is not None else []
    return scopes + (scopes_of(target) if target is not None else [])


def record_visit(*, user, community) -> None:
    """Reading counts too (peripheral participation): one row per person, community and day.
    The cache remembers today's visits so a page view costs no query after the first; cached
    pages are not invalidated by it (reading changes nothing shown)."""
    from django.core.cache import cache

    if user is None or not user.is_authenticated:
        return
    today = timezone.now().date()
    if cache.add(f"visit:{today}:{community.pk}:{user.pk}", 1, timeout=26 * 3600):
        Activity.objects.create(actor=user, verb=Verb.COMMUNITY_VISITED, community=community)
