"""Adapting catalogue formats for a community. Views and the API call these."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import record_activity
from cultivate.conversations import search
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.formats.indexing import index_adaptation
from cultivate.formats.models import (
    MAX_GROUP,
    MAX_MINUTES,
    MAX_NOTES,
    MAX_ROLES,
    CommunityFormat,
    LearningFormat,
)
from cultivate.policy import Can

# Activity verbs of this app (same style as cultivate.activity.actions.Verb).
FORMAT_ADAPTED = "format.adapted"
FORMAT_ADAPTATION_REMOVED = "format.adaptation_removed"

NUMBER_FIELDS = {
    "duration_min": MAX_MINUTES, "duration_max": MAX_MINUTES,
    "group_size_min": MAX_GROUP, "group_size_max": MAX_GROUP,
}


def _text(value) -> str:
    # NUL cannot be stored by PostgreSQL and means nothing in a note.
    return str(value or "").replace("\x00", "").strip()


def _clean(notes, roles, numbers: dict) -> tuple[str, str, dict]:
    errors: dict[str, list[str]] = {}
    notes, roles = _text(notes), _text(roles)
    if not notes:
        errors["notes"] = [_("Say how your community runs this format.")]
    elif len(notes) > MAX_NOTES:
        errors["notes"] = [_("Keep the notes under %(max)d characters.") % {"max": MAX_NOTES}]
    if len(roles) > MAX_ROLES:
        errors["roles"] = [_("Keep the roles under %(max)d characters.") % {"max": MAX_ROLES}]
    cleaned = {}
    for name, highest in NUMBER_FIELDS.items():
        value = numbers.get(name)
        if value is None or value == "":
            cleaned[name] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= highest:
            errors[name] = [_("Give a whole number from 1 to %(max)d, or leave it empty.")
                            % {"max": highest}]
        else:
            cleaned[name] = value
    for low, high in (("duration_min", "duration_max"), ("group_size_min", "group_size_max")):
        if cleaned.get(low) and cleaned.get(high) and cleaned[low] > cleaned[high]:
            errors.setdefault(high, []).append(_("Make this at least the smallest value."))
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return notes, roles, cleaned


@transaction.atomic
def do_adapt_format(*, actor, community, format: LearningFormat, notes: str, roles: str = "",
                    duration_min: int | None = None, duration_max: int | None = None,
                    group_size_min: int | None = None, group_size_max: int | None = None
                    ) -> CommunityFormat:
    """Say how this community runs a format (create or replace its adaptation): stewards.

    Empty numbers and roles mean "as in the catalogue". The returned row's `created` tells
    whether it is new."""
    policy.check(policy.standing_of(actor, community), Can.ADAPT_FORMATS, community)
    notes, roles, numbers = _clean(notes, roles, {
        "duration_min": duration_min, "duration_max": duration_max,
        "group_size_min": group_size_min, "group_size_max": group_size_max})
    adaptation = (CommunityFormat.objects.select_for_update()
                  .filter(community=community, format=format).first())
    created = adaptation is None
    values = {"notes": notes, "roles": roles, "adapted_by": actor, "updated_at": timezone.now(),
              **numbers}
    if created:
        try:
            with transaction.atomic():
                adaptation = CommunityFormat.objects.create(community=community, format=format,
                                                            **values)
        except IntegrityError as error:  # someone adapted it at the same moment
            raise Conflict(_("This format was just adapted by someone else; try again."),
                           code="adapted_meanwhile") from error
    else:
        for name, value in values.items():
            setattr(adaptation, name, value)
        adaptation.save()
    adaptation.created = created
    index_adaptation(adaptation)
    record_activity(actor=actor, verb=FORMAT_ADAPTED, community=community, target=adaptation,
                    payload={"format": format.slug, "created": created})
    return adaptation


@transaction.atomic
def do_remove_adaptation(*, actor, community, format: LearningFormat) -> None:
    """Stop running a format the community's own way: the catalogue's version remains."""
    policy.check(policy.standing_of(actor, community), Can.ADAPT_FORMATS, community)
    adaptation = CommunityFormat.objects.filter(community=community, format=format).first()
    if adaptation is None:
        raise NotAllowed("no such adaptation", hide=True)
    search.remove_document("adaptation", adaptation.pk)
    adaptation.delete()
    record_activity(actor=actor, verb=FORMAT_ADAPTATION_REMOVED, community=community,
                    target=format, payload={"format": format.slug})
