"""The health step of the hourly job: read every community's figures once, judge them with
its thresholds and store each signal, keeping since when its verdict holds."""

from django.db import transaction
from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.health import readings as health_readings
from cultivate.health.models import HealthSettings, HealthSignal
from cultivate.health.signals import judge
from cultivate.health.thresholds import effective


def compute_health(*, now=None, community_ids=None) -> int:
    """Store the signals of all communities (or of `community_ids`); returns rows written."""
    now = now or timezone.now()
    ids = sorted(set(community_ids) if community_ids is not None
                 else Community.objects.values_list("pk", flat=True))
    if not ids:
        return 0
    readings = health_readings.read_all(ids, now=now)
    overrides = dict(HealthSettings.objects.filter(community_id__in=ids)
                     .values_list("community_id", "thresholds"))
    stored = {(row.community_id, row.key): row
              for row in HealthSignal.objects.filter(community_id__in=ids)}
    changed, new = [], []
    for pk in ids:
        for key, (verdict, figure, details) in judge(readings[pk],
                                                     effective(overrides.get(pk))).items():
            row = stored.get((pk, key))
            if row is None:
                new.append(HealthSignal(community_id=pk, key=key, verdict=verdict,
                                        figure=figure, details=details, since=now,
                                        computed_at=now))
                continue
            if row.verdict != verdict:
                row.since = now
            row.verdict, row.figure, row.details, row.computed_at = verdict, figure, details, now
            changed.append(row)
    with transaction.atomic():
        HealthSignal.objects.bulk_create(new, batch_size=1000)
        HealthSignal.objects.bulk_update(
            changed, ["verdict", "figure", "details", "since", "computed_at"], batch_size=1000)
    return len(new) + len(changed)


def compute_health_step(*, now, community_ids=None) -> None:
    """The signature of the insights job's steps."""
    compute_health(now=now, community_ids=community_ids)
