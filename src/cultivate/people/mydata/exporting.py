"""The action behind "Download my data" (page and API)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import record_activity
from cultivate.activity.models import Activity
from cultivate.core.errors import RateLimited
from cultivate.people.models import User
from cultivate.people.mydata.export import write_archive
from cultivate.policy import Can

DATA_EXPORTED = "account.data_exported"


def export_filename(user) -> str:
    return f"cultivate-{user.username}-{timezone.now():%Y%m%d}.zip"


def do_export_own_data(*, actor):
    """Build the archive of the actor's own data; at most once per
    CULTIVATE_EXPORT_INTERVAL_MINUTES (each export reads every row the person owns).
    Returns an open temporary file; the caller streams and closes it."""
    policy.check_account(actor, Can.EXPORT_OWN_DATA, actor)
    interval = timedelta(minutes=settings.CULTIVATE_EXPORT_INTERVAL_MINUTES)
    with transaction.atomic():
        # The person's row is locked so two downloads at once cannot both pass the check.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        last = (Activity.objects.filter(actor=actor, verb=DATA_EXPORTED)
                .order_by("-occurred_at").values_list("occurred_at", flat=True).first())
        now = timezone.now()
        if last is not None and now - last < interval:
            wait = int((last + interval - now).total_seconds()) + 1
            raise RateLimited(_("You downloaded your data a moment ago. Try again in %(minutes)d "
                            "minutes.") % {"minutes": max(1, round(wait / 60))},
                          retry_after=wait)
        record_activity(actor=actor, verb=DATA_EXPORTED)
    return write_archive(actor, site=settings.SITE_URL)
