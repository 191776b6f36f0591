"""Custom indicators: define, change, archive (stewards), and enter their figures per period
(stewards and sponsors), with where each figure comes from. Computed indicators take only a
target: their figures come from the platform."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.page_cache import community_scope, expire
from cultivate.evaluation.cycles import KEYS
from cultivate.evaluation.indicators import computed
from cultivate.evaluation.indicators.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    TargetPeriod,
)
from cultivate.evaluation.periods import parse_period
from cultivate.policy import Can

MAX_NAME, MAX_UNIT, MAX_DESCRIPTION, MAX_SOURCE = 120, 40, 2000, 300
MAX_NUMBER = Decimal("999999999999")
MAX_INDICATORS = 60


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _number(raw, field: str, errors: dict, *, required: bool) -> Decimal | None:
    raw = _text(raw).replace(",", "")
    if not raw:
        if required:
            errors[field] = [_("Write a number, such as 12 or 3.5.")]
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > MAX_NUMBER:
        errors[field] = [_("Write a number, such as 12 or 3.5.")]
        return None
    return number.quantize(Decimal("0.01"))


def access_indicator(user, community, indicator_id) -> Indicator:
    if not str(indicator_id).isdigit() or int(indicator_id) > 2**62:
        raise NotAllowed("no such indicator", hide=True)
    indicator = Indicator.objects.filter(pk=int(indicator_id), community=community).first()
    if indicator is None:
        raise NotAllowed("no such indicator", hide=True)
    return indicator


def _checked_definition(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    name = _text(values.get("name"))
    if not 2 <= len(name) <= MAX_NAME:
        errors["name"] = [_("Give it a name of 2 to %(max)s characters.") % {"max": MAX_NAME}]
    cycle = _text(values.get("cycle"))
    if cycle not in KEYS:
        errors["cycle"] = [choose_one_of(KEYS)]
    unit = _text(values.get("unit"))
    if len(unit) > MAX_UNIT:
        errors["unit"] = [_("Keep it to %(max)s characters.") % {"max": MAX_UNIT}]
    description = _text(values.get("description"))
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep it to %(max)s characters.") % {"max": MAX_DESCRIPTION}]
    target_period = _text(values.get("target_period")) or TargetPeriod.QUARTER
    if target_period not in TargetPeriod.values:
        errors["target_period"] = [choose_one_of(TargetPeriod.values)]
    aggregation = _text(values.get("aggregation")) or Aggregation.SUM
    if aggregation not in Aggregation.values:
        errors["aggregation"] = [choose_one_of(Aggregation.values)]
    target = _number(values.get("target"), "target", errors, required=False)
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return {"name": name, "cycle": cycle, "unit": unit, "description": description,
            "target_period": target_period, "aggregation": aggregation, "target": target}


@transaction.atomic
def do_define_indicator(*, actor, community, values: dict,
                        indicator: Indicator | None = None) -> Indicator:
    policy.check(policy.standing_of(actor, community), Can.DEFINE_INDICATORS, community)
    if indicator is not None and indicator.is_computed:
        raise Conflict(_("The platform computes this indicator; only its target can be set."),
                       code="computed")
    checked = _checked_definition(values)
    if indicator is None:
        if Indicator.objects.filter(community=community, key="").count() >= MAX_INDICATORS:
            raise Conflict(_("A community keeps at most %(max)s custom indicators; archive "
                             "one first.") % {"max": MAX_INDICATORS}, code="too_many")
        indicator = Indicator(community=community, created_by=actor)
    for name, value in checked.items():
        setattr(indicator, name, value)
    indicator.save()
    expire(community_scope(community.pk))
    return indicator


@transaction.atomic
def do_set_computed_target(*, actor, community, key: str, target) -> Indicator:
    policy.check(policy.standing_of(actor, community), Can.DEFINE_INDICATORS, community)
    found = computed.BY_KEY.get(key)
    if found is None:
        raise ActionError(choose_one_of(computed.BY_KEY), code="bad_key",
                          fields={"key": [choose_one_of(computed.BY_KEY)]})
    errors: dict = {}
    number = _number(target, "target", errors, required=False)
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    indicator, _created = Indicator.objects.update_or_create(
        community=community, key=key,
        defaults={"cycle": found.cycle, "name": str(found.name)[:120], "target": number,
                  "unit": str(found.unit)[:40]})
    expire(community_scope(community.pk))
    return indicator


@transaction.atomic
def do_archive_indicator(*, actor, community, indicator: Indicator, archive: bool = True):
    policy.check(policy.standing_of(actor, community), Can.DEFINE_INDICATORS, community)
    indicator.archived_at = timezone.now() if archive else None
    indicator.save(update_fields=["archived_at"])
    expire(community_scope(community.pk))
    return indicator


@transaction.atomic
def do_enter_value(*, actor, community, indicator: Indicator, values: dict) -> IndicatorValue:
    """One figure for a period (a month, quarter or year); entering it again replaces it."""
    policy.check(policy.standing_of(actor, community), Can.ENTER_INDICATOR_VALUES, community)
    if indicator.is_computed:
        raise Conflict(_("The platform computes this indicator; nobody enters its figures."),
                       code="computed")
    if indicator.archived_at:
        raise Conflict(_("This indicator is archived."), code="archived")
    errors: dict[str, list[str]] = {}
    try:
        period = parse_period(_text(values.get("period")) or None)
    except ActionError as error:
        errors.update(error.fields)
        period = None
    number = _number(values.get("value"), "value", errors, required=True)
    source = _text(values.get("source"))
    if len(source) > MAX_SOURCE:
        errors["source"] = [_("Keep it to %(max)s characters.") % {"max": MAX_SOURCE}]
    url = _text(values.get("url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Give a web address that starts with https://.")]
    if not source and not url:
        errors["source"] = [_("Say where the figure comes from (a source or a link).")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    value, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator, period_start=period.start, period_end=period.end,
        defaults={"value": number, "source": source, "url": url[:500], "entered_by": actor,
                  "entered_at": timezone.now()})
    record_activity(actor=actor, verb=Verb.INDICATOR_VALUE_ENTERED, community=community,
                    target=indicator, payload={"period": period.key})
    return value
