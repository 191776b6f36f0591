"""Who was there: facilitators tick a check-in list, or members check themselves in with the
room's code, for any occurrence, whether or not the live backchannel ran. Each new attendance
is an activity (Verb.EVENT_ATTENDED), so it counts in levels and dashboards. After the
occurrence, attendees are asked two questions (feedback)."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.activity.models import Activity
from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError, Conflict
from cultivate.events import recurrence
from cultivate.events.actions import which_occurrence
from cultivate.events.models import Attendance, CheckIn, Event, EventFeedback
from cultivate.policy import Can

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CHECK_IN_OPENS = timedelta(minutes=30)  # before the start
CHECK_IN_CLOSES = timedelta(hours=6)  # after the end
FEEDBACK_DAYS = 14  # how long after an occurrence its feedback is taken
MAX_LIST = 500
# Called with each saved feedback (value creation turns "what will you apply" into an applied
# record); events do not know who listens.
FEEDBACK_LISTENERS: list = []


def check_in_code(event: Event, occurrence) -> str:
    """The code shown in the room for one occurrence: derived, not stored, and different for
    every occurrence so a code from last week does not work today."""
    message = f"check-in:{event.pk}:{recurrence.occurrence_key(occurrence)}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def occurrence_of(event: Event, occurrence):
    """(original start, Occurrence) for an event that repeats or not."""
    original = which_occurrence(event, occurrence) if event.is_repeating else event.starts_at
    if event.is_repeating:
        return original, recurrence.find(event, original)
    return original, recurrence.Occurrence(event.starts_at, event.starts_at, event.ends_at,
                                           cancelled=event.is_cancelled)


def _record(event: Event, original, user, *, how: str, actor) -> bool:
    """Store one attendance and its activity; False when it was already there."""
    row, created = Attendance.objects.get_or_create(
        event=event, occurrence=original, user=user,
        defaults={"how": how, "recorded_by": actor})
    if created:
        record_activity(actor=user, verb=Verb.EVENT_ATTENDED, community=event.community,
                        target=event, occurred_at=min(original, timezone.now()),
                        payload={"occurrence": recurrence.occurrence_key(original),
                                 "how": how})
    return created


@transaction.atomic
def do_record_attendance(*, actor, event: Event, occurrence=None, present=(),
                         absent=()) -> dict:
    """Tick (`present`) and untick (`absent`) members on an occurrence's list (user ids).
    Stewards, once the occurrence has started. Unticking removes the attendance and its
    activity, so a slip of the finger does not count."""
    community = event.community
    policy.check(policy.standing_of(actor, community), Can.RECORD_ATTENDANCE, community)
    original, item = occurrence_of(event, occurrence)
    if item is None or item.cancelled:
        raise Conflict(_("This occurrence was cancelled."), code="event_cancelled")
    if item.starts_at - CHECK_IN_OPENS > timezone.now():
        raise Conflict(_("Attendance is taken once the event has started."),
                       code="not_started")
    present_ids, absent_ids = _ids(present, "present"), _ids(absent, "absent")
    members = set(Membership.objects.filter(community=community,
                                            user_id__in=present_ids | absent_ids)
                  .values_list("user_id", flat=True))
    strangers = (present_ids | absent_ids) - members
    if strangers:
        raise ActionError(_("Only members of the community can be checked in."),
                          fields={"present": [_("Not members: %(ids)s") % {
                              "ids": ", ".join(str(i) for i in sorted(strangers))}]})
    users = get_user_model().objects.in_bulk(present_ids)
    added = sum(_record(event, original, users[pk], how=CheckIn.LIST, actor=actor)
                for pk in sorted(present_ids - absent_ids))
    removed = _remove(event, original, absent_ids - present_ids)
    return {"added": added, "removed": removed}


def _ids(values, field: str) -> set[int]:
    values = list(values or ())
    if len(values) > MAX_LIST:
        raise ActionError(_("At most %(max)d people at a time.") % {"max": MAX_LIST},
                          fields={field: [_("Too many.")]})
    try:
        return {int(value) for value in values}
    except (TypeError, ValueError) as error:
        raise ActionError(_("Please correct the marked fields."),
                          fields={field: [_("Give people by their ids.")]}) from error


def _remove(event: Event, original, user_ids: set[int]) -> int:
    if not user_ids:
        return 0
    removed, _kinds = Attendance.objects.filter(event=event, occurrence=original,
                                                user_id__in=user_ids).delete()
    Activity.objects.filter(
        verb=Verb.EVENT_ATTENDED, actor_id__in=user_ids,
        target_type=ContentType.objects.get_for_model(Event), target_id=event.pk,
        payload__occurrence=recurrence.occurrence_key(original)).delete()
    return removed


@transaction.atomic
def do_check_in(*, actor, event: Event, code: str, occurrence=None) -> bool:
    """A member checks themselves in with the code shown in the room, from half an hour
    before the start to six hours after the end. True when newly recorded."""
    community = event.community
    policy.check(policy.standing_of(actor, community), Can.CHECK_IN, community)
    original, item = _current_occurrence(event, occurrence)
    typed = str(code or "").strip().upper().replace(" ", "")[:20]
    # compare_digest refuses text beyond ASCII: such a code is wrong anyway
    if not typed.isascii() or not hmac.compare_digest(typed, check_in_code(event, original)):
        raise ActionError(_("This is not the code shown in the room."),
                          fields={"code": [_("Check the code and try again.")]})
    return _record(event, original, actor, how=CheckIn.CODE, actor=actor)


def _current_occurrence(event: Event, occurrence):
    """The occurrence open for check-in now (the given one, or the one happening now)."""
    now = timezone.now()
    if occurrence is None and event.is_repeating:
        happening = [item for item in recurrence.occurrences(
            event, since=now - CHECK_IN_CLOSES, until=now + CHECK_IN_OPENS)
            if not item.cancelled]
        if not happening:
            raise Conflict(_("Check-in opens half an hour before the event starts."),
                           code="check_in_closed")
        occurrence = happening[0].original_start
    original, item = occurrence_of(event, occurrence)
    if item is None or item.cancelled:
        raise Conflict(_("This occurrence was cancelled."), code="event_cancelled")
    if not item.starts_at - CHECK_IN_OPENS <= now <= item.ends_at + CHECK_IN_CLOSES:
        raise Conflict(_("Check-in is open from half an hour before the start to six hours "
                         "after the end."), code="check_in_closed")
    return original, item


def attendance_list(event: Event, original) -> list:
    """Members to tick for an occurrence: those checked in, then those who said going or
    maybe, then the rest of the members (first MAX_LIST), each with `present`."""
    from cultivate.events.models import Rsvp

    present = set(Attendance.objects.filter(event=event, occurrence=original)
                  .values_list("user_id", flat=True))
    occurrence = original if event.is_repeating else None
    answered = dict(Rsvp.objects.filter(event=event, occurrence=occurrence)
                    .values_list("user_id", "answer"))
    memberships = (Membership.objects.filter(community=event.community)
                   .select_related("user").order_by("user__username")[:MAX_LIST])
    people = [{"user": m.user, "present": m.user_id in present,
               "answer": answered.get(m.user_id, "")} for m in memberships]
    rank = {"going": 1, "maybe": 2}
    people.sort(key=lambda p: (not p["present"], rank.get(p["answer"], 3),
                               p["user"].username))
    return people


@transaction.atomic
def do_give_feedback(*, actor, event: Event, occurrence=None, usefulness=None,
                     will_apply: str = "") -> EventFeedback:
    """An attendee says how useful an occurrence was (1-5) and what they will apply; once
    per occurrence (a second answer replaces the first), within FEEDBACK_DAYS of its end."""
    original, item = occurrence_of(event, occurrence)
    if not Attendance.objects.filter(event=event, occurrence=original, user=actor).exists():
        raise Conflict(_("Feedback comes from those who were there."), code="not_attended")
    errors = {}
    try:
        score = int(str(usefulness).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors["usefulness"] = [_("Choose from 1 (not useful) to 5 (very useful).")]
    text = str(will_apply or "").replace("\x00", "").strip()
    if len(text) > 2000:
        errors["will_apply"] = [_("Keep this under %(max)d characters.") % {"max": 2000}]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    if item is not None and item.ends_at + timedelta(days=FEEDBACK_DAYS) < timezone.now():
        raise Conflict(_("Feedback on this event has closed."), code="feedback_closed")
    feedback, created = EventFeedback.objects.update_or_create(
        event=event, occurrence=original, user=actor,
        defaults={"usefulness": score, "will_apply": text, "given_at": timezone.now()})
    if created:
        record_activity(actor=actor, verb=Verb.EVENT_FEEDBACK_GIVEN, community=event.community,
                        target=event, payload={"occurrence": recurrence.occurrence_key(original),
                                               "usefulness": score})
    for listener in FEEDBACK_LISTENERS:
        listener(feedback)
    return feedback
