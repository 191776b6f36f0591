"""Starting a community and editing its charter, case for membership and settings."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities import queries
from cultivate.communities.actions.membership import adjust_member_count
from cultivate.communities.models import (
    CHARTER_FIELDS,
    MARKDOWN_FIELDS,
    MAX_MARKDOWN,
    Community,
    ExternalImages,
    JoinPolicy,
    Kind,
    Membership,
    Role,
    Stage,
    StageChange,
    Visibility,
)
from cultivate.core import content_languages
from cultivate.core.errors import (
    ActionError,
    Conflict,
    NeedsConfirmation,
    NotAllowed,
    Refused,
    choose_one_of,
)
from cultivate.core.models import tags_from_names
from cultivate.core.realtime import community_group, recheck_after_commit
from cultivate.history.revisions import record_revision
from cultivate.policy import Can

EDITABLE_FIELDS = ("name", "slug", "tagline", "kind", "stage", "visibility", "join_policy",
                   "external_images", *MARKDOWN_FIELDS)
CHOICES = {"kind": Kind, "stage": Stage, "visibility": Visibility, "join_policy": JoinPolicy,
           "external_images": ExternalImages}
MAX_TAGS = 20
# Who may see and reach it, and whether other sites learn who reads it.
AUDITED_SETTINGS = ("visibility", "slug", "join_policy", "external_images")
# Conveners' decisions: who sees the community, its address, and whether other sites see readers.
CONVENER_SETTINGS = ("visibility", "slug", "external_images")


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
    if "languages" in values:
        cleaned["languages"] = _clean_languages(values["languages"], errors)
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return cleaned


MAX_LANGUAGES = 10


def _clean_languages(codes, errors: dict) -> list[str]:
    codes = [str(code).strip().lower() for code in (codes or []) if str(code).strip()]
    unknown = [code for code in codes if code not in content_languages.CODES]
    if unknown:
        errors["languages"] = [_("Unknown language codes: %(codes)s. Use two-letter codes such "
                                 "as en, fr, ar.") % {"codes": ", ".join(unknown[:5])}]
    elif len(codes) > MAX_LANGUAGES:
        errors["languages"] = [_("Use at most %(max)d languages.") % {"max": MAX_LANGUAGES}]
    return list(dict.fromkeys(codes))


def _clean_tags(tags) -> list[str]:
    tags = [str(tag) for tag in tags]
    if len(tags) > MAX_TAGS:
        raise ActionError(_("Use at most %(max)d tags.") % {"max": MAX_TAGS},
                          fields={"tags": [_("Too many tags.")]})
    return tags


@transaction.atomic
def do_create_community(*, actor, tags=(), **values) -> Community:
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in to start a community")
    if not policy.can_create_community(actor):
        if settings.CULTIVATE_COMMUNITY_CREATION == "verified":
            raise Refused(_("Verify your email address before you start a community."),
                          code="email_not_verified")
        raise Refused(_("On this platform, communities are started by platform admins. Ask "
                        "one to start yours."), code="admins_only")
    cleaned = _clean_community_fields(values, instance=None)
    tag_names = _clean_tags(tags)
    try:
        with transaction.atomic():
            community = Community.objects.create(created_by=actor, **cleaned)
    except IntegrityError as error:
        raise Conflict(_("A community with this name or address already exists.")) from error
    community.tags.set(tags_from_names(tag_names))
    StageChange.objects.create(community=community, to_stage=community.stage, changed_by=actor)
    membership = Membership.objects.create(community=community, user=actor, role=Role.CONVENER)
    adjust_member_count(community, +1)
    record_activity(actor=actor, verb=Verb.COMMUNITY_CREATED, community=community,
                    target=community)
    record_activity(actor=actor, verb=Verb.MEMBER_JOINED, community=community, target=membership,
                    payload={"role": Role.CONVENER, "how": "founded"})
    return community


# How far each visibility opens the community: a move up widens who sees it.
_OPENNESS = {Visibility.PRIVATE: 0, Visibility.LISTED: 1, Visibility.PUBLIC: 2}


def _check_visibility_change(standing, community: Community, cleaned: dict, changed: list,
                             confirm_visibility: bool) -> None:
    """Visibility, address and external images are the conveners' decision; widening who may
    see the community must be confirmed, knowing what becomes visible."""
    guarded = [key for key in CONVENER_SETTINGS if key in changed]
    if not guarded:
        return
    if Can.CHANGE_VISIBILITY not in policy.allowed(standing, community):
        message = _("Only conveners can change who sees the community, its address and whether "
                    "images from other sites load at once.")
        raise Refused(message, code="conveners_only", fields={key: [message] for key in guarded})
    if "visibility" not in changed:
        return
    before, after = community.visibility, cleaned.get("visibility", community.visibility)
    if _OPENNESS[Visibility(after)] <= _OPENNESS[Visibility(before)] or confirm_visibility:
        return
    counts = queries.exposed_if_public(community)
    if after == Visibility.PUBLIC:
        message = _(
            "Making the community public lets anyone read %(conversations)d conversations, "
            "%(methods)d methods, %(resources)d resources, %(events)d events and the names of "
            "its %(members)d members. Confirm to go ahead.") % counts
    else:
        message = _(
            "Listing the community shows its name, tagline, tags and case for membership to "
            "everyone; its conversations, methods, resources, events and members stay for "
            "members. Confirm to go ahead.")
    raise NeedsConfirmation(
        message, code="confirm_visibility", fields={"visibility": [message]},
        details={"from": before, "to": after, "content_becomes_public": after == "public",
                 "counts": counts})


MAX_STAGE_REASON = 2000


def _record_stage_change(actor, community: Community, to_stage: str, reason: str) -> None:
    reason = str(reason or "").strip()
    if len(reason) > MAX_STAGE_REASON:
        message = _("Keep this under %(max)d characters.") % {"max": MAX_STAGE_REASON}
        raise ActionError(message, fields={"stage_reason": [message]})
    StageChange.objects.create(community=community, from_stage=community.stage,
                               to_stage=to_stage, reason=reason, changed_by=actor)


@transaction.atomic
def do_update_community(*, actor, community: Community, tags=None,
                        confirm_visibility: bool = False, stage_reason: str = "",
                        **values) -> Community:
    """`confirm_visibility`: the actor saw what a wider visibility exposes and goes ahead.
    `stage_reason`: why the lifecycle stage moved, kept in its history."""
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.EDIT, community)
    cleaned = _clean_community_fields(values, instance=community)
    changed = [key for key, value in cleaned.items() if getattr(community, key) != value]
    _check_visibility_change(standing, community, cleaned, changed, confirm_visibility)
    record_revision(community, fields=changed, actor=actor)
    if "stage" in changed:
        _record_stage_change(actor, community, cleaned["stage"], stage_reason)
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
    if "visibility" in changed:  # open live sockets of outsiders close once this commits
        recheck_after_commit(community_group(community.pk))
    if settings_changed := {key: cleaned[key] for key in AUDITED_SETTINGS if key in changed}:
        record_audit(actor=actor, verb="community.settings_changed", target=community,
                     community=community, details=settings_changed)
    return community
