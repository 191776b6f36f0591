"""Events' part of the steward's inbox (communities/inbox.py): meetings that ended without
notes or outputs, while people still remember them."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cultivate.communities.inbox import (
    SHOWN_PER_SECTION,
    InboxItem,
    InboxSection,
    grouped_by_community,
)
from cultivate.events.models import Event

RECORD_WITHIN = timedelta(days=60)


def events_to_record(communities) -> dict[int, list[InboxSection]]:
    now = timezone.now()
    ended = (Event.objects.filter(community__in=communities, cancelled_at__isnull=True,
                                  recurrence="", ends_at__lte=now,
                                  ends_at__gt=now - RECORD_WITHIN, notes="", outputs="")
             .order_by("-ends_at", "-pk"))
    by_community = grouped_by_community(ended, lambda event: event.community_id)
    return {community_id: [InboxSection(
        _("Events to record"), len(events),
        [InboxItem(e.title, reverse("events:outcome", args=[e.pk]),
                   _("ended %(date)s") % {"date": date_format(timezone.localtime(e.ends_at))})
         for e in events[:SHOWN_PER_SECTION]])]
        for community_id, events in by_community.items()}
