"""The live backchannel's part of the steward's inbox: questions asked during an event that
ended, not yet harvested into the community's conversations."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.communities.inbox import (
    SHOWN_PER_SECTION,
    InboxItem,
    InboxSection,
    grouped_by_community,
)
from cultivate.events.inbox import RECORD_WITHIN
from cultivate.live.models import Item, ItemKind, ItemStatus


def backchannels_to_harvest(communities) -> dict[int, list[InboxSection]]:
    now = timezone.now()
    rows = (Item.objects.filter(
        channel__event__community__in=communities, channel__event__ends_at__lte=now,
        channel__event__ends_at__gt=now - RECORD_WITHIN, kind=ItemKind.QUESTION,
        status=ItemStatus.VISIBLE, harvested_topic__isnull=True)
        .values("channel__event", "channel__event__title", "channel__event__community")
        .annotate(questions=Count("pk")).order_by("-channel__event__ends_at"))
    by_community = grouped_by_community(rows, lambda row: row["channel__event__community"])
    return {community_id: [InboxSection(
        _("Backchannels to harvest"), len(events),
        [InboxItem(row["channel__event__title"],
                   reverse("live:harvest", args=[row["channel__event"]]),
                   _("%(count)d questions not harvested") % {"count": row["questions"]})
         for row in events[:SHOWN_PER_SECTION]])]
        for community_id, events in by_community.items()}
