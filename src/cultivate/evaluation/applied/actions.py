"""Recording "I applied this", withdrawing it, the follow-up some weeks later and its answer.

Views and the API call these; the task worker calls `send_due_follow_ups` (never a request).
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.conversations.mailing import member_message
from cultivate.conversations.models import (
    Notification,
    NotificationKind,
)
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.i18n import speaking
from cultivate.core.mail import send_messages
from cultivate.core.page_cache import community_scope, expire, scopes_of
from cultivate.evaluation.applied import targets
from cultivate.evaluation.applied.models import (
    MAX_CHANGE,
    MAX_NOTE,
    AppliedKind,
    AppliedRecord,
    Difference,
    FigureKind,
    FollowUp,
)
from cultivate.policy import Can

MAX_FOR_WHOM = 200
MAX_UNIT = 40
MAX_FIGURE = Decimal("999999999999")


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def follow_up_delay() -> timedelta:
    return timedelta(weeks=float(settings.CULTIVATE_FOLLOW_UP_WEEKS))


def appliable(actor, kind: str, target_id) -> targets.Target:
    """The target, if the actor may say they applied it; NotAllowed (404) otherwise."""
    if kind not in targets.MODELS:
        raise ActionError(choose_one_of(targets.MODELS), code="bad_kind",
                          fields={"kind": [choose_one_of(targets.MODELS)]})
    target = targets.find(kind, target_id)
    if target is None:
        raise NotAllowed("nothing to apply here", hide=True)
    standing = policy.standing_of(actor, target.community)
    if Can.READ not in policy.allowed(standing, target.community):
        raise NotAllowed("nothing to apply here", hide=True)
    policy.check(standing, Can.RECORD_APPLIED, target.community)
    return target


def _clean_note(note) -> str:
    note = _text(note)
    if len(note) > MAX_NOTE:
        message = _("Keep it to %(max)s characters.") % {"max": MAX_NOTE}
        raise ActionError(message, code="too_long", fields={"note": [message]})
    return note


@transaction.atomic
def do_record_applied(*, actor, kind: str, target_id, note: str = "") -> AppliedRecord:
    """Record (or, a second time, change the note of) the actor's "I applied this"."""
    target = appliable(actor, kind, target_id)
    note = _clean_note(note)
    content_type = targets.content_type_of(kind)
    record = (AppliedRecord.objects.select_for_update()
              .filter(user=actor, target_type=content_type, target_id=target.obj.pk).first())
    if record is not None:
        record.note = note
        record.save(update_fields=["note"])
        return record
    now = timezone.now()
    record = AppliedRecord.objects.create(
        community=target.community, user=actor, kind=kind, target_type=content_type,
        target_id=target.obj.pk, note=note, created_at=now,
        follow_up_due_at=now + follow_up_delay())
    record_activity(actor=actor, verb=Verb.APPLIED_RECORDED, community=target.community,
                    target=target.obj, payload={"kind": kind, "applied": record.pk})
    return record


def applied_from_feedback(feedback) -> None:
    """An attendee's "what will you apply" after an event becomes their applied record of the
    event (its follow-up asks weeks later whether it made a difference)."""
    if feedback.will_apply:
        do_record_applied(actor=feedback.user, kind=AppliedKind.EVENT,
                          target_id=feedback.event_id, note=feedback.will_apply[:MAX_NOTE])


@transaction.atomic
def do_withdraw_applied(*, actor, kind: str, target_id) -> bool:
    """Take back one's "I applied this" (and its follow-up); False when there was none."""
    target = appliable(actor, kind, target_id)
    deleted, _rows = AppliedRecord.objects.filter(
        user=actor, target_type=targets.content_type_of(kind), target_id=target.obj.pk).delete()
    if deleted:
        expire(community_scope(target.community.pk), *scopes_of(target.obj))
    return bool(deleted)


def own_record(actor, record_id) -> AppliedRecord:
    """The actor's own applied record; 404 for anybody else's."""
    if not policy.is_signed_in(actor) or not str(record_id).isdigit():
        raise NotAllowed("no such record", hide=True)
    record = (AppliedRecord.objects.select_related("community")
              .filter(pk=int(record_id), user=actor).first())
    if record is None:
        raise NotAllowed("no such record", hide=True)
    return record


def _figure(values: dict, errors: dict) -> tuple[str, Decimal | None, str]:
    kind = _text(values.get("figure_kind"))
    raw = _text(values.get("figure_value"))
    unit = _text(values.get("figure_unit"))
    if kind and kind not in FigureKind.values:
        errors["figure_kind"] = [choose_one_of(FigureKind.values)]
    number = None
    if raw:
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            errors["figure_value"] = [_("Write a number, such as 12 or 3.5.")]
        else:
            if not number.is_finite() or abs(number) > MAX_FIGURE:
                errors["figure_value"] = [_("Write a number, such as 12 or 3.5.")]
                number = None
            elif not kind:
                errors["figure_kind"] = [_("Say what the figure is.")]
    if len(unit) > MAX_UNIT:
        errors["figure_unit"] = [_("Keep it to %(max)s characters.") % {"max": MAX_UNIT}]
    return kind, number, unit


@transaction.atomic
def do_answer_follow_up(*, actor, record_id, values: dict) -> FollowUp:
    """Save the member's answer to "did it make a difference?" (once; a second answer edits)."""
    record = own_record(actor, record_id)
    policy.check(policy.standing_of(actor, record.community), Can.RECORD_APPLIED,
                 record.community)
    errors: dict[str, list[str]] = {}
    difference = _text(values.get("difference"))
    if difference not in Difference.values:
        errors["difference"] = [_("Choose yes, not yet or no.")]
    what_changed = _text(values.get("what_changed"))
    if len(what_changed) > MAX_CHANGE:
        errors["what_changed"] = [_("Keep it to %(max)s characters.") % {"max": MAX_CHANGE}]
    if difference == Difference.YES and not what_changed:
        errors["what_changed"] = [_("Say in a sentence what changed.")]
    for_whom = _text(values.get("for_whom"))
    if len(for_whom) > MAX_FOR_WHOM:
        errors["for_whom"] = [_("Keep it to %(max)s characters.") % {"max": MAX_FOR_WHOM}]
    figure_kind, figure_value, figure_unit = _figure(values, errors)
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    answer = {"difference": difference, "what_changed": what_changed, "for_whom": for_whom,
              "figure_kind": figure_kind if figure_value is not None else "",
              "figure_value": figure_value, "figure_unit": figure_unit,
              "may_quote": str(values.get("may_quote", "")).lower() in ("1", "true", "on", "yes"),
              "answered_at": timezone.now()}
    follow_up, created = FollowUp.objects.update_or_create(applied=record, defaults=answer)
    if record.follow_up_sent_at is None:  # answered before the mail: no mail any more
        AppliedRecord.objects.filter(pk=record.pk).update(follow_up_sent_at=timezone.now())
    if created:
        record_activity(actor=actor, verb=Verb.FOLLOW_UP_ANSWERED, community=record.community,
                        target=follow_up, payload={"difference": difference,
                                                   "applied": record.pk})
    else:
        expire(community_scope(record.community_id))
    return follow_up


# --- the follow-up mail, sent by the task worker ----------------------------------------------

def due_records(now):
    return AppliedRecord.objects.filter(follow_up_sent_at__isnull=True, follow_up_due_at__lte=now)


def send_due_follow_ups(now=None) -> int:
    """Ask every member whose applied record is due "did it make a difference?": one in-app
    notice and, unless they turned the community's mail off, one mail. Each record is claimed
    by a conditional update first, so two workers never ask twice."""
    now = now or timezone.now()
    sent = 0
    for record_id in list(due_records(now).values_list("pk", flat=True)[:500]):
        sent += _follow_up(record_id, now)
    return sent


def _follow_up(record_id: int, now) -> int:
    with transaction.atomic():
        claimed = AppliedRecord.objects.filter(pk=record_id, follow_up_sent_at__isnull=True
                                               ).update(follow_up_sent_at=now)
        if not claimed:
            return 0
        record = AppliedRecord.objects.select_related("user", "community").get(pk=record_id)
        target = targets.describe_many([record]).get(record.pk)
        with speaking(record.user):
            title = target.title if target else _("something you applied")
        link = reverse("evaluation:follow-up", kwargs={"record_id": record.pk})
        Notification.objects.create(user=record.user, kind=NotificationKind.FOLLOW_UP,
                                    link=link, title=title[:200], created_at=now)
        message = _mail(record, title, link)
    if message is not None:
        try:
            send_messages([message])
        except Exception:
            # The mail server refused: release the claim so the next run asks again.
            AppliedRecord.objects.filter(pk=record_id).update(follow_up_sent_at=None)
            Notification.objects.filter(user_id=record.user_id, link=link).delete()
            raise
    return 1


def _mail(record: AppliedRecord, title: str, link: str):
    return member_message(record.user, record.community,
                          template="evaluation/applied/email/follow_up",
                          context={"record": record, "title": title,
                                   "url": settings.SITE_URL + link,
                                   "weeks": settings.CULTIVATE_FOLLOW_UP_WEEKS},
                          list_name="follow-up")


def kind_label(kind: str) -> str:
    return str(AppliedKind(kind).label) if kind in AppliedKind.values else kind


__all__ = ["Conflict"]
