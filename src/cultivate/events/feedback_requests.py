"""After an occurrence ends, each attendee is asked once, in the app and by mail, how useful it
was and what they will apply. Sent by the task worker (events.tasks), never in a request."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cultivate.conversations.mailing import member_message
from cultivate.conversations.models import Notification, NotificationKind
from cultivate.core.mail import send_messages
from cultivate.events import recurrence
from cultivate.events.attendance import FEEDBACK_DAYS
from cultivate.events.models import Attendance

AFTER_END = timedelta(minutes=30)  # let the room empty before asking
BATCH = 500


def feedback_link(attendance: Attendance) -> str:
    path = reverse("events:feedback", kwargs={"pk": attendance.event_id})
    return f"{path}?at={recurrence.occurrence_key(attendance.occurrence)}"


def send_feedback_requests(now=None) -> int:
    """Ask every attendee of an occurrence that ended in the last FEEDBACK_DAYS; each
    attendance is claimed by a conditional update first, so two workers never ask twice."""
    now = now or timezone.now()
    due = (Attendance.objects.filter(feedback_asked_at__isnull=True,
                                     occurrence__gte=now - timedelta(days=FEEDBACK_DAYS),
                                     occurrence__lte=now)
           .select_related("event").order_by("occurrence", "pk")[:BATCH])
    asked = 0
    for row in due:
        duration = row.event.ends_at - row.event.starts_at
        if row.occurrence + duration + AFTER_END <= now:
            asked += _ask(row.pk, now)
    return asked


def _ask(attendance_id: int, now) -> int:
    with transaction.atomic():
        if not Attendance.objects.filter(pk=attendance_id, feedback_asked_at__isnull=True
                                         ).update(feedback_asked_at=now):
            return 0
        row = Attendance.objects.select_related("event__community", "user").get(
            pk=attendance_id)
        link = feedback_link(row)
        Notification.objects.create(user=row.user, kind=NotificationKind.FEEDBACK, link=link,
                                    title=row.event.title[:200], created_at=now)
        message = member_message(row.user, row.event.community,
                                 template="events/email/feedback_request",
                                 context={"event": row.event, "when": row.occurrence,
                                          "url": settings.SITE_URL + link},
                                 list_name="event-feedback")
    if message is not None:
        try:
            send_messages([message])
        except Exception:
            Attendance.objects.filter(pk=attendance_id).update(feedback_asked_at=None)
            Notification.objects.filter(user_id=row.user_id, link=link).delete()
            raise
    return 1
