"""Changing how levels are computed; the recomputation itself is a job (jobs.py, tasks.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.insights.models import LevelRules
from cultivate.insights.rules import Thresholds
from cultivate.insights.tasks import enqueue_recompute
from cultivate.policy import Can

LIMITS = {"window_days": (7, 3650), "core_score": (1, 100_000), "core_weeks": (1, 520),
          "active_score": (1, 100_000), "occasional_score": (1, 100_000)}


def do_set_level_rules(*, actor, community, **values) -> LevelRules:
    """Facilitators tune the thresholds; levels are recomputed for the community right after."""
    policy.check(policy.standing_of(actor, community), Can.TUNE_LEVELS, community)
    rules = LevelRules.objects.filter(community=community).first()
    current = Thresholds.of(rules)
    chosen, errors = {}, {}
    for field, (low, high) in LIMITS.items():
        value = values.get(field, getattr(current, field))
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors[field] = [_("Give a whole number.")]
            continue
        if not low <= value <= high:
            errors[field] = [_("Between %(low)d and %(high)d.") % {"low": low, "high": high}]
        chosen[field] = value
    if not errors and not chosen["occasional_score"] < chosen["active_score"] \
            < chosen["core_score"]:
        errors["active_score"] = [_("Occasional < active < core: each level needs more than "
                                    "the one before.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        rules, _created = LevelRules.objects.update_or_create(
            community=community,
            defaults={**chosen, "updated_by": actor, "updated_at": timezone.now()})
        transaction.on_commit(lambda: enqueue_recompute([community.pk]))
    return rules
