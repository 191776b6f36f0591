"""Starting a community and editing its charter, case for membership and settings."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.actions.membership import adjust_member_count
from cultivate.communities.models import (
    CHARTER_FIELDS,
    MARKDOWN_FIELDS,
    MAX_MARKDOWN,
    Community,
    JoinPolicy,
    Kind,
    Membership,
    Role,
    Stage,
    Visibility,
)
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.models import tags_from_names
from cultivate.history.revisions import record_revision
from cultivate.policy import Can

EDITABLE_FIELDS = ("name", "slug", "tagline", "kind", "stage", "visibility", "join_policy",
                   *MARKDOWN_FIELDS)
CHOICES = {"kind": Kind, "stage": Stage, "visibility": Visibility, "join_policy": JoinPolicy}
MAX_TAGS = 20
AUDITED_SETTINGS = ("visibility", "slug", "join_policy")  # who may see and reach it


def _clean_community_fields(values: dict, *, instance: Community | None) -> dict:
    """Validate the editable fields given; raise one ActionError listing every problem."""
    errors: dict[str, list[str]] = {}
    cleaned = {key: value for key, value in values.items() if key in EDITABLE_FIELDS}
    for key, value in cleaned.items():
        if isinstance(value, str):
            cleaned[key] = value.strip()
    if "name" in cleaned:
        name = cleaned["name"]
        if not name:
            errors["name"] = [_("Give the community a name.")]
        elif len(name) > 120:
            errors["name"] = [_("Keep the name under 120 characters.")]
        else:
            clash = Community.objects.filter(name__iexact=name)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["name"] = [_("A community with this name already exists.")]
    if "slug" in cleaned or instance is None:
        slug = slugify(cleaned.get("slug") or cleaned.get("name") or "")[:80]
        if not slug:
            errors.setdefault("slug", [_("Choose an address made of letters, digits or dashes.")])
        else:
            clash = Community.objects.filter(slug=slug)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists() and "name" not in errors:
                field = "slug" if cleaned.get("slug") else "name"
                taken = _("The address /c/%(slug)s/ is taken.") % {"slug": slug}
                errors.setdefault(field, [taken])
        cleaned["slug"] = slug
    if len(cleaned.get("tagline", "")) > 200:
        errors["tagline"] = [_("Keep the tagline under 200 characters.")]
    for key, choices in CHOICES.items():
        if key in cleaned and cleaned[key] not in choices.values:
            errors[key] = [choose_one_of(choices.values)]
    for key in MARKDOWN_FIELDS:
        if len(cleaned.get(key, "")) > MAX_MARKDOWN:
            errors[key] = [_("Keep this under %(max)d characters.") % {"max": MAX_MARKDOWN}]
    for key in CHARTER_FIELDS:
        required = instance is None or key in cleaned
        if required and not cleaned.get(key, "") and key not in errors:
            errors[key] = [_("The charter needs its domain, community and practice.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return cleaned


def _clean_tags(tags) -> list[str]:
    tags = [str(tag) for tag in tags]
    if len(tags) > MAX_TAGS:
        raise ActionError(_("Use at most %(max)d tags.") % {"max": MAX_TAGS},
                          fields={"tags": [_("Too many tags.")]})
    return tags


@transaction.atomic
def do_create_community(*, actor, tags=(), **values) -> Community:
    if not policy.can_create_community(actor):
        raise NotAllowed("sign in to start a community")
    cleaned = _clean_community_fields(values, instance=None)
    tag_names = _clean_tags(tags)
    try:
        with transaction.atomic():
            community = Community.objects.create(created_by=actor, **cleaned)
    except IntegrityError as error:
        raise Conflict(_("A community with this name or address already exists.")) from error
    community.tags.set(tags_from_names(tag_names))
    membership = Membership.objects.create(community=community, user=actor, role=Role.CONVENER)
    adjust_member_count(community, +1)
    record_activity(actor=actor, verb=Verb.COMMUNITY_CREATED, community=community,
                    target=community)
    record_activity(actor=actor, verb=Verb.MEMBER_JOINED, community=community, target=membership,
                    payload={"role": Role.CONVENER, "how": "founded"})
    return community


@transaction.atomic
def do_update_community(*, actor, community: Community, tags=None, **values) -> Community:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    cleaned = _clean_community_fields(values, instance=community)
    changed = [key for key, value in cleaned.items() if getattr(community, key) != value]
    record_revision(community, fields=changed, actor=actor)
    for key in changed:
        setattr(community, key, cleaned[key])
    if changed:
        try:
            with transaction.atomic():
                community.save()
        except IntegrityError as error:
            raise Conflict(_("A community with this name or address already exists.")) from error
    if tags is not None:
        community.tags.set(tags_from_names(_clean_tags(tags)))
        changed.append("tags")
    if changed:
        record_activity(actor=actor, verb=Verb.CHARTER_EDITED, community=community,
                        target=community, payload={"fields": sorted(changed)})
    if settings_changed := {key: cleaned[key] for key in AUDITED_SETTINGS if key in changed}:
        record_audit(actor=actor, verb="community.settings_changed", target=community,
                     community=community, details=settings_changed)
    return community
