"""Changing what the health check reads against: a community's thresholds, and its stage."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.audit.actions import record_audit
from cultivate.communities.actions.charter import do_update_community
from cultivate.communities.models import Stage
from cultivate.core.errors import ActionError, choose_one_of
from cultivate.core.page_cache import community_scope, expire
from cultivate.health.models import HealthSettings
from cultivate.health.thresholds import THRESHOLDS
from cultivate.policy import Can

MAX_THRESHOLD = 1_000_000


def _number(value, field: str, errors: dict) -> float | None:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        errors[field] = [_("Give a number.")]
        return None
    if not 0 <= number <= MAX_THRESHOLD or number != number:  # NaN
        errors[field] = [_("Give a number from 0 to %(max)d.") % {"max": MAX_THRESHOLD}]
        return None
    return number


def clean_thresholds(values: dict) -> dict:
    """{key: {"healthy", "at_risk"}} from form fields `<key>__healthy` / `<key>__at_risk` or
    a nested dict; raises one ActionError naming every refused field."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for key, threshold in THRESHOLDS.items():
        nested = values.get(key) if isinstance(values.get(key), dict) else {}
        raw_healthy = nested.get("healthy", values.get(f"{key}__healthy"))
        raw_risk = nested.get("at_risk", values.get(f"{key}__at_risk"))
        if raw_healthy in (None, "") and raw_risk in (None, ""):
            continue
        healthy = _number(raw_healthy if raw_healthy not in (None, "") else threshold.healthy,
                          f"{key}__healthy", errors)
        at_risk = healthy if threshold.single else _number(
            raw_risk if raw_risk not in (None, "") else threshold.at_risk, f"{key}__at_risk",
            errors)
        if healthy is None or at_risk is None:
            continue
        wrong_way = at_risk > healthy if threshold.higher_is_better else at_risk < healthy
        if wrong_way:
            errors[f"{key}__at_risk"] = [
                _("'At risk' must be below 'healthy' for this signal.")
                if threshold.higher_is_better else
                _("'At risk' must be above 'healthy' for this signal.")]
            continue
        if (healthy, at_risk) != (threshold.healthy, threshold.at_risk):
            cleaned[key] = {"healthy": healthy, "at_risk": at_risk}
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return cleaned


@transaction.atomic
def do_tune_thresholds(*, actor, community, values: dict, reset: bool = False) -> HealthSettings:
    """Replace the community's thresholds (only those that differ from the defaults are
    kept); `reset` goes back to the defaults. The next run of the job reads them."""
    policy.check(policy.standing_of(actor, community), Can.TUNE_HEALTH, community)
    cleaned = {} if reset else clean_thresholds(values)
    settings, _created = HealthSettings.objects.select_for_update().get_or_create(
        community=community)
    settings.thresholds, settings.updated_by, settings.updated_at = (
        cleaned, actor, timezone.now())
    settings.save()
    record_audit(actor=actor, verb="health.thresholds_changed", target=community,
                 community=community, details={"thresholds": cleaned})
    expire(community_scope(community.pk))  # the page explains figures against these
    return settings


def do_change_stage(*, actor, community, stage: str, reason: str = ""):
    """Move the lifecycle stage, saying why; the history keeps who, when and why."""
    policy.check(policy.standing_of(actor, community), Can.CHANGE_STAGE, community)
    if stage not in Stage.values:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"stage": [choose_one_of(Stage.values)]})
    if stage == community.stage:
        raise ActionError(_("The community is already at this stage."),
                          fields={"stage": [_("Choose another stage.")]})
    if not str(reason or "").strip():
        raise ActionError(_("Please correct the marked fields."),
                          fields={"stage_reason": [_("Say why the stage moves: the history "
                                                     "keeps it for those who come later.")]})
    # Stewards may change the stage; the charter action checks EDIT, which they have too.
    return do_update_community(actor=actor, community=community, stage=stage,
                               stage_reason=reason)
